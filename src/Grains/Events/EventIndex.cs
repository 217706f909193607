namespace CityOps.Grains.Events;

/// <summary>How cases are named; their index grains are keyed by district (<c>GridCodes.DistrictOf</c>).</summary>
public static class EventIndex
{
    /// <summary>The case id for a day's number: <c>E20261122-000123</c>.</summary>
    public static string EventId(string day, int number) => $"E{day}-{number:D6}";
}
