using CityOps.Grains.Interfaces.Departments;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Events;

/// <summary>
/// One case through its lifecycle. Every change is written at once: a case is rare next to
/// telemetry and must not lose an action. The audit trail lives in its own state and its anchor
/// in a third, so a rewritten trail does not match the anchor kept beside it. The stage clock is
/// stored as instants; a reminder wakes the case at its next escalation, also after a restart.
/// After each change the case tells its district's index, its grid cell, the KPI ledgers and the
/// situation feed. These follow-ups are stored with the change itself, in the case's state (its
/// outbox), and retried until applied; each applies idempotently by the case's version, so a retry or
/// the start-up recovery (PendingWorkRecovery in the silo) never counts a change twice.
/// </summary>
public sealed class UrbanEventGrain(
    [PersistentState("urbanEvent", "Default")] IPersistentState<UrbanEventState> state,
    [PersistentState("auditTrail", "Default")] IPersistentState<AuditTrailState> trail,
    [PersistentState("auditAnchor", "Default")] IPersistentState<AuditAnchorState> anchor,
    EventServices services,
    ILogger<UrbanEventGrain> logger) : Grain, IUrbanEventGrain, IRemindable
{
    private const string DeadlineReminder = "deadline";

    private static readonly TimeSpan FollowUpRetry = TimeSpan.FromSeconds(5);

    // Merges in flight, kept in memory only: the cases being merged into this one, and the case this one is being merged into.
    private readonly HashSet<string> _claimedBy = [];

    private IGrainTimer? _followUpRetry;
    private DeferredWrite? _followUpsDone;
    private string? _mergingInto;

    private UrbanEventState Case => state.State;

    private string EventId => this.GetPrimaryKeyString();

    private DateTimeOffset Now => services.Clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await DropUncommittedAuditAsync(cancellationToken);
        if (Case.PendingFollowUps.Count > 0)
        {
            RetryFollowUpsSoon();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_followUpsDone is { } done)
        {
            await done.FlushIfPendingAsync(cancellationToken);
        }
    }

    public async Task<UrbanEventView> Open(EventReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Case.Report is not null)
        {
            return View();
        }

        var category = services.Catalogue.Require(report.Category);
        var categoryUrgency = EventTimeLimits.ParseUrgency(category.Urgency);
        var urgency = report.Urgency is { } raised && raised > categoryUrgency ? raised : categoryUrgency;
        var department = category is { AutoRegister: true, AutoDispatch: true }
            ? services.Catalogue.ResponsibleDepartment(category.Code, report.Location.CellCode)
            : null;
        var assignee = department is null ? null : await NearestOnDuty(department, report.Location);
        var now = Now;
        var kpis = new List<EventKpiCounters> { EventKpi.ForReport() };
        await CommitAsync(now, () =>
        {
            Case.Report = report;
            if (report.IdempotencyKey is { } key)
            {
                Case.CountedKeys.Add(key);
            }

            Case.Urgency = urgency;
            Case.Status = LifecycleStatus.Reported;
            Case.Clock = StageClock.Start(EventStage.Register, Limits.LimitOf(EventStage.Register), now);
            Case.Reports = 1;
            Case.Photos.AddRange(report.PhotoSha256s ?? []);
            Case.UpdatedAt = now;
            var reporter = new EventActor(report.Reporter, [ReporterRole(report.Channel)], null);
            Append(AuditRecord.ForReport(now, reporter, ReporterRole(report.Channel), report.Origin, report.PhotoSha256s));
            foreach (var early in Case.EarlyDuplicates)
            {
                CountDuplicate(early, null, now);
            }

            Case.EarlyDuplicates.Clear();
            if (category.AutoRegister)
            {
                kpis.Add(Apply(EventActor.Engine, new EventActionRequest(EventAction.Register, Origin: "catalogue"), now));
            }

            if (department is not null)
            {
                kpis.Add(Apply(EventActor.Engine, new EventActionRequest(EventAction.Dispatch, Department: department, Assignee: assignee, Origin: "responsibility list"), now));
            }

            return kpis.Aggregate(EventKpiCounters.None, (sum, delta) => sum.Add(delta));
        });
        await ApplyFollowUpsAsync();
        return View();
    }

    public async Task AddDuplicate(EventReport report, string? duplicateEventId)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = Now;
        if (report.IdempotencyKey is { } key && (Case.CountedKeys.Contains(key) || Case.EarlyDuplicates.Any(r => r.IdempotencyKey == key)))
        {
            return;
        }

        if (Case.Report is null)
        {
            // Intake admitted this case and may still be opening it; the report waits here and is counted at the opening.
            Case.EarlyDuplicates.Add(report);
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                DeactivateOnIdle();
                throw;
            }

            return;
        }

        await CommitAsync(now, () =>
        {
            CountDuplicate(report, duplicateEventId, now);
            return EventKpiCounters.None;
        });
        await ApplyFollowUpsAsync();
    }

    public async Task<EventActionOutcome> Act(EventActor actor, EventActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        RequireOpened();

        // A key the case has taken is an action sent again (an answer lost on the way): answered, not taken twice.
        if (request.IdempotencyKey is { } key && Case.ActionKeys.Contains(key))
        {
            return new(View(actor), null, Replayed: true);
        }

        if (EventLifecycle.Apply(Case.Status, request.Action) is { IsAllowed: false } byState)
        {
            return new(null, byState.Refusal);
        }

        if (request.IfAssignedTo is { } meant && !string.Equals(Case.Assignee, meant, StringComparison.Ordinal))
        {
            return Refuse(RefusalKind.Reassigned, Case.Assignee is null
                ? "the case is no longer assigned to you: it is assigned to nobody now"
                : $"the case is no longer assigned to you: it was reassigned to {Case.Assignee}");
        }

        if (request.Action == EventAction.Dispatch && request.Department is { } department && !services.Catalogue.IsDepartment(department))
        {
            return Refuse(RefusalKind.InputMissing, $"unknown department '{department}'");
        }

        if (request.Action == EventAction.Merge)
        {
            return await MergeAsync(actor, request);
        }

        if (request.Action == EventAction.Suspend)
        {
            return await SuspendAsync(actor, request);
        }

        var decision = EventLifecycle.Decide(Case.Status, actor, Parties, request);
        if (!decision.IsAllowed)
        {
            return new(null, decision.Refusal);
        }

        var now = Now;
        await CommitAsync(now, () => Apply(actor, request, now));
        await ApplyFollowUpsAsync();
        return new(View(actor), null);
    }

    public Task<UrbanEventView?> Get() => Task.FromResult(Case.Report is null ? null : View());

    public Task<UrbanEventView?> GetFor(EventActor viewer) => Task.FromResult(Case.Report is null ? null : View(viewer));

    public Task<IReadOnlyList<AuditEntry>> GetAudit() => Task.FromResult<IReadOnlyList<AuditEntry>>([.. trail.State.Entries]);

    public Task<AuditVerification> VerifyAudit()
    {
        var anchored = anchor.State.Anchor;
        return Task.FromResult(AuditChain.Verify(trail.State.Entries, anchored));
    }

    public async Task CheckDeadline()
    {
        if (Case.Report is null)
        {
            return;
        }

        var now = Now;
        if (Case.Clock is { IsPaused: false } clock)
        {
            var level = clock.Escalation(now);
            if (level > Case.Escalation)
            {
                await CommitAsync(now, () =>
                {
                    foreach (var step in EscalationRule.Steps.Where(s => s.Level > Case.Escalation && s.Level <= level))
                    {
                        Case.Escalations.Add(new EscalationRecord(clock.Stage, step.Level, now, clock.Deadline(now)));
                        logger.LogWarning("Case {EventId} escalated to level {Level} ({Stage} stage overdue)", EventId, step.Level, clock.Stage);
                    }

                    Case.Escalation = level;
                    Case.UpdatedAt = now;
                    return EventKpiCounters.None;
                });
                await ApplyFollowUpsAsync();
                return;
            }
        }

        await ScheduleDeadlineAsync();
        await state.WriteStateAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDeadline();

    public Task ApplyFollowUps() => Case.Report is null ? Task.CompletedTask : ApplyFollowUpsAsync(publishAnyway: true);

    /// <summary>Counts a duplicate report on the case and records it in the trail, the state unchanged.</summary>
    private void CountDuplicate(EventReport report, string? duplicateEventId, DateTimeOffset now)
    {
        Case.Reports++;
        Case.UpdatedAt = now;
        if (report.IdempotencyKey is { } key)
        {
            Case.CountedKeys.Add(key);
        }

        if (duplicateEventId is not null && !Case.Duplicates.Contains(duplicateEventId))
        {
            Case.Duplicates.Add(duplicateEventId);
        }

        Case.Photos.AddRange((report.PhotoSha256s ?? []).Except(Case.Photos));
        var details = new Dictionary<string, string> { [AuditDetails.Reports] = Case.Reports.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (duplicateEventId is not null)
        {
            details[AuditDetails.Duplicate] = duplicateEventId;
        }

        Append(new AuditRecord(now, report.Reporter, ReporterRole(report.Channel), EventAction.Report, report.Description, Case.Status.State, Case.Status.State, report.PhotoSha256s ?? [], report.Origin, details));
    }

    /// <summary>Takes an allowed action: moves the status and clock, records the parties, appends the audit entry. Returns the KPI delta.</summary>
    private EventKpiCounters Apply(EventActor actor, EventActionRequest request, DateTimeOffset at)
    {
        var decision = EventLifecycle.Decide(Case.Status, actor, Parties, request);
        if (!decision.IsAllowed)
        {
            throw new InvalidOperationException($"Case {EventId}: {decision.Refusal.Message}");
        }

        var before = Case.Status;
        var step = StageClock.Follow(Case.Clock, decision.Transition, at, Limits);
        if (step.Ended is not null || Case.Clock is null)
        {
            Case.Escalation = EscalationLevel.None;
        }

        Case.Clock = step.Clock;
        Case.Status = decision.Next;
        Case.UpdatedAt = at;
        switch (request.Action)
        {
            case EventAction.Dispatch:
                Case.Department = request.Department;
                Case.Assignee = request.Assignee;
                break;
            case EventAction.Handle:
                Case.Handler = actor.Username;
                break;
            case EventAction.Rework:
                Case.Reworks++;
                break;
            case EventAction.Merge:
                Case.MergedInto = request.PrimaryEventId;
                break;
            case EventAction.Reopen:
                Case.Handler = null;
                break;
            case EventAction.Resume:
                Case.PendingSuspension = null;
                break;
        }

        if (request.Action == EventAction.Suspend)
        {
            Case.PendingSuspension = null;
        }

        Case.Photos.AddRange((request.AttachmentSha256s ?? []).Except(Case.Photos));
        if (request.IdempotencyKey is { } key)
        {
            Case.ActionKeys.Add(key);
        }

        Append(AuditRecord.ForAction(at, actor, request, before, decision));
        return EventKpi.ForTransition(decision.Transition, step.Ended);
    }

    /// <summary>
    /// 挂账/延期 needs an approver: an operator (or admin) suspends with their own approval; anyone
    /// else may ask, and the case waits, unchanged, until an operator approves by suspending it.
    /// </summary>
    private async Task<EventActionOutcome> SuspendAsync(EventActor actor, EventActionRequest request)
    {
        var approves = actor.Roles.Any(EventLifecycle.ApproverRoles.Contains);
        if (approves && Case.PendingSuspension is { } pending)
        {
            var approved = request with { Reason = string.IsNullOrWhiteSpace(request.Reason) ? pending.Reason : request.Reason, Approver = actor };
            return await TakeAsync(pending.RequestedBy, approved);
        }

        if (approves)
        {
            return await TakeAsync(actor, request with { Approver = actor });
        }

        var asked = EventLifecycle.Decide(Case.Status, actor, Parties, request with { Approver = null });
        if (asked.Refusal is not { Kind: RefusalKind.ApprovalMissing })
        {
            return new(null, asked.Refusal ?? throw new InvalidOperationException("A suspension without approval cannot be allowed."));
        }

        var now = Now;
        await CommitAsync(now, () =>
        {
            Case.PendingSuspension = new PendingSuspension(actor, request.Reason!, now);
            Case.UpdatedAt = now;
            Append(new AuditRecord(now, actor.Username, actor.Roles[0], EventAction.Suspend, request.Reason, Case.Status.State, Case.Status.State, request.AttachmentSha256s ?? [], request.Origin,
                new Dictionary<string, string> { [AuditDetails.Approval] = "requested" }));
            return EventKpiCounters.None;
        });
        await ApplyFollowUpsAsync();
        return new(View(actor), null, AwaitingApproval: true);
    }

    private async Task<EventActionOutcome> TakeAsync(EventActor actor, EventActionRequest request)
    {
        var decision = EventLifecycle.Decide(Case.Status, actor, Parties, request);
        if (!decision.IsAllowed)
        {
            return new(null, decision.Refusal);
        }

        var now = Now;
        await CommitAsync(now, () => Apply(actor, request, now));
        await ApplyFollowUpsAsync();
        return new(View(actor), null);
    }

    /// <summary>
    /// Merges this case into its primary. The primary is asked with <see cref="IUrbanEventGrain.ClaimAsPrimary"/>,
    /// which interleaves, so this case's turn never waits for the primary's. While the merge is in flight this case
    /// takes no claims of its own and the primary remembers this one, so of merges that would close a cycle
    /// at most one is stored.
    /// </summary>
    private async Task<EventActionOutcome> MergeAsync(EventActor actor, EventActionRequest request)
    {
        var decision = EventLifecycle.Decide(Case.Status, actor, Parties, request);
        if (!decision.IsAllowed)
        {
            return new(null, decision.Refusal);
        }

        var primaryId = request.PrimaryEventId!;
        if (primaryId == EventId)
        {
            return Refuse(RefusalKind.InputMissing, "a case cannot be merged into itself");
        }

        if (_claimedBy.Contains(primaryId))
        {
            return Refuse(RefusalKind.PrimaryUnavailable, Cycle($"case '{primaryId}' is being merged into this case"));
        }

        var primary = GrainFactory.GetGrain<IUrbanEventGrain>(primaryId);
        var refused = false;
        _mergingInto = primaryId;
        try
        {
            if (await primary.ClaimAsPrimary(EventId) is { } refusal)
            {
                refused = true;
                return Refuse(refusal.Kind, refusal.Message);
            }

            var now = Now;
            await CommitAsync(now, () => Apply(actor, request, now), primaryId);
        }
        finally
        {
            _mergingInto = null;
            if (!refused)
            {
                // Stored or failed, the claim has served: once stored, this case's end state refuses a merge back.
                primary.ReleaseClaim(EventId).Ignore();
            }
        }

        await ApplyFollowUpsAsync();
        return new(View(actor), null);
    }

    public Task<MergeClaimRefusal?> ClaimAsPrimary(string duplicateEventId) => Task.FromResult(Claim(duplicateEventId));

    public Task ReleaseClaim(string duplicateEventId)
    {
        _claimedBy.Remove(duplicateEventId);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Decides a claim at once, without awaiting, so it is atomic however it interleaves. A case takes a duplicate
    /// while it is open and neither merged nor being merged itself. When two cases are being merged into each
    /// other at once, the one with the smaller id goes in and the other is refused.
    /// </summary>
    private MergeClaimRefusal? Claim(string duplicateEventId)
    {
        if (Case.Report is null)
        {
            return new(RefusalKind.InputMissing, $"no case '{EventId}'");
        }

        if (Case.MergedInto is { } mergedInto)
        {
            return new(RefusalKind.PrimaryUnavailable, mergedInto == duplicateEventId
                ? Cycle($"case '{EventId}' is merged into this case")
                : $"case '{EventId}' is merged into '{mergedInto}'; merge into '{mergedInto}' instead");
        }

        if (!EventLifecycle.IsOpen(Case.Status.State))
        {
            return new(RefusalKind.PrimaryUnavailable, $"case '{EventId}' is {Case.Status.State.ToString().ToLowerInvariant()}; merge into an open case");
        }

        if (_mergingInto is { } target)
        {
            if (target != duplicateEventId)
            {
                return new(RefusalKind.PrimaryUnavailable, $"case '{EventId}' is being merged into '{target}'; merge into '{target}' instead");
            }

            if (string.CompareOrdinal(duplicateEventId, EventId) > 0)
            {
                return new(RefusalKind.PrimaryUnavailable, Cycle($"case '{EventId}' is being merged into this case"));
            }
        }

        _claimedBy.Add(duplicateEventId);
        return null;
    }

    private static string Cycle(string why) => $"{why}; merging this case into it would make a cycle";

    private async Task<string?> NearestOnDuty(string department, EventLocation location)
    {
        var nearest = await GrainFactory.GetGrain<IDepartmentGrain>(department).FindNearestOnDuty(location.Longitude, location.Latitude);
        return nearest?.Responder.Username;
    }

    private EventActionOutcome Refuse(RefusalKind kind, string message) =>
        new(null, new ActionRefusal(kind, message, EventLifecycle.AllowedActions(Case.Status)));

    private void Append(AuditRecord record) => trail.State.Entries.Add(AuditChain.Append(trail.State.Entries, record));

    /// <summary>
    /// Makes a change in memory and writes it with its follow-ups, in the case's own state, so a change
    /// is never stored without them nor they without it. Should the change or a write fail, the grain
    /// lets go of its memory, so the next call reads what storage holds rather than a half-made change.
    /// </summary>
    private async Task CommitAsync(DateTimeOffset at, Func<EventKpiCounters> change, string? mergeInto = null)
    {
        try
        {
            var kpi = change();
            Case.Version++;
            var count = kpi == EventKpiCounters.None ? null : new KpiCount(CityDays.DayOf(at, services.Options.KpiUtcOffset), kpi, [.. KpiScopesOfCase()]);
            Case.PendingFollowUps.Add(new CaseFollowUp(Case.Version, count, mergeInto));
            _followUpsDone?.Cancel();
            await SaveAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Applies the stored follow-ups: KPI counts keyed by case and version, the merge announced to its
    /// primary (keyed by this case), then the current summary to the index, cell and feed. Whatever
    /// fails is tried again on a timer; the change itself is committed, so its caller is not failed.
    /// </summary>
    private async Task ApplyFollowUpsAsync(bool publishAnyway = false)
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
                    await Task.WhenAll(count.Scopes.Select(scope => GrainFactory.GetGrain<IKpiLedgerGrain>(scope).Add(count.Day, count.Delta, EventId, followUp.Version)));
                }

                if (followUp.MergeInto is { } primary)
                {
                    var announcement = Case.Report! with { IdempotencyKey = "merge:" + EventId, Origin = "merge:" + EventId };
                    await GrainFactory.GetGrain<IUrbanEventGrain>(primary).AddDuplicate(announcement, EventId);
                }
            }

            await PublishAsync();
            _followUpRetry?.Dispose();
            _followUpRetry = null;
            if (pending.Count > 0)
            {
                pending.Clear();
                // Written later: should the engine stop first, they are applied again, each once.
                (_followUpsDone ??= new DeferredWrite(this, state.WriteStateAsync, FollowUpRetry)).Schedule();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "Case {EventId}: {Count} follow-ups not applied yet; retrying", EventId, pending.Count);
            RetryFollowUpsSoon();
        }
    }

    /// <summary>Keeps the case active and tries again every few seconds until its follow-ups are applied.</summary>
    private void RetryFollowUpsSoon() =>
        _followUpRetry ??= this.RegisterGrainTimer(
            _ => EngineStopping.Began(ServiceProvider) ? Task.CompletedTask : ApplyFollowUpsAsync(),
            new GrainTimerCreationOptions(FollowUpRetry, FollowUpRetry) { KeepAlive = true });

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

    /// <summary>
    /// A change is committed when the case's own state is stored, the last of its writes. Should the
    /// engine die after the trail was written but before the state, the trail holds entries of a change
    /// that never happened (and was never acknowledged); they are cut here and the anchor set again,
    /// so a retry of that change is recorded once — the opening of a case included, whose state was
    /// never stored at all. Cases stored before the trail length was kept (opened, at version 0) are
    /// left as they are.
    /// </summary>
    private async Task DropUncommittedAuditAsync(CancellationToken cancellationToken)
    {
        var entries = trail.State.Entries;
        var writtenBeforeLengthsWereKept = Case.Report is not null && Case.Version == 0;
        if (writtenBeforeLengthsWereKept || Case.AuditLength >= entries.Count)
        {
            return;
        }

        logger.LogWarning("Case {EventId}: {Count} audit entries of a change that was not stored are dropped", EventId, entries.Count - Case.AuditLength);
        entries.RemoveRange(Case.AuditLength, entries.Count - Case.AuditLength);
        await trail.WriteStateAsync(cancellationToken);
        anchor.State.Anchor = AuditChain.Anchor(entries);
        await anchor.WriteStateAsync(cancellationToken);
    }

    private async Task SaveAsync()
    {
        await ScheduleDeadlineAsync();
        Case.AuditLength = trail.State.Entries.Count;

        // The trail first: an anchor never names an entry the trail has not stored.
        await trail.WriteStateAsync();
        anchor.State.Anchor = AuditChain.Anchor(trail.State.Entries);
        await anchor.WriteStateAsync();
        await state.WriteStateAsync();
    }

    /// <summary>Keeps one reminder while an escalation is ahead; its first tick comes at that escalation.</summary>
    private async Task ScheduleDeadlineAsync()
    {
        var next = Case.Clock?.NextEscalationAt(Now);
        if (next == Case.ScheduledEscalation)
        {
            return;
        }

        if (next is { } at)
        {
            var due = at - Now;
            await this.RegisterOrUpdateReminder(DeadlineReminder, due > TimeSpan.Zero ? due : TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        }
        else if (await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        Case.ScheduledEscalation = next;
    }

    /// <summary>Tells the index, the cell and the feed the case as it is now; each takes it idempotently.</summary>
    private async Task PublishAsync()
    {
        var summary = Summary();
        var cell = Case.Report!.Location.CellCode;
        await GrainFactory.GetGrain<IEventIndexGrain>(GridCodes.DistrictOf(cell)).Update(summary);
        await GrainFactory.GetGrain<IGridCellGrain>(cell).UpdateEvent(new EventCellStatus(EventId, summary.IsOpen, summary.IsOverdue(Now), Case.Urgency));
        await GrainFactory.GetGrain<ISituationFeedGrain>(GridCodes.DistrictOf(cell)).EventChanged(summary);
    }

    private EventTimeLimits Limits => EventTimeLimits.FromCategory(services.Catalogue.Require(Case.Report!.Category), Case.Urgency);

    private CaseParties Parties => new(Case.Department, Case.Handler, services.Options.InspectionDepartment);

    private void RequireOpened()
    {
        if (Case.Report is null)
        {
            throw new InvalidOperationException($"No case '{EventId}'.");
        }
    }

    /// <summary>Whether the viewer's roles and standing allow the action; what the request must carry is asked when they take it.</summary>
    private bool MayTake(EventActor viewer, EventAction action) =>
        EventLifecycle.Decide(Case.Status, viewer, Parties, new EventActionRequest(action)).Refusal?.Kind
            is not (RefusalKind.RoleNotPermitted or RefusalKind.NotForThisCase);

    private static EventRole ReporterRole(EventChannel channel) => channel switch
    {
        EventChannel.Operator => EventRole.Operator,
        EventChannel.Inspector => EventRole.Responder,
        _ => EventRole.Engine,
    };

    private EventSummary Summary()
    {
        var report = Case.Report!;
        var now = Now;
        var deadline = Case.Clock is { IsPaused: false } clock ? clock.Deadline(now) : (DateTimeOffset?)null;
        return new EventSummary(
            EventId, report.Category, Case.Urgency, Case.Status.State, report.Location, Case.Department, Case.Assignee, report.Channel,
            report.At, Case.UpdatedAt, Case.Clock?.Stage ?? EventStage.None, deadline, Case.Escalation, Case.Reports, report.Description, Case.Version);
    }

    /// <summary>The case; with a viewer, its allowed actions are those the viewer's roles and department may take.</summary>
    private UrbanEventView View(EventActor? viewer = null) => new(
        Summary(),
        Case.Status.SuspendedFrom,
        Case.Report!.Reporter,
        Case.Handler,
        Case.Reworks,
        Case.MergedInto,
        [.. Case.Duplicates],
        [.. Case.Photos],
        [.. Case.Escalations],
        Case.PendingSuspension,
        [.. EventLifecycle.AllowedActions(Case.Status).Where(action => viewer is null || MayTake(viewer, action))],
        [.. trail.State.Entries],
        Case.Report.Contact,
        Case.Report.MediaUrl);
}

[GenerateSerializer]
public sealed class UrbanEventState
{
    [Id(0)] public EventReport? Report { get; set; }
    [Id(1)] public LifecycleStatus Status { get; set; } = LifecycleStatus.Reported;
    [Id(2)] public StageClock? Clock { get; set; }
    [Id(3)] public EventUrgency Urgency { get; set; }
    [Id(4)] public string? Department { get; set; }
    [Id(5)] public string? Assignee { get; set; }
    [Id(6)] public string? Handler { get; set; }
    [Id(7)] public int Reworks { get; set; }
    [Id(8)] public int Reports { get; set; }
    [Id(9)] public string? MergedInto { get; set; }
    [Id(10)] public List<string> Duplicates { get; set; } = [];
    [Id(11)] public List<string> Photos { get; set; } = [];
    [Id(12)] public List<EscalationRecord> Escalations { get; set; } = [];
    [Id(13)] public EscalationLevel Escalation { get; set; }
    [Id(14)] public PendingSuspension? PendingSuspension { get; set; }
    [Id(15)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(16)] public DateTimeOffset? ScheduledEscalation { get; set; }

    /// <summary>Duplicates that reached the case before its opening did.</summary>
    [Id(17)] public List<EventReport> EarlyDuplicates { get; set; } = [];

    /// <summary>Goes up by one with every stored change; follow-ups and the index are keyed by it.</summary>
    [Id(18)] public int Version { get; set; }

    /// <summary>The keys of the reports counted on the case, so a retried report is counted once.</summary>
    [Id(19)] public HashSet<string> CountedKeys { get; set; } = [];

    /// <summary>How many audit entries the stored change commits to; entries beyond it were never committed.</summary>
    [Id(20)] public int AuditLength { get; set; }

    /// <summary>The case's outbox: what stored changes still owe the index, the KPI ledgers and a merge's primary.</summary>
    [Id(21)] public List<CaseFollowUp> PendingFollowUps { get; set; } = [];

    /// <summary>The idempotency keys of the actions taken, stored with the change each made, so a resent action is taken once.</summary>
    [Id(22)] public HashSet<string> ActionKeys { get; set; } = [];
}

/// <summary>What one stored change still owes others: KPI counts and, for a merge, the primary's count.</summary>
/// <param name="Version">The case's version the change stored.</param>
/// <param name="MergeInto">The primary case to count this one on, for the change that merged it.</param>
[GenerateSerializer, Immutable]
public sealed record CaseFollowUp(
    [property: Id(0)] int Version,
    [property: Id(1)] KpiCount? Kpi,
    [property: Id(2)] string? MergeInto);

/// <summary>A change's KPI delta for one day and the scopes (regions, department) it counts in.</summary>
[GenerateSerializer, Immutable]
public sealed record KpiCount(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] EventKpiCounters Delta,
    [property: Id(2)] string[] Scopes);

[GenerateSerializer]
public sealed class AuditTrailState
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
}

[GenerateSerializer]
public sealed class AuditAnchorState
{
    [Id(0)] public AuditAnchor? Anchor { get; set; }
}
