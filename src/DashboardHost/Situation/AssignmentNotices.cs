using System.Collections.Concurrent;
using CityOps.DashboardHost.Events;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Situation;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace CityOps.DashboardHost.Situation;

/// <summary>What happened to one of a responder's tasks, as the hub's <c>Assignment</c> message says it.</summary>
public enum AssignmentChange
{
    /// <summary>The case was assigned to the responder (dispatched or reassigned to them).</summary>
    Assigned,

    /// <summary>The case was the responder's and was reassigned to someone else (or ended).</summary>
    ReassignedAway,

    /// <summary>The case's 督办 level went up: its deadline passed.</summary>
    Escalated,

    /// <summary>Anything else changed on the responder's case (its state, its deadline).</summary>
    Updated,
}

/// <summary>The hub message <c>Assignment</c>, sent to the user it concerns only.</summary>
public sealed record AssignmentNotice(AssignmentChange Change, EventSummaryResponse Event);

/// <summary>
/// Tells responders at once about their own cases (docs/architecture.md, Contracts, the hub's <c>Assignment</c>
/// message): every connection of the hub joins its user's group (<see cref="GroupOf"/>), and every case change
/// the districts' feeds send this host is compared with the assignee and 督办 level this host saw last, so a new
/// assignment, a reassignment away and an escalation reach the phone within the feed's 100 ms batches. Every host
/// receives every district's changes, so each tells its own connections; what a host has not seen since it started
/// (the previous assignee of a case) it cannot tell, and a phone reloads its tasks when it reconnects.
/// </summary>
public sealed partial class AssignmentNotices(IHubContext<SituationHub> hub, CityCatalogue catalogue, TimeProvider clock, ILogger<AssignmentNotices> logger)
{
    public const string Method = "Assignment";

    private readonly ConcurrentDictionary<string, AssignmentSeen> _seen = new(StringComparer.Ordinal);

    public static string GroupOf(string username) => "user:" + username;

    /// <summary>Compares each case change with what was seen of the case and sends the notices; returns at once.</summary>
    public void Offer(SituationChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var now = clock.GetUtcNow();
        foreach (var summary in changes.Events)
        {
            foreach (var (user, change) in Notices(summary))
            {
                _ = SendAsync(user, new AssignmentNotice(change, EventSummaryResponse.From(summary, catalogue, now)));
            }
        }
    }

    private IReadOnlyList<(string User, AssignmentChange Change)> Notices(EventSummary summary)
    {
        _seen.TryGetValue(summary.Id, out var before);
        var (notices, next) = AssignmentChanges.Decide(before, summary);
        if (next is null)
        {
            _seen.TryRemove(summary.Id, out _);
        }
        else
        {
            _seen[summary.Id] = next;
        }

        return notices;
    }

    private async Task SendAsync(string user, AssignmentNotice notice)
    {
        try
        {
            await hub.Clients.Group(GroupOf(user)).SendAsync(Method, notice);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The phone reloads its tasks on reconnect and every minute; a lost notice is late, not lost work.
            LogSendFailed(e, user, notice.Event.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assignment notice to {User} about {EventId} was not sent")]
    private partial void LogSendFailed(Exception e, string user, string eventId);
}

/// <summary>What a host last saw of an open case: who had it, its 督办 level and its version.</summary>
public sealed record AssignmentSeen(string? Assignee, EscalationLevel Escalation, int Version);

/// <summary>Which responders a case change concerns and how (docs/architecture.md, Domain rules): the rule behind <see cref="AssignmentNotices"/>.</summary>
public static class AssignmentChanges
{
    /// <summary>
    /// The notices a change brings, compared with what was seen of the case before (null: nothing, e.g. since the host
    /// started), and what to remember of it (null once the case is over). An older version than the one seen, or the same
    /// version with nothing new, brings none; a case that ends is taken away from whoever had it.
    /// </summary>
    public static (IReadOnlyList<(string User, AssignmentChange Change)> Notices, AssignmentSeen? Next) Decide(AssignmentSeen? before, EventSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var assignee = summary.IsOpen ? summary.Assignee : null;
        var next = summary.IsOpen ? new AssignmentSeen(assignee, summary.Escalation, summary.Version) : null;
        if (before is not null && (summary.Version < before.Version
            || (summary.Version == before.Version && summary.Escalation == before.Escalation && assignee == before.Assignee)))
        {
            return ([], before);
        }

        var notices = new List<(string, AssignmentChange)>();
        if (before?.Assignee is { } previous && previous != assignee)
        {
            notices.Add((previous, AssignmentChange.ReassignedAway));
        }

        if (assignee is not null)
        {
            var escalated = summary.Escalation > (before?.Escalation ?? EscalationLevel.None);
            notices.Add((assignee, before is not null && assignee != before.Assignee ? AssignmentChange.Assigned
                : escalated ? AssignmentChange.Escalated
                : before is null ? AssignmentChange.Assigned
                : AssignmentChange.Updated));
        }

        return (notices, next);
    }
}
