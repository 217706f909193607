namespace CityOps.Grains.Events;

/// <summary>The API (camelCase) name of an enum member, as JSON shows it; used in messages and the audit hash.</summary>
internal static class ApiNames
{
    public static string Of<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name.AsSpan(1));
    }

    public static string Of<T>(IEnumerable<T> values)
        where T : struct, Enum => string.Join(", ", values.Select(Of));
}
