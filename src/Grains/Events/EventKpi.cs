using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// Turns what happens to one case into the counter deltas it adds, so KPIs are kept up as cases
/// move instead of by scanning them. Each action counts once under its own name; on-time
/// dispatches and handlings are those whose ending stage kept its limit; and every stage that
/// ends, however it ended (a return ends a handle stage too), adds its count, its whole seconds
/// and whether it was late.
/// </summary>
public static class EventKpi
{
    public static EventKpiCounters ForReport() => EventKpiCounters.None with { Reported = 1 };

    /// <param name="ended">The stage the transition ended (from <see cref="StageClock.Follow"/>), if any.</param>
    public static EventKpiCounters ForTransition(EventTransition transition, StageOutcome? ended)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var none = EventKpiCounters.None;
        var counts = transition.Action switch
        {
            EventAction.Register => none with { Registered = 1 },
            EventAction.Reject => none with { Rejected = 1 },
            EventAction.Merge => none with { Merged = 1 },
            // A reassignment (改派) is routing within the handle stage, not a dispatch the dispatch rates judge.
            EventAction.Dispatch when transition.From is EventState.Dispatched or EventState.Accepted => none,
            EventAction.Dispatch => none with { Dispatched = 1, DispatchedOnTime = OnTime(ended, EventStage.Dispatch) },
            EventAction.Return => none with { Returned = 1 },
            EventAction.Handle => none with { Handled = 1, HandledOnTime = OnTime(ended, EventStage.Handle) },
            EventAction.Rework => none with { Reworked = 1 },
            EventAction.Close => none with { Closed = 1 },
            EventAction.Reopen => none with { Reopened = 1 },
            EventAction.Suspend => none with { Suspended = 1 },
            _ => none,
        };
        return ended is null ? counts : counts.Add(ForStage(ended));
    }

    /// <summary>The totals one ended stage adds: one stage, late or not, and its duration in whole seconds (truncated).</summary>
    public static EventKpiCounters ForStage(StageOutcome ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        var totals = new StageTotals(1, ended.OnTime ? 0 : 1, ended.Duration.Ticks / TimeSpan.TicksPerSecond);
        var none = EventKpiCounters.None;
        return ended.Stage switch
        {
            EventStage.Register => none with { RegisterStage = totals },
            EventStage.Dispatch => none with { DispatchStage = totals },
            EventStage.Handle => none with { HandleStage = totals },
            EventStage.Verify => none with { VerifyStage = totals },
            _ => none,
        };
    }

    private static long OnTime(StageOutcome? ended, EventStage stage) => ended is { OnTime: true } && ended.Stage == stage ? 1 : 0;
}
