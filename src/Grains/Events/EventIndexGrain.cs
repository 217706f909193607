using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// A district's cases. Admission runs one at a time in the grain, so duplicates arriving together
/// are told apart exactly: the first opens the case, the others find it. A place is held for an
/// admitted case, with its report, until its first summary arrives; should the engine stop in
/// between, the start-up check (CaseIndexRepair in the silo) opens the case from that report.
/// Each report's key is remembered with its admission, so a retried report gets the same answer.
/// </summary>
public sealed class EventIndexGrain(
    [PersistentState("eventIndex", "Default")] IPersistentState<EventIndexState> state,
    EventServices services) : Grain, IEventIndexGrain
{
    /// <summary>A place held without the report it was admitted for (kept by earlier versions) is let go after this.</summary>
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How long a report's key is remembered: far longer than any client or device outbox retries.</summary>
    private static readonly TimeSpan AdmissionsRemembered = TimeSpan.FromDays(7);

    /// <summary>Case numbers a district takes at a time: small, so the day's numbers stay close to the order cases came in.</summary>
    private const int NumberBlockSize = 20;

    private EventIndexState Index => state.State;

    private IGrainTimer? _openUnopened;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        WatchUnopened();
        return Task.CompletedTask;
    }

    public async Task<Admission> Admit(EventReport report, DuplicateWindow duplicates)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(duplicates);
        var key = report.IdempotencyKey ?? throw new ArgumentException("Intake keys every report.", nameof(report));
        if (Index.Admitted.TryGetValue(key, out var admitted))
        {
            return new Admission(admitted.EventId, admitted.IsDuplicate);
        }

        var now = services.Clock.GetUtcNow();
        Forget(now);
        var candidate = new EventFootprint(string.Empty, report.Category, report.Location.Longitude, report.Location.Latitude, report.At, EventState.Reported);
        var known = Index.Open.Values.Select(s => s.Footprint).Concat(Index.Reserved.Values);
        Admission admission;
        if (DuplicateRule.FindPrimary(candidate, known, duplicates.RadiusMetres, duplicates.Window) is { } primary)
        {
            admission = new Admission(primary.EventId, IsDuplicate: true);
        }
        else
        {
            var day = CityDays.DayOf(report.At, services.Options.KpiUtcOffset).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
            var number = await NextNumberAsync(day);
            var id = CaseIds.Of(day, number);
            Index.Reserved[id] = candidate with { EventId = id };
            Index.Unopened[id] = report;
            WatchUnopened();
            admission = new Admission(id, IsDuplicate: false);
        }

        Index.Admitted[key] = new AdmittedReport(admission.EventId, admission.IsDuplicate, now);
        await state.WriteStateAsync();
        return admission;
    }

    /// <summary>
    /// The next number of the day from the index's block, taking a new block when it is used up; the
    /// block is stored with the admission that uses it.
    /// </summary>
    private async Task<int> NextNumberAsync(string day)
    {
        if (!Index.Numbers.TryGetValue(day, out var block) || block.Next >= block.End)
        {
            var sequence = (block?.Sequence ?? 0) + 1;
            var first = await GrainFactory.GetGrain<IEventNumberGrain>(day).TakeBlock(this.GetPrimaryKeyString(), sequence, NumberBlockSize);
            block = new NumberBlock(first, first + NumberBlockSize, sequence);

            // Only the day's block is used from now on.
            Index.Numbers.Clear();
        }

        Index.Numbers[day] = block with { Next = block.Next + 1 };
        return block.Next;
    }

    public async Task Update(EventSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var held = Index.Open.GetValueOrDefault(summary.Id) ?? Index.Ended.GetValueOrDefault(summary.Id);
        if (held is not null && held.Version > summary.Version)
        {
            return;
        }

        var wasUnopened = Index.Unopened.Remove(summary.Id);
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

        // An unchanged summary (a follow-up applied again) needs no write, unless it settled an admission.
        if (held != summary || wasUnopened)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyDictionary<string, EventReport>> Unopened() =>
        Task.FromResult<IReadOnlyDictionary<string, EventReport>>(new Dictionary<string, EventReport>(Index.Unopened));

    public Task<IReadOnlyDictionary<string, int>> Versions() =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(
            Index.Open.Values.Concat(Index.Ended.Values).ToDictionary(s => s.Id, s => s.Version));

    /// <summary>
    /// While reports are admitted and their cases not opened, offers them to intake again every
    /// <see cref="EventOptions.UnopenedRetry"/>: an opening that failed (storage away) is not left until
    /// the next start, and reports already folded into such a case as duplicates get the case they were told of.
    /// </summary>
    private void WatchUnopened()
    {
        if (Index.Unopened.Count > 0 && _openUnopened is null)
        {
            var every = services.Options.UnopenedRetry;
            _openUnopened = this.RegisterGrainTimer(OfferUnopenedAgain, new GrainTimerCreationOptions(every, every) { Interleave = true });
        }
    }

    private Task OfferUnopenedAgain(CancellationToken cancellationToken)
    {
        if (Index.Unopened.Count == 0)
        {
            _openUnopened?.Dispose();
            _openUnopened = null;
            return Task.CompletedTask;
        }

        var now = services.Clock.GetUtcNow();
        foreach (var report in Index.Unopened.Values)
        {
            if (report.IdempotencyKey is { } key && Index.Admitted.TryGetValue(key, out var admitted) && now - admitted.At >= services.Options.UnopenedRetry)
            {
                // Not awaited here: intake comes back to this index to find the admission.
                _ = OfferAsync(report);
            }
        }

        return Task.CompletedTask;
    }

    private async Task OfferAsync(EventReport report)
    {
        try
        {
            // The report keeps its key, so intake finds its admission and opens that very case.
            await GrainFactory.GetGrain<IEventIntakeGrain>(0).Report(report);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Offered again at the next tick while it stays unopened.
        }
    }

    /// <summary>Drops admission keys past their retention, and places held by reports the index no longer has.</summary>
    private void Forget(DateTimeOffset now)
    {
        foreach (var old in Index.Admitted.Where(a => now - a.Value.At > AdmissionsRemembered).Select(a => a.Key).ToList())
        {
            Index.Admitted.Remove(old);
        }

        foreach (var stale in Index.Reserved.Where(r => !Index.Unopened.ContainsKey(r.Key) && now - r.Value.ReportedAt > ReservationLifetime).Select(r => r.Key).ToList())
        {
            Index.Reserved.Remove(stale);
        }
    }

    public Task<IReadOnlyList<EventSummary>> Query(EventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var wantsEnded = query.States is null || query.States.Any(s => !EventLifecycle.IsOpen(s));
        var cases = wantsEnded ? Index.Open.Values.Concat(Index.Ended.Values) : Index.Open.Values;
        var found = EventQueries.OrderAndLimit(
            query,
            cases.Where(s => EventQueries.Matches(query, s) && (query.Viewer is null || services.Scope.Allows(query.Viewer, s))));
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<string>> DueBy(DateTimeOffset now) =>
        Task.FromResult<IReadOnlyList<string>>([.. Index.Open.Values.Where(s => s.Deadline <= now).Select(s => s.Id)]);

    public Task<IReadOnlyList<string>> ChangedBetween(DateTimeOffset from, DateTimeOffset until) =>
        Task.FromResult<IReadOnlyList<string>>([.. Index.Open.Values.Concat(Index.Ended.Values).Where(s => s.UpdatedAt >= from && s.UpdatedAt < until).Select(s => s.Id)]);
}

[GenerateSerializer]
public sealed class EventIndexState
{
    [Id(0)] public Dictionary<string, EventSummary> Open { get; set; } = [];
    [Id(1)] public Dictionary<string, EventSummary> Ended { get; set; } = [];
    [Id(2)] public Dictionary<string, EventFootprint> Reserved { get; set; } = [];

    /// <summary>What each report key was admitted as, for retries.</summary>
    [Id(3)] public Dictionary<string, AdmittedReport> Admitted { get; set; } = [];

    /// <summary>The report of each admitted case that has not opened yet.</summary>
    [Id(4)] public Dictionary<string, EventReport> Unopened { get; set; } = [];

    /// <summary>The block of case numbers the district is numbering from, by day (<c>yyyyMMdd</c>).</summary>
    [Id(5)] public Dictionary<string, NumberBlock> Numbers { get; set; } = [];
}

/// <summary>
/// Case numbers from <see cref="Next"/> up to, not including, <see cref="End"/>: the
/// <see cref="Sequence"/>-th block the district took that day (0 in state stored before blocks were counted).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record NumberBlock([property: Id(0)] int Next, [property: Id(1)] int End, [property: Id(2)] int Sequence = 0);

[GenerateSerializer, Immutable]
public sealed record AdmittedReport([property: Id(0)] string EventId, [property: Id(1)] bool IsDuplicate, [property: Id(2)] DateTimeOffset At);
