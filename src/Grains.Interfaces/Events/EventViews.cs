namespace CityOps.Grains.Interfaces.Events;

/// <summary>One 督办 escalation of an overdue stage, recorded on the case when it was reached.</summary>
[GenerateSerializer, Immutable]
public sealed record EscalationRecord(
    [property: Id(0)] EventStage Stage,
    [property: Id(1)] EscalationLevel Level,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] DateTimeOffset Deadline);

/// <summary>A suspension asked for by someone who may not approve it, waiting for an operator's approval (挂账审批).</summary>
[GenerateSerializer, Immutable]
public sealed record PendingSuspension(
    [property: Id(0)] EventActor RequestedBy,
    [property: Id(1)] string Reason,
    [property: Id(2)] DateTimeOffset At);

/// <summary>
/// What lists and maps show of a case: enough to filter by status, region, department and
/// overdue, to draw it by urgency and to count down to its deadline. Sent to the case index on
/// every change.
/// </summary>
/// <param name="Deadline">The current stage's deadline; null in an end state or while suspended.</param>
/// <param name="Reports">How many reports the case counts: its own and the duplicates merged into it.</param>
[GenerateSerializer, Immutable]
public sealed record EventSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Category,
    [property: Id(2)] EventUrgency Urgency,
    [property: Id(3)] EventState State,
    [property: Id(4)] EventLocation Location,
    [property: Id(5)] string? Department,
    [property: Id(6)] string? Assignee,
    [property: Id(7)] EventChannel Channel,
    [property: Id(8)] DateTimeOffset ReportedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] EventStage Stage,
    [property: Id(11)] DateTimeOffset? Deadline,
    [property: Id(12)] EscalationLevel Escalation,
    [property: Id(13)] int Reports,
    [property: Id(14)] string? Description,
    [property: Id(15)] int Version = 0)
{
    public bool IsOpen => EventStates.IsOpen(State);

    public bool IsOverdue(DateTimeOffset now) => Deadline is { } deadline && now > deadline;

    public EventFootprint Footprint => new(Id, Category, Location.Longitude, Location.Latitude, ReportedAt, State);
}

/// <summary>A case as its page shows it: the summary, who has it, its clock, its escalations and its timeline.</summary>
/// <param name="SuspendedFrom">For a suspended case, the state a resume returns it to.</param>
/// <param name="Handler">The responder who gave the latest handling feedback.</param>
/// <param name="Reworks">How many times verification sent it back.</param>
/// <param name="MergedInto">For a merged duplicate, its primary case.</param>
/// <param name="Timeline">The audit trail, oldest first.</param>
/// <param name="MediaUrl">The photo link of the report that opened the case.</param>
[GenerateSerializer, Immutable]
public sealed record UrbanEventView(
    [property: Id(0)] EventSummary Summary,
    [property: Id(1)] EventState? SuspendedFrom,
    [property: Id(2)] string Reporter,
    [property: Id(3)] string? Handler,
    [property: Id(4)] int Reworks,
    [property: Id(5)] string? MergedInto,
    [property: Id(6)] IReadOnlyList<string> Duplicates,
    [property: Id(7)] IReadOnlyList<string> PhotoSha256s,
    [property: Id(8)] IReadOnlyList<EscalationRecord> Escalations,
    [property: Id(9)] PendingSuspension? PendingSuspension,
    [property: Id(10)] IReadOnlyList<EventAction> AllowedActions,
    [property: Id(11)] IReadOnlyList<AuditEntry> Timeline,
    [property: Id(12)] string? Contact,
    [property: Id(13)] string? MediaUrl);

/// <summary>The outcome of an action on a case: the case afterwards, or why it was refused.</summary>
/// <param name="AwaitingApproval">A suspension was asked for and waits for an operator's approval.</param>
/// <param name="Replayed">The action's idempotency key was the key of an action the case had already taken: nothing was done again.</param>
[GenerateSerializer, Immutable]
public sealed record EventActionOutcome(
    [property: Id(0)] UrbanEventView? Event,
    [property: Id(1)] ActionRefusal? Refusal,
    [property: Id(2)] bool AwaitingApproval = false,
    [property: Id(3)] bool Replayed = false);
