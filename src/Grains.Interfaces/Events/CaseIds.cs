namespace CityOps.Grains.Interfaces.Events;

/// <summary>
/// The case id, made and recognised here only: <c>E</c>, the city day <c>yyyyMMdd</c>, <c>-</c>, and
/// the day's number with at least six digits (<c>E20261122-000123</c>; a day past 999,999 cases
/// numbers on with more digits, up to nine).
/// </summary>
public static class CaseIds
{
    /// <summary>The id of a day's case number.</summary>
    public static string Of(string day, int number) => $"E{day}-{number:D6}";

    /// <summary>Whether <paramref name="id"/> has the shape of a case id (it may still name no case).</summary>
    public static bool IsCaseId(string? id) =>
        id is { Length: >= 16 and <= 19 } && id[0] == 'E' && id[9] == '-'
        && !id.AsSpan(1, 8).ContainsAnyExceptInRange('0', '9') && !id.AsSpan(10).ContainsAnyExceptInRange('0', '9');
}
