using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Events;

/// <summary>
/// A case's outbox (docs/reliability.md, "A case's outbox"): the follow-ups stored with each change (KPI counts
/// with their day and scopes, a merge's count on its primary), applied after it, retried every few seconds
/// until they succeed, each once; then the case as it is now told to its index, grid cell and situation feed.
/// </summary>
public sealed class CaseFollowUps(
    Grain grain,
    IPersistentState<UrbanEventState> state,
    IGrainFactory grains,
    IServiceProvider activationServices,
    EventServices services,
    ILogger logger)
{
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    private IGrainTimer? _retry;
    private DeferredWrite? _done;

    private UrbanEventState Case => state.State;

    private string EventId => grain.GetPrimaryKeyString();

    /// <summary>Adds the follow-ups of the change just made (version already incremented), to be stored with it.</summary>
    public void Add(DateTimeOffset at, EventKpiCounters kpi, string? mergeInto)
    {
        var count = kpi == EventKpiCounters.None ? null : new KpiCount(CityDays.DayOf(at, services.Options.KpiUtcOffset), kpi, [.. KpiScopesOfCase()]);
        Case.PendingFollowUps.Add(new CaseFollowUp(Case.Version, count, mergeInto));
        _done?.Cancel();
    }

    /// <summary>On deactivation: writes that the follow-ups were applied, when that write was still waiting.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) =>
        _done?.FlushIfPendingAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>
    /// Applies the stored follow-ups: KPI counts keyed by case and version, the merge announced to its
    /// primary (keyed by this case), then the current summary to the index, cell and feed. Whatever
    /// fails is tried again on a timer; the change itself is committed, so its caller is not failed.
    /// </summary>
    public async Task ApplyAsync(bool publishAnyway = false)
    {
        var pending = Case.PendingFollowUps;
        if (pending.Count == 0 && !publishAnyway)
        {
            return;
        }

        try
        {
            foreach (var followUp in pending.ToList())
            {
                if (followUp.Kpi is { } count)
                {
                    await Task.WhenAll(count.Scopes.Select(scope => grains.GetGrain<IKpiLedgerGrain>(scope).Add(count.Day, count.Delta, EventId, followUp.Version)));
                }

                if (followUp.MergeInto is { } primary)
                {
                    var announcement = Case.Report! with { IdempotencyKey = "merge:" + EventId, Origin = "merge:" + EventId };
                    await grains.GetGrain<IUrbanEventGrain>(primary).AddDuplicate(announcement, EventId);
                }
            }

            await PublishAsync();
            _retry?.Dispose();
            _retry = null;
            if (pending.Count > 0)
            {
                pending.Clear();
                // Written later: should the engine stop first, they are applied again, each once.
                (_done ??= new DeferredWrite(grain, state.WriteStateAsync, Retry)).Schedule();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Case {EventId}: {Count} follow-ups not applied yet; retrying", EventId, pending.Count);
            RetrySoon();
        }
    }

    /// <summary>Keeps the case active and tries again every few seconds until its follow-ups are applied.</summary>
    public void RetrySoon() =>
        _retry ??= grain.RegisterGrainTimer(
            _ => EngineStopping.Began(activationServices) ? Task.CompletedTask : ApplyAsync(),
            new GrainTimerCreationOptions(Retry, Retry) { KeepAlive = true });

    private IEnumerable<string> KpiScopesOfCase()
    {
        foreach (var region in GridCodes.ChainOf(Case.Report!.Location.CellCode).Skip(1))
        {
            yield return KpiScopes.Region(region);
        }

        if (Case.Department is { } department)
        {
            yield return KpiScopes.Department(department);
        }
    }

    /// <summary>Tells the index, the cell and the feed the case as it is now; each takes it idempotently.</summary>
    private async Task PublishAsync()
    {
        var now = services.Clock.GetUtcNow();
        var summary = CaseChanges.Summary(EventId, Case, now);
        var cell = Case.Report!.Location.CellCode;
        await grains.GetGrain<IEventIndexGrain>(GridCodes.DistrictOf(cell)).Update(summary);
        await grains.GetGrain<IGridCellGrain>(cell).UpdateEvent(new EventCellStatus(EventId, summary.IsOpen, summary.IsOverdue(now), Case.Urgency));
        await grains.GetGrain<ISituationFeedGrain>(GridCodes.DistrictOf(cell)).EventChanged(summary);
    }
}
