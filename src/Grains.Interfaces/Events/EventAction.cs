namespace CityOps.Grains.Interfaces.Events;

/// <summary>What someone does to a case (the <c>action</c> of <c>POST /api/events/{id}/actions</c>, docs/architecture.md, Contracts).</summary>
public enum EventAction
{
    /// <summary>
    /// Opens a case at intake (<c>POST /api/events</c>). It is the first audit entry of every case,
    /// not an action on an existing case: the lifecycle refuses it in every state.
    /// </summary>
    Report,

    Register,
    Reject,
    Dispatch,
    Accept,
    Return,
    Handle,
    Verify,

    /// <summary>The inspector found the work not done: back to the department, counted as rework.</summary>
    Rework,

    Close,

    /// <summary>挂账/延期 with a reason and an approval; pauses the time limit.</summary>
    Suspend,

    /// <summary>Ends a suspension: the case returns to the state it was suspended from, its clock running again.</summary>
    Resume,

    /// <summary>A citizen is dissatisfied with a closed case: it goes back to the dispatchers.</summary>
    Reopen,

    /// <summary>This case duplicates another one (the primary) and is folded into it.</summary>
    Merge,
}

/// <summary>
/// The roles of docs/architecture.md, Contracts, plus <see cref="Engine"/> for what the engine does on its own
/// (auto-registration, auto-dispatch and duplicate merging at intake).
/// </summary>
public enum EventRole
{
    Admin,
    Operator,
    Dispatcher,
    Responder,
    Engine,
}

/// <summary>Who takes an action: a user with their roles and (dispatchers, responders) department, or the engine.</summary>
[GenerateSerializer, Immutable]
public sealed record EventActor(
    [property: Id(0)] string Username,
    [property: Id(1)] EventRole[] Roles,
    [property: Id(2)] string? Department)
{
    /// <summary>The engine acting on its own (the audit trail names it <c>engine</c>).</summary>
    public static EventActor Engine { get; } = new("engine", [EventRole.Engine], null);
}

/// <summary>One action on a case with what it needs besides the actor.</summary>
/// <param name="Reason">Why: required to reject, return, rework, suspend and reopen.</param>
/// <param name="Approver">Who approved a suspension (an operator or admin; may be the actor).</param>
/// <param name="Department">The department a dispatch sends the case to; when null, the one the responsibility list names.</param>
/// <param name="Assignee">The responder a dispatch names, if any.</param>
/// <param name="PrimaryEventId">The case a merge folds this one into.</param>
/// <param name="AttachmentSha256s">SHA-256 (lowercase hex) of the evidence files attached to this action.</param>
/// <param name="Origin">Where the action came from (client address, device, channel), for the audit trail.</param>
/// <param name="AssignNearest">A dispatch names the department's nearest on-duty responder (refused when none is on duty).</param>
/// <param name="IdempotencyKey">
/// The caller's key for this action (qualified by who sent it): an action sent again with the key of one the case
/// has taken is answered with the case as it is, not taken twice (a phone's queued actions, resent after a lost answer).
/// </param>
/// <param name="IfAssignedTo">
/// The action stands only while the case is assigned to this user: a phone that acted offline on a case reassigned
/// meanwhile is refused (<see cref="RefusalKind.Reassigned"/>) rather than taking another's case.
/// </param>
/// <param name="AttachmentSm3s">In 国密 mode, the SM3 digests of the attachments, in their order, as the evidence store computed them.</param>
[GenerateSerializer, Immutable]
public sealed record EventActionRequest(
    [property: Id(0)] EventAction Action,
    [property: Id(1)] string? Reason = null,
    [property: Id(2)] EventActor? Approver = null,
    [property: Id(3)] string? Department = null,
    [property: Id(4)] string? Assignee = null,
    [property: Id(5)] string? PrimaryEventId = null,
    [property: Id(6)] IReadOnlyList<string>? AttachmentSha256s = null,
    [property: Id(7)] string? Origin = null,
    [property: Id(8)] bool AssignNearest = false,
    [property: Id(9)] string? IdempotencyKey = null,
    [property: Id(10)] string? IfAssignedTo = null,
    [property: Id(11)] IReadOnlyList<string>? AttachmentSm3s = null);

/// <summary>Why an action was refused; the API answers 409 for the state, 403 for the actor, 400 for missing input.</summary>
public enum RefusalKind
{
    /// <summary>The case's state does not allow the action (409).</summary>
    NotAllowedInState,

    /// <summary>None of the actor's roles may take the action (403).</summary>
    RoleNotPermitted,

    /// <summary>The actor has a permitted role but not for this case: another department, or the case's own handler verifying (403).</summary>
    NotForThisCase,

    /// <summary>The approver named for a suspension is missing or may not approve (400).</summary>
    ApprovalMissing,

    /// <summary>A reason, department or primary case the action needs is missing (400).</summary>
    InputMissing,

    /// <summary>The primary case named for a merge cannot take it: it is over, merged or being merged, or the merge would close a cycle (409).</summary>
    PrimaryUnavailable,

    /// <summary>A dispatch to the nearest on-duty responder found nobody of the department on duty (409).</summary>
    NobodyOnDuty,
    /// <summary>The action was meant for a case assigned to the actor, and the case is now someone else's or nobody's (409).</summary>
    Reassigned,
}

/// <summary>An action the lifecycle refused, why, and which actions the case's state does allow.</summary>
[GenerateSerializer, Immutable]
public sealed record ActionRefusal(
    [property: Id(0)] RefusalKind Kind,
    [property: Id(1)] string Message,
    [property: Id(2)] IReadOnlyList<EventAction> AllowedActions);
