namespace CityOps.Grains.Events;

/// <summary>How cases are spread over index grains: one per district.</summary>
public static class EventIndex
{
    public const int DistrictCodeLength = 6;

    /// <summary>The district of a cell or region code at district level or below.</summary>
    public static string KeyFor(string cellCode)
    {
        ArgumentNullException.ThrowIfNull(cellCode);
        return cellCode.Length < DistrictCodeLength
            ? throw new ArgumentException($"'{cellCode}' is above district level.", nameof(cellCode))
            : cellCode[..DistrictCodeLength];
    }

    /// <summary>The case id for a day's number: <c>E20261122-000123</c>.</summary>
    public static string EventId(string day, int number) => $"E{day}-{number:D6}";
}
