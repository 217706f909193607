using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// What a case's changes do to its stored state and audit trail, decided from the state alone so they are
/// tested without a cluster: counting a duplicate report, taking an allowed action (status, stage clock,
/// parties, audit entry) and what a case looks like to its readers.
/// </summary>
public static class CaseChanges
{
    /// <summary>Counts a duplicate report on the case and records it in the trail, the state unchanged.</summary>
    public static void CountDuplicate(UrbanEventState c, List<AuditEntry> trail, EventReport report, string? duplicateEventId, DateTimeOffset now, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(report);
        c.Reports++;
        c.UpdatedAt = now;
        if (report.IdempotencyKey is { } key)
        {
            c.CountedKeys.Add(key);
        }

        if (duplicateEventId is not null && !c.Duplicates.Contains(duplicateEventId))
        {
            c.Duplicates.Add(duplicateEventId);
        }

        c.Photos.AddRange((report.PhotoSha256s ?? []).Except(c.Photos));
        var details = new Dictionary<string, string> { [AuditDetails.Reports] = c.Reports.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (duplicateEventId is not null)
        {
            details[AuditDetails.Duplicate] = duplicateEventId;
        }

        Append(trail, new AuditRecord(now, report.Reporter, ReporterRole(report.Channel), EventAction.Report, report.Description, c.Status.State, c.Status.State, report.PhotoSha256s ?? [], report.Origin, details)
        {
            AttachmentSm3s = report.PhotoSm3s,
        }, algorithm);
    }

    /// <summary>Takes an allowed action: moves the status and clock, records the parties, appends the audit entry. Returns the KPI delta.</summary>
    /// <param name="algorithm">The audit entry's hash (<c>Crypto:Mode</c>, <see cref="CityOps.Crypto.CryptoSettings.ChainDigest"/>).</param>
    public static EventKpiCounters Apply(UrbanEventState c, List<AuditEntry> trail, string eventId, CaseParties parties, EventTimeLimits limits, EventActor actor, EventActionRequest request, DateTimeOffset at, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(request);
        var decision = EventLifecycle.Decide(c.Status, actor, parties, request);
        if (!decision.IsAllowed)
        {
            throw new InvalidOperationException($"Case {eventId}: {decision.Refusal.Message}");
        }

        var before = c.Status;
        var step = StageClock.Follow(c.Clock, decision.Transition, at, limits);
        if (step.Ended is not null || c.Clock is null)
        {
            c.Escalation = EscalationLevel.None;
        }

        c.Clock = step.Clock;
        c.Status = decision.Next;
        c.UpdatedAt = at;
        switch (request.Action)
        {
            case EventAction.Dispatch:
                c.Department = request.Department;
                c.Assignee = request.Assignee;
                break;
            case EventAction.Handle:
                c.Handler = actor.Username;
                break;
            case EventAction.Rework:
                c.Reworks++;
                break;
            case EventAction.Merge:
                c.MergedInto = request.PrimaryEventId;
                break;
            case EventAction.Reopen:
                c.Handler = null;
                break;
            case EventAction.Resume:
                c.PendingSuspension = null;
                break;
        }

        if (request.Action == EventAction.Suspend)
        {
            c.PendingSuspension = null;
        }

        c.Photos.AddRange((request.AttachmentSha256s ?? []).Except(c.Photos));
        if (request.IdempotencyKey is { } key)
        {
            c.ActionKeys.Add(key);
        }
        Append(trail, AuditRecord.ForAction(at, actor, request, before, decision), algorithm);
        return EventKpi.ForTransition(decision.Transition, step.Ended);
    }

    public static void Append(List<AuditEntry> trail, AuditRecord record, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(trail);
        trail.Add(AuditChain.Append(trail, record, algorithm));
    }

    /// <summary>The role a report's channel speaks with in the trail.</summary>
    public static EventRole ReporterRole(EventChannel channel) => channel switch
    {
        EventChannel.Operator => EventRole.Operator,
        EventChannel.Inspector => EventRole.Responder,
        _ => EventRole.Engine,
    };

    public static EventSummary Summary(string eventId, UrbanEventState c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        var report = c.Report!;
        var deadline = c.Clock is { IsPaused: false } clock ? clock.Deadline(now) : (DateTimeOffset?)null;
        return new EventSummary(
            eventId, report.Category, c.Urgency, c.Status.State, report.Location, c.Department, c.Assignee, report.Channel,
            report.At, c.UpdatedAt, c.Clock?.Stage ?? EventStage.None, deadline, c.Escalation, c.Reports, report.Description, c.Version);
    }

    /// <summary>The case; with a viewer, its allowed actions are those the viewer's roles and department may take.</summary>
    public static UrbanEventView View(string eventId, UrbanEventState c, IReadOnlyList<AuditEntry> trail, CaseParties parties, DateTimeOffset now, EventActor? viewer) => new(
        Summary(eventId, c, now),
        c.Status.SuspendedFrom,
        c.Report!.Reporter,
        c.Handler,
        c.Reworks,
        c.MergedInto,
        [.. c.Duplicates],
        [.. c.Photos],
        [.. c.Escalations],
        c.PendingSuspension,
        [.. EventLifecycle.AllowedActions(c.Status).Where(action => viewer is null || MayTake(c, parties, viewer, action))],
        [.. trail],
        c.Report.Contact,
        c.Report.MediaUrl);

    /// <summary>Whether the viewer's roles and standing allow the action; what the request must carry is asked when they take it.</summary>
    private static bool MayTake(UrbanEventState c, CaseParties parties, EventActor viewer, EventAction action) =>
        EventLifecycle.Decide(c.Status, viewer, parties, new EventActionRequest(action)).Refusal?.Kind
            is not (RefusalKind.RoleNotPermitted or RefusalKind.NotForThisCase);
}
