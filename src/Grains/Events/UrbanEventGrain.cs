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
    private readonly MergeClaims _merges = new();
    private CaseFollowUps? _followUps;
    private CaseStorage? _storage;

    private UrbanEventState Case => state.State;

    private CaseStorage Storage => _storage ??= new(this, state, trail, anchor, services.Clock, logger);

    private CaseFollowUps FollowUps => _followUps ??= new(this, state, GrainFactory, ServiceProvider, services, logger);

    private string EventId => this.GetPrimaryKeyString();

    private DateTimeOffset Now => services.Clock.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Storage.DropUncommittedAuditAsync(cancellationToken);
        if (Case.PendingFollowUps.Count > 0)
        {
            FollowUps.RetrySoon();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await FollowUps.FlushAsync(cancellationToken);
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
        var department = category is { AutoRegister: true, AutoDispatch: true } ? DispatchDefaults.Department(services.Catalogue, report, null) : null;
        var assignee = department is null ? null : await DispatchDefaults.NearestOnDutyAsync(GrainFactory, department, report.Location);
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
            Append(AuditRecord.ForReport(now, reporter, ReporterRole(report.Channel), report.Origin, report.PhotoSha256s, report.PhotoSm3s));
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
        await FollowUps.ApplyAsync();
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
        await FollowUps.ApplyAsync();
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

        // A dispatch left open goes where the responsibility list says, to the nearest on-duty responder when asked.
        (request, var nobodyOnDuty) = await DispatchDefaults.CompleteAsync(GrainFactory, services.Catalogue, Case.Report!, request);
        if (nobodyOnDuty is not null)
        {
            return Refuse(RefusalKind.NobodyOnDuty, nobodyOnDuty);
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
        await FollowUps.ApplyAsync();
        return new(View(actor), null);
    }

    public Task<UrbanEventView?> Get() => Task.FromResult(Case.Report is null ? null : View());

    public Task<UrbanEventView?> GetFor(EventActor viewer) => Task.FromResult(Case.Report is null ? null : View(viewer));

    public Task<IReadOnlyList<AuditEntry>> GetAudit() => Task.FromResult<IReadOnlyList<AuditEntry>>([.. trail.State.Entries]);

    public Task<AuditAnchor> AuditHead() => Task.FromResult(AuditChain.Anchor(trail.State.Entries));

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
                await FollowUps.ApplyAsync();
                return;
            }
        }

        await Storage.ScheduleDeadlineAsync();
        await state.WriteStateAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDeadline();

    public Task ApplyFollowUps() => Case.Report is null ? Task.CompletedTask : FollowUps.ApplyAsync(publishAnyway: true);

    private void CountDuplicate(EventReport report, string? duplicateEventId, DateTimeOffset now) =>
        CaseChanges.CountDuplicate(Case, trail.State.Entries, report, duplicateEventId, now, services.Crypto.ChainDigest);

    private EventKpiCounters Apply(EventActor actor, EventActionRequest request, DateTimeOffset at) =>
        CaseChanges.Apply(Case, trail.State.Entries, EventId, Parties, Limits, actor, request, at, services.Crypto.ChainDigest);

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
                new Dictionary<string, string> { [AuditDetails.Approval] = "requested" })
            {
                AttachmentSm3s = request.AttachmentSm3s,
            });
            return EventKpiCounters.None;
        });
        await FollowUps.ApplyAsync();
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
        await FollowUps.ApplyAsync();
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

        if (_merges.IsClaimedBy(primaryId))
        {
            return Refuse(RefusalKind.PrimaryUnavailable, MergeClaims.Cycle($"case '{primaryId}' is being merged into this case"));
        }

        var primary = GrainFactory.GetGrain<IUrbanEventGrain>(primaryId);
        var refused = false;
        _merges.MergingInto = primaryId;
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
            _merges.MergingInto = null;
            if (!refused)
            {
                // Stored or failed, the claim has served: once stored, this case's end state refuses a merge back.
                primary.ReleaseClaim(EventId).Ignore();
            }
        }

        await FollowUps.ApplyAsync();
        return new(View(actor), null);
    }

    public Task<MergeClaimRefusal?> ClaimAsPrimary(string duplicateEventId) => Task.FromResult(_merges.Claim(Case, EventId, duplicateEventId));

    public Task ReleaseClaim(string duplicateEventId)
    {
        _merges.Release(duplicateEventId);
        return Task.CompletedTask;
    }

    private EventActionOutcome Refuse(RefusalKind kind, string message) =>
        new(null, new ActionRefusal(kind, message, EventLifecycle.AllowedActions(Case.Status)));

    private void Append(AuditRecord record) => CaseChanges.Append(trail.State.Entries, record, services.Crypto.ChainDigest);

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
            FollowUps.Add(at, kpi, mergeInto);
            await Storage.SaveAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
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

    private static EventRole ReporterRole(EventChannel channel) => CaseChanges.ReporterRole(channel);

    /// <summary>The case; with a viewer, its allowed actions are those the viewer's roles and department may take.</summary>
    private UrbanEventView View(EventActor? viewer = null) => CaseChanges.View(EventId, Case, trail.State.Entries, Parties, Now, viewer);
}

