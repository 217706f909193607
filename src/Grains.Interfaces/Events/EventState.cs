namespace CityOps.Grains.Interfaces.Events;

/// <summary>Where a case is in its lifecycle (docs/architecture.md, Domain rules); the API names are the camelCase member names.</summary>
public enum EventState
{
    /// <summary>上报: reported, waiting for an operator to register or reject it.</summary>
    Reported,

    /// <summary>立案: accepted as a case, waiting to be dispatched.</summary>
    Registered,

    /// <summary>不予立案: not a case (terminal).</summary>
    Rejected,

    /// <summary>派遣: sent to a department, waiting for it to accept.</summary>
    Dispatched,

    /// <summary>接单: the department is working on it.</summary>
    Accepted,

    /// <summary>退回: the department says it is not theirs; back with the dispatcher.</summary>
    Returned,

    /// <summary>处置反馈: the department reports it done, waiting for an inspector.</summary>
    Handled,

    /// <summary>核查通过: an inspector confirmed it on site, waiting to be closed.</summary>
    Verified,

    /// <summary>结案: closed; reopened only on a citizen's dissatisfaction.</summary>
    Closed,

    /// <summary>挂账/延期: put on the ledger with an approval; its time limit is paused.</summary>
    Suspended,

    /// <summary>A duplicate folded into a primary case (terminal).</summary>
    Merged,
}

/// <summary>The time-limited stages of a case; each has its limit in the category's <c>limits</c>.</summary>
public enum EventStage
{
    /// <summary>A terminal state: no clock runs.</summary>
    None,

    /// <summary>From report to registration or rejection.</summary>
    Register,

    /// <summary>From registration (or a return) to dispatch.</summary>
    Dispatch,

    /// <summary>From dispatch (or rework) to the handling feedback, acceptance included.</summary>
    Handle,

    /// <summary>From the handling feedback to closure: the inspector's verification and the close (核查结案).</summary>
    Verify,
}

/// <summary>督办: how far up an overdue stage has been escalated, each level notifying the next one up.</summary>
public enum EscalationLevel
{
    None,

    /// <summary>Level 1: the stage reached its deadline; the dispatcher is told.</summary>
    Dispatcher,

    /// <summary>Level 2: half the stage's limit again has passed; the department head is told.</summary>
    DepartmentHead,

    /// <summary>Level 3: the whole limit again has passed; the command centre is told.</summary>
    CommandCentre,
}

/// <summary>A case's lifecycle state, and for a suspended case the state a resume returns it to.</summary>
[GenerateSerializer, Immutable]
public sealed record LifecycleStatus(
    [property: Id(0)] EventState State,
    [property: Id(1)] EventState? SuspendedFrom = null)
{
    /// <summary>
    /// A new status each time, never a shared one: the embedded engine's JSON storage fills in the
    /// objects a state already holds when it reads one, and would rewrite a shared instance.
    /// </summary>
    public static LifecycleStatus Reported => new(EventState.Reported);
}

/// <summary>Which states end a case: defined here once, for the lifecycle, the index, the screens and Open311.</summary>
public static class EventStates
{
    /// <summary>Closed, rejected (not a case for the city) or merged into another case.</summary>
    public static IReadOnlyList<EventState> Ended { get; } = [EventState.Rejected, EventState.Closed, EventState.Merged];

    /// <summary>Every other state, in the enum's order.</summary>
    public static IReadOnlyList<EventState> Open { get; } = [.. Enum.GetValues<EventState>().Except(Ended)];

    public static bool IsOpen(EventState state) => state is not (EventState.Rejected or EventState.Closed or EventState.Merged);
}
