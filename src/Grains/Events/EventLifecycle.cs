using System.Diagnostics.CodeAnalysis;
using CityOps.Grains.Interfaces.Events;
using static CityOps.Grains.Interfaces.Events.EventAction;
using static CityOps.Grains.Interfaces.Events.EventState;

namespace CityOps.Grains.Events;

/// <summary>One row of the lifecycle's transition table.</summary>
public sealed record EventTransition(EventState From, EventAction Action, EventState To);

/// <summary>How an actor holding a permitted role must stand to the case.</summary>
public enum ActorScope
{
    /// <summary>The role is enough (the API has already checked the actor's regions).</summary>
    AnyCase,

    /// <summary>A member of the department the case is dispatched to.</summary>
    AssignedDepartment,

    /// <summary>A member of the inspection department who is not the case's handler: verification is independent.</summary>
    Inspector,
}

/// <summary>One row of the grant table: <paramref name="Role"/> may take <paramref name="Action"/> within <paramref name="Scope"/>.</summary>
public sealed record ActionGrant(EventAction Action, EventRole Role, ActorScope Scope);

/// <summary>What the lifecycle must know of a case, besides its state, to judge who may act on it.</summary>
/// <param name="AssignedDepartment">The department the case was last dispatched to; null before the first dispatch.</param>
/// <param name="Handler">The responder who gave the latest handling feedback; null before it.</param>
/// <param name="InspectionDepartment">The department whose responders inspect and verify (监督员).</param>
public sealed record CaseParties(
    string? AssignedDepartment,
    string? Handler,
    string InspectionDepartment = EventLifecycle.DefaultInspectionDepartment);

/// <summary>The outcome of an action: the transition and the status it leads to, or why it was refused.</summary>
/// <param name="Role">The role the actor took the action under; null from <see cref="EventLifecycle.Apply"/>, which judges the state alone.</param>
public sealed record LifecycleDecision(EventTransition? Transition, LifecycleStatus? Next, EventRole? Role, ActionRefusal? Refusal)
{
    [MemberNotNullWhen(true, nameof(Transition), nameof(Next))]
    [MemberNotNullWhen(false, nameof(Refusal))]
    public bool IsAllowed => Refusal is null;

    public static LifecycleDecision Ok(EventTransition transition, LifecycleStatus next, EventRole? role = null) => new(transition, next, role, null);

    public static LifecycleDecision Reject(ActionRefusal refusal) => new(null, null, null, refusal);
}

/// <summary>
/// The urban event lifecycle (GB/T 30428.8 style, docs/architecture.md, Domain rules) as tables, so that every allowed and
/// every refused transition can be enumerated and no rule hides in a condition:
/// <list type="bullet">
/// <item><see cref="Transitions"/>: which action leads from which state to which. <c>rework</c> sends a
/// case from Handled back to Accepted: the department that handled it keeps it and works it again
/// without accepting it anew, with a fresh handling limit. <c>reopen</c> sends a Closed case back to
/// Registered, so a dispatcher decides again who handles it. A dispatch of a
/// case already dispatched or accepted is a reassignment (改派): the dispatcher moves it to another
/// department or responder without waiting for a return, and the handling clock runs on. <c>suspend</c> is possible from the
/// states where someone still has to act (Registered, Returned, Dispatched, Accepted), and
/// <c>resume</c> returns the case to the state it was suspended from: the resume rows are keyed by
/// that state, which <see cref="LifecycleStatus.SuspendedFrom"/> keeps.</item>
/// <item><see cref="Grants"/>: which role may take each action, and how it must stand to the
/// case. Admins only approve and lift suspensions: separation of duties keeps administrators out of
/// case work. The engine registers, dispatches and merges on its own at intake.</item>
/// <item><see cref="Needs"/>: what each action's request must carry (a reason, an approval, a
/// department, a primary case).</item>
/// <item><see cref="Stages"/>: which time-limited stage each state belongs to.</item>
/// </list>
/// </summary>
public static class EventLifecycle
{
    /// <summary>The sample city's urban management bureau, whose inspectors verify cases.</summary>
    public const string DefaultInspectionDepartment = CaseScope.DefaultInspectionDepartment;

    /// <summary>The states a case can be suspended from, and so resumed to.</summary>
    public static IReadOnlyList<EventState> SuspendableStates { get; } = [Registered, Returned, Dispatched, Accepted];

    /// <summary>The states in which a case is over: nothing is pending and no clock runs (a closed case may still be reopened).</summary>
    public static IReadOnlyList<EventState> EndStates => EventStates.Ended;

    public static IReadOnlyList<EventTransition> Transitions { get; } =
    [
        new(Reported, Register, Registered),
        new(Reported, Reject, Rejected),
        new(Reported, Merge, Merged),
        new(Registered, Dispatch, Dispatched),
        new(Registered, Merge, Merged),
        new(Returned, Dispatch, Dispatched),
        new(Returned, Reject, Rejected),
        new(Dispatched, Accept, Accepted),
        new(Dispatched, Return, Returned),
        new(Dispatched, Dispatch, Dispatched),
        new(Accepted, Handle, Handled),
        new(Accepted, Return, Returned),
        new(Accepted, Dispatch, Dispatched),
        new(Handled, Verify, Verified),
        new(Handled, Rework, Accepted),
        new(Verified, Close, Closed),
        new(Closed, Reopen, Registered),
        .. SuspendableStates.Select(state => new EventTransition(state, Suspend, Suspended)),
        .. SuspendableStates.Select(state => new EventTransition(Suspended, Resume, state)),
    ];

    public static IReadOnlyList<ActionGrant> Grants { get; } =
    [
        new(Register, EventRole.Operator, ActorScope.AnyCase),
        new(Register, EventRole.Dispatcher, ActorScope.AnyCase),
        new(Register, EventRole.Engine, ActorScope.AnyCase),
        new(Reject, EventRole.Operator, ActorScope.AnyCase),
        new(Reject, EventRole.Dispatcher, ActorScope.AnyCase),
        new(Dispatch, EventRole.Dispatcher, ActorScope.AnyCase),
        new(Dispatch, EventRole.Engine, ActorScope.AnyCase),
        new(Accept, EventRole.Responder, ActorScope.AssignedDepartment),
        new(Return, EventRole.Responder, ActorScope.AssignedDepartment),
        new(Handle, EventRole.Responder, ActorScope.AssignedDepartment),
        new(Verify, EventRole.Responder, ActorScope.Inspector),
        new(Rework, EventRole.Responder, ActorScope.Inspector),
        new(Close, EventRole.Operator, ActorScope.AnyCase),
        new(Close, EventRole.Dispatcher, ActorScope.AnyCase),
        new(Suspend, EventRole.Operator, ActorScope.AnyCase),
        new(Suspend, EventRole.Dispatcher, ActorScope.AnyCase),
        new(Suspend, EventRole.Responder, ActorScope.AssignedDepartment),
        new(Resume, EventRole.Operator, ActorScope.AnyCase),
        new(Resume, EventRole.Admin, ActorScope.AnyCase),
        new(Reopen, EventRole.Operator, ActorScope.AnyCase),
        new(Merge, EventRole.Operator, ActorScope.AnyCase),
        new(Merge, EventRole.Dispatcher, ActorScope.AnyCase),
        new(Merge, EventRole.Engine, ActorScope.AnyCase),
    ];

    /// <summary>What each action's request must carry; actions not listed need nothing (<see cref="EventActionNeeds"/>).</summary>
    public static IReadOnlyDictionary<EventAction, ActionNeeds> Needs => EventActionNeeds.All;

    /// <summary>Who may approve a suspension (挂账审批).</summary>
    public static IReadOnlyList<EventRole> ApproverRoles { get; } = [EventRole.Operator, EventRole.Admin];

    /// <summary>The time-limited stage of each state; a suspended case stays in the stage it was suspended from, its clock paused.</summary>
    public static IReadOnlyDictionary<EventState, EventStage> Stages { get; } = new Dictionary<EventState, EventStage>
    {
        [Reported] = EventStage.Register,
        [Registered] = EventStage.Dispatch,
        [Returned] = EventStage.Dispatch,
        [Dispatched] = EventStage.Handle,
        [Accepted] = EventStage.Handle,
        [Handled] = EventStage.Verify,
        [Verified] = EventStage.Verify,
        [Closed] = EventStage.None,
        [Rejected] = EventStage.None,
        [Merged] = EventStage.None,
    };

    public static bool IsOpen(EventState state) => EventStates.IsOpen(state);

    public static EventStage StageOf(LifecycleStatus status) => Stages[Resting(status)];

    /// <summary>The actions the status allows, in table order, whoever asks.</summary>
    public static IReadOnlyList<EventAction> AllowedActions(LifecycleStatus status) =>
        RowsFrom(status).Select(t => t.Action).Distinct().ToList();

    /// <summary>Judges an action on the state alone: the transition and next status, or a refusal listing the allowed actions.</summary>
    public static LifecycleDecision Apply(LifecycleStatus status, EventAction action)
    {
        var transition = RowsFrom(status).FirstOrDefault(t => t.Action == action);
        if (transition is null)
        {
            var allowed = AllowedActions(status);
            return LifecycleDecision.Reject(new ActionRefusal(
                RefusalKind.NotAllowedInState,
                $"{ApiNames.Of(action)} is not allowed in state {ApiNames.Of(status.State)}; allowed: {(allowed.Count == 0 ? "none" : ApiNames.Of(allowed))}",
                allowed));
        }

        var next = transition.To == Suspended ? new LifecycleStatus(Suspended, status.State) : new LifecycleStatus(transition.To);
        return LifecycleDecision.Ok(transition, next);
    }

    /// <summary>
    /// Judges an action as a whole: first the state (refusal <see cref="RefusalKind.NotAllowedInState"/>),
    /// then the actor's roles and standing to the case, then what the request must carry.
    /// </summary>
    public static LifecycleDecision Decide(LifecycleStatus status, EventActor actor, CaseParties parties, EventActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(request);
        var applied = Apply(status, request.Action);
        if (!applied.IsAllowed)
        {
            return applied;
        }

        var (role, refusal) = Authorize(request.Action, actor, parties);
        refusal ??= MissingInput(request);
        return refusal is { } refused
            ? LifecycleDecision.Reject(new ActionRefusal(refused.Kind, refused.Message, AllowedActions(status)))
            : applied with { Role = role };
    }

    private static EventState Resting(LifecycleStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return (status.State, status.SuspendedFrom) switch
        {
            (Suspended, { } from) when SuspendableStates.Contains(from) => from,
            (Suspended, _) => throw new ArgumentException("A suspended case must name a suspendable state it was suspended from.", nameof(status)),
            (_, null) => status.State,
            _ => throw new ArgumentException("Only a suspended case names the state it was suspended from.", nameof(status)),
        };
    }

    /// <summary>The rows leaving a status; from Suspended only the resume back to where it was suspended from.</summary>
    private static IEnumerable<EventTransition> RowsFrom(LifecycleStatus status)
    {
        var resting = Resting(status);
        return Transitions.Where(t => t.From == status.State && (status.State != Suspended || t.To == resting));
    }

    private static (EventRole? Role, (RefusalKind Kind, string Message)? Refusal) Authorize(EventAction action, EventActor actor, CaseParties parties)
    {
        var rows = Grants.Where(p => p.Action == action).ToList();
        var held = rows.Where(p => actor.Roles.Contains(p.Role)).ToList();
        if (held.Count == 0)
        {
            return (null, (RefusalKind.RoleNotPermitted, $"{ApiNames.Of(action)} needs the role {string.Join(" or ", rows.Select(p => ApiNames.Of(p.Role)))}"));
        }

        var fit = held.FirstOrDefault(p => Scope(p.Scope, actor, parties) is null);
        return fit is null
            ? (null, (RefusalKind.NotForThisCase, Scope(held[0].Scope, actor, parties)!))
            : (fit.Role, null);
    }

    /// <summary>Why the actor is outside the scope, or null when inside.</summary>
    private static string? Scope(ActorScope scope, EventActor actor, CaseParties parties) => scope switch
    {
        ActorScope.AnyCase => null,
        ActorScope.AssignedDepartment when parties.AssignedDepartment is null => "the case is not dispatched to any department",
        ActorScope.AssignedDepartment when actor.Department != parties.AssignedDepartment =>
            $"the case is dispatched to {parties.AssignedDepartment}, not to {actor.Department ?? "no department"}",
        ActorScope.AssignedDepartment => null,
        ActorScope.Inspector when actor.Department != parties.InspectionDepartment =>
            $"only inspectors of {parties.InspectionDepartment} verify cases",
        ActorScope.Inspector when actor.Username == parties.Handler => "the handler of a case may not verify it",
        ActorScope.Inspector => null,
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    private static (RefusalKind Kind, string Message)? MissingInput(EventActionRequest request)
    {
        var needs = Needs.GetValueOrDefault(request.Action);
        var action = ApiNames.Of(request.Action);
        if (needs.HasFlag(ActionNeeds.Reason) && string.IsNullOrWhiteSpace(request.Reason))
        {
            return (RefusalKind.InputMissing, $"{action} needs a reason");
        }

        if (needs.HasFlag(ActionNeeds.Department) && string.IsNullOrWhiteSpace(request.Department))
        {
            return (RefusalKind.InputMissing, $"{action} needs the department to send the case to");
        }

        if (needs.HasFlag(ActionNeeds.PrimaryEvent) && string.IsNullOrWhiteSpace(request.PrimaryEventId))
        {
            return (RefusalKind.InputMissing, $"{action} needs the primary case");
        }

        if (needs.HasFlag(ActionNeeds.Approval) && !(request.Approver?.Roles.Any(ApproverRoles.Contains) ?? false))
        {
            return (RefusalKind.ApprovalMissing, $"{action} needs the approval of an {string.Join(" or ", ApproverRoles.Select(ApiNames.Of))}");
        }

        return null;
    }
}
