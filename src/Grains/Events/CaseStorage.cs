using CityOps.Grains.Interfaces.Events;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Events;

/// <summary>
/// How a case is written (docs/reliability.md): the audit trail, then its anchor, then the case's own state,
/// whose write commits the change, with the deadline reminder set first; and, on activation, the trail cut
/// back to what the last commit counted.
/// </summary>
public sealed class CaseStorage(
    Grain grain,
    IPersistentState<UrbanEventState> state,
    IPersistentState<AuditTrailState> trail,
    IPersistentState<AuditAnchorState> anchor,
    TimeProvider clock,
    ILogger logger)
{
    /// <summary>The reminder that wakes a case at its next escalation, also after a restart.</summary>
    public const string DeadlineReminder = "deadline";

    private UrbanEventState Case => state.State;

    private string EventId => grain.GetPrimaryKeyString();

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>
    /// A change is committed when the case's own state is stored, the last of its writes. Should the
    /// engine die after the trail was written but before the state, the trail holds entries of a change
    /// that never happened (and was never acknowledged); they are cut here and the anchor set again,
    /// so a retry of that change is recorded once — the opening of a case included, whose state was
    /// never stored at all. Cases stored before the trail length was kept (opened, at version 0) are
    /// left as they are.
    /// </summary>
    public async Task DropUncommittedAuditAsync(CancellationToken cancellationToken)
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

    public async Task SaveAsync()
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
    public async Task ScheduleDeadlineAsync()
    {
        var next = Case.Clock?.NextEscalationAt(Now);
        if (next == Case.ScheduledEscalation)
        {
            return;
        }

        if (next is { } at)
        {
            var due = at - Now;
            await grain.RegisterOrUpdateReminder(DeadlineReminder, due > TimeSpan.Zero ? due : TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        }
        else if (await grain.GetReminder(DeadlineReminder) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }

        Case.ScheduledEscalation = next;
    }
}
