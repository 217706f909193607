using Orleans.Concurrency;

namespace CityOps.Grains.Interfaces.Events;

/// <summary>
/// One urban event (城市事件/部件问题), keyed by its id (<c>E20261122-000123</c>): its lifecycle,
/// clock, escalations and hash-chained audit trail. Cases are opened only through intake.
/// </summary>
public interface IUrbanEventGrain : IGrainWithStringKey
{
    /// <summary>Opens the case from its first report, then registers and dispatches it as the catalogue says.</summary>
    Task<UrbanEventView> Open(EventReport report);

    /// <summary>Counts a duplicate report on this case (merged at intake or by a merge action).</summary>
    Task AddDuplicate(EventReport report, string? duplicateEventId);

    /// <summary>Takes an action as the actor; the actor comes from the caller's identity, never from a request body.</summary>
    Task<EventActionOutcome> Act(EventActor actor, EventActionRequest request);

    /// <summary>
    /// Asks this case to take <paramref name="duplicateEventId"/> as a duplicate (the merge action); null when it
    /// will, otherwise why not. It interleaves with the case's other calls and answers without waiting on anything,
    /// so two cases merging into each other at once never wait for each other's turn.
    /// </summary>
    [AlwaysInterleave]
    Task<MergeClaimRefusal?> ClaimAsPrimary(string duplicateEventId);

    /// <summary>Forgets the claim of a merge that has been stored or has failed.</summary>
    [AlwaysInterleave, OneWay]
    Task ReleaseClaim(string duplicateEventId);

    /// <summary>The case, or null when no case has this id.</summary>
    Task<UrbanEventView?> Get();

    /// <summary>The case as the viewer sees it: only the actions their roles and department allow.</summary>
    Task<UrbanEventView?> GetFor(EventActor viewer);

    Task<IReadOnlyList<AuditEntry>> GetAudit();

    /// <summary>Checks the trail against itself and against its anchor, kept apart from it.</summary>
    Task<AuditVerification> VerifyAudit();

    /// <summary>The trail's head as it stands (entries and the last hash), for a signed audit checkpoint.</summary>
    Task<AuditAnchor> AuditHead();

    /// <summary>Raises the escalation levels reached by now; called by the case's reminder and at start-up for deadlines passed while the engine was down.</summary>
    Task CheckDeadline();

    /// <summary>
    /// Applies the follow-ups of committed changes (index, grid cell, situation feed, KPI counts) that
    /// have not been applied yet; the start-up recovery calls it for every case that has some.
    /// </summary>
    Task ApplyFollowUps();
}

/// <summary>Why a case will not be the primary of a merge.</summary>
[GenerateSerializer, Immutable]
public sealed record MergeClaimRefusal(
    [property: Id(0)] RefusalKind Kind,
    [property: Id(1)] string Message);
