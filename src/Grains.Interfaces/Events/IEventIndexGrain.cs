using Orleans.Concurrency;

namespace CityOps.Grains.Interfaces.Events;

/// <summary>How intake tells duplicates apart: same category within this radius and window.</summary>
[GenerateSerializer, Immutable]
public sealed record DuplicateWindow(
    [property: Id(0)] double RadiusMetres,
    [property: Id(1)] TimeSpan Window);

/// <summary>What the index decided for a report: a new case id, or the open case it duplicates.</summary>
[GenerateSerializer, Immutable]
public sealed record Admission(
    [property: Id(0)] string EventId,
    [property: Id(1)] bool IsDuplicate);

/// <summary>A filter over a district's cases; null members do not filter.</summary>
/// <param name="RegionPrefix">A region or cell code; a case matches when its cell code starts with it.</param>
/// <param name="Overdue">True for cases past their deadline at <paramref name="Now"/>, false for the others.</param>
/// <param name="Viewer">Only the cases this user may see (<see cref="CaseScope"/>), left out before the limit is applied.</param>
/// <param name="Channel">Only the cases reported through this channel.</param>
/// <param name="ReportedFrom">Only the cases reported at or after this instant.</param>
/// <param name="ReportedUntil">Only the cases reported at or before this instant.</param>
/// <param name="Order">Which cases come first, and so which the limit keeps.</param>
[GenerateSerializer, Immutable]
public sealed record EventQuery(
    [property: Id(0)] string? RegionPrefix,
    [property: Id(1)] IReadOnlyList<EventState>? States,
    [property: Id(2)] string? Department,
    [property: Id(3)] bool? Overdue,
    [property: Id(4)] string? Category,
    [property: Id(5)] DateTimeOffset Now,
    [property: Id(6)] int Limit,
    [property: Id(7)] CaseViewer? Viewer = null,
    [property: Id(8)] EventChannel? Channel = null,
    [property: Id(9)] DateTimeOffset? ReportedFrom = null,
    [property: Id(10)] DateTimeOffset? ReportedUntil = null,
    [property: Id(11)] EventOrder Order = EventOrder.LatestUpdateFirst,
    [property: Id(12)] EventUrgency? Urgency = null);

/// <summary>The order of a query's cases (ties by case id).</summary>
public enum EventOrder
{
    /// <summary>The most recently changed first: the work lists.</summary>
    LatestUpdateFirst,

    /// <summary>The most recently reported first: Open311's service requests.</summary>
    LatestReportFirst,
}

/// <summary>A query's filter and order over case summaries, the same wherever summaries are held.</summary>
public static class EventQueries
{
    /// <summary>Whether the case passes every filter of the query but the viewer's scope.</summary>
    public static bool Matches(EventQuery query, EventSummary s)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(s);
        return (query.RegionPrefix is null || s.Location.CellCode.StartsWith(query.RegionPrefix, StringComparison.Ordinal))
            && (query.States is null || query.States.Contains(s.State))
            && (query.Department is null || s.Department == query.Department)
            && (query.Category is null || s.Category == query.Category)
            && (query.Urgency is null || s.Urgency == query.Urgency)
            && (query.Overdue is null || s.IsOverdue(query.Now) == query.Overdue)
            && (query.Channel is null || s.Channel == query.Channel)
            && (query.ReportedFrom is null || s.ReportedAt >= query.ReportedFrom)
            && (query.ReportedUntil is null || s.ReportedAt <= query.ReportedUntil);
    }

    /// <summary>The cases in the query's order, at most its limit: also how lists from several districts are merged.</summary>
    public static IReadOnlyList<EventSummary> OrderAndLimit(EventQuery query, IEnumerable<EventSummary> cases)
    {
        ArgumentNullException.ThrowIfNull(query);
        var ordered = query.Order == EventOrder.LatestReportFirst
            ? cases.OrderByDescending(s => s.ReportedAt)
            : cases.OrderByDescending(s => s.UpdatedAt);
        return [.. ordered.ThenBy(s => s.Id, StringComparer.Ordinal).Take(query.Limit)];
    }
}

/// <summary>
/// The cases of one district (keyed by its 6-digit code): intake's single point of decision on
/// duplicates, so two sensors reporting the same waterlogging at once open one case, and the
/// index behind event lists and the start-up check of deadlines. It keeps every open case and the
/// most recent ended ones.
/// </summary>
public interface IEventIndexGrain : IGrainWithStringKey
{
    /// <summary>
    /// Either names the open case the report duplicates or allocates a new id and holds its place,
    /// keeping the report until the case has opened. A report whose key was admitted before gets the
    /// same answer again.
    /// </summary>
    Task<Admission> Admit(EventReport report, DuplicateWindow duplicates);

    /// <summary>A case changed; the index keeps its latest summary (a summary older than the one it has changes nothing).</summary>
    Task Update(EventSummary summary);

    /// <summary>The reports admitted as new cases whose case has not opened yet, by case id (a crash came between).</summary>
    Task<IReadOnlyDictionary<string, EventReport>> Unopened();

    /// <summary>Every case the index lists, with the version of the summary it holds.</summary>
    Task<IReadOnlyDictionary<string, int>> Versions();

    /// <summary>The matching cases, most recently updated first.</summary>
    Task<IReadOnlyList<EventSummary>> Query(EventQuery query);

    /// <summary>The open cases whose deadline is at or before <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> DueBy(DateTimeOffset now);

    /// <summary>The cases the index holds (open, and the recent ended ones) last changed in [<paramref name="from"/>, <paramref name="until"/>): the day's audit checkpoint.</summary>
    Task<IReadOnlyList<string>> ChangedBetween(DateTimeOffset from, DateTimeOffset until);
}

/// <summary>
/// Hands out case numbers for one day (keyed <c>yyyyMMdd</c>), so ids are <c>E20261122-000123</c>, in
/// blocks: each district's index takes a block and numbers its cases from it, so the day's numbers
/// are not one activation every new case in the city waits on. Numbers are unique. A request names the
/// district and the block's place in its sequence for the day, so an index that took a block but died
/// before storing it is given the same block again: a crash leaves no gap.
/// </summary>
public interface IEventNumberGrain : IGrainWithStringKey
{
    /// <summary>
    /// The first of <paramref name="size"/> consecutive numbers no one else is given: the
    /// <paramref name="sequence"/>-th block of the day for <paramref name="district"/>, the same block
    /// each time it is asked for again.
    /// </summary>
    Task<int> TakeBlock(string district, int sequence, int size);
}

/// <summary>
/// Where every report enters (信息采集): it asks the district's index whether the report duplicates
/// an open case, and either counts it there or opens a new case.
/// </summary>
public interface IEventIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>Takes a report in; a report with a key seen before gets the same answer and changes nothing.</summary>
    Task<IntakeResult> Report(EventReport report);
}
