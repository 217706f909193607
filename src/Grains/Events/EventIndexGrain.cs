using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// A district's cases. Admission runs one at a time in the grain, so duplicates arriving together
/// are told apart exactly: the first opens the case, the others find it. A place is held for an
/// admitted case until its first summary arrives.
/// </summary>
public sealed class EventIndexGrain(
    [PersistentState("eventIndex", "Default")] IPersistentState<EventIndexState> state,
    EventServices services) : Grain, IEventIndexGrain
{
    /// <summary>A case admitted but never opened (its opening failed) stops holding its place after this.</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(10);

    private EventIndexState Index => state.State;

    public async Task<Admission> Admit(EventFootprint candidate, DuplicateWindow duplicates)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(duplicates);
        var now = services.Clock.GetUtcNow();
        foreach (var stale in Index.Reserved.Where(r => now - r.Value.ReportedAt > ReservationLifetime).Select(r => r.Key).ToList())
        {
            Index.Reserved.Remove(stale);
        }

        var known = Index.Open.Values.Select(s => s.Footprint).Concat(Index.Reserved.Values);
        if (DuplicateRule.FindPrimary(candidate, known, duplicates.RadiusMetres, duplicates.Window) is { } primary)
        {
            return new Admission(primary.EventId, IsDuplicate: true);
        }

        var day = CityDays.DayOf(candidate.ReportedAt, services.Options.KpiUtcOffset).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var number = await GrainFactory.GetGrain<IEventNumberGrain>(day).Next();
        var id = EventIndex.EventId(day, number);
        Index.Reserved[id] = candidate with { EventId = id };
        await state.WriteStateAsync();
        return new Admission(id, IsDuplicate: false);
    }

    public async Task Update(EventSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        Index.Reserved.Remove(summary.Id);
        if (summary.IsOpen)
        {
            Index.Open[summary.Id] = summary;
            Index.Ended.Remove(summary.Id);
        }
        else
        {
            Index.Open.Remove(summary.Id);
            Index.Ended[summary.Id] = summary;
            var excess = Index.Ended.Count - services.Options.EndedCasesKept;
            if (excess > 0)
            {
                foreach (var oldest in Index.Ended.Values.OrderBy(s => s.UpdatedAt).Take(excess).Select(s => s.Id).ToList())
                {
                    Index.Ended.Remove(oldest);
                }
            }
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<EventSummary>> Query(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var wantsEnded = query.States is null || query.States.Any(s => !EventLifecycle.IsOpen(s));
        var cases = wantsEnded ? Index.Open.Values.Concat(Index.Ended.Values) : Index.Open.Values;
        IReadOnlyList<EventSummary> found =
        [
            .. cases
                .Where(s => query.RegionPrefix is null || s.Location.CellCode.StartsWith(query.RegionPrefix, StringComparison.Ordinal))
                .Where(s => query.States is null || query.States.Contains(s.State))
                .Where(s => query.Department is null || s.Department == query.Department)
                .Where(s => query.Category is null || s.Category == query.Category)
                .Where(s => query.Overdue is null || s.IsOverdue(query.Now) == query.Overdue)
                .OrderByDescending(s => s.UpdatedAt)
                .ThenBy(s => s.Id, StringComparer.Ordinal)
                .Take(query.Limit),
        ];
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<string>> DueBy(DateTimeOffset now) =>
        Task.FromResult<IReadOnlyList<string>>([.. Index.Open.Values.Where(s => s.Deadline <= now).Select(s => s.Id)]);
}

[GenerateSerializer]
public sealed class EventIndexState
{
    [Id(0)] public Dictionary<string, EventSummary> Open { get; set; } = [];
    [Id(1)] public Dictionary<string, EventSummary> Ended { get; set; } = [];
    [Id(2)] public Dictionary<string, EventFootprint> Reserved { get; set; } = [];
}
