using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.DashboardHost.Events;

/// <summary>A case in a list (docs/architecture.md, Contracts): what a table, a map marker and a countdown need.</summary>
public record EventSummaryResponse(
    string Id,
    string Category,
    string CategoryName,
    string CategoryNameEn,
    EventUrgency Urgency,
    EventState State,
    double[] Location,
    string CellCode,
    string? Address,
    string? Department,
    string? Assignee,
    EventChannel Channel,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt,
    EventStage Stage,
    DateTimeOffset? Deadline,
    bool Overdue,
    EscalationLevel Escalation,
    int Reports,
    string? Description)
{
    public static EventSummaryResponse From(EventSummary s, CityCatalogue catalogue, DateTimeOffset now)
    {
        var category = catalogue.Category(s.Category);
        return new(
            s.Id, s.Category, category?.Name ?? s.Category, category?.NameEn ?? s.Category, s.Urgency, s.State,
            [s.Location.Longitude, s.Location.Latitude], s.Location.CellCode, s.Location.Address, s.Department, s.Assignee, s.Channel,
            s.ReportedAt, s.UpdatedAt, s.Stage, s.Deadline, s.IsOverdue(now), s.Escalation, s.Reports, s.Description);
    }
}

/// <summary>A case with its people, clock, escalations, allowed actions and timeline (the audit trail), beside its summary's fields.</summary>
public sealed record EventDetailResponse(
    EventSummaryResponse Summary,
    EventState? SuspendedFrom,
    string Reporter,
    string? Handler,
    int Reworks,
    string? MergedInto,
    IReadOnlyList<string> Duplicates,
    IReadOnlyList<string> Photos,
    IReadOnlyList<EscalationRecord> Escalations,
    PendingSuspensionResponse? PendingSuspension,
    IReadOnlyList<EventAction> AllowedActions,
    IReadOnlyList<AuditEntry> Timeline) : EventSummaryResponse(Summary)
{
    /// <summary>The summary's fields are the detail's own; not repeated as a nested object.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public EventSummaryResponse Summary { get; init; } = Summary;

    public static EventDetailResponse From(UrbanEventView v, CityCatalogue catalogue, DateTimeOffset now) => new(
        EventSummaryResponse.From(v.Summary, catalogue, now),
        v.SuspendedFrom,
        v.Reporter,
        v.Handler,
        v.Reworks,
        v.MergedInto,
        v.Duplicates,
        v.PhotoSha256s,
        v.Escalations,
        v.PendingSuspension is { } p ? new PendingSuspensionResponse(p.RequestedBy.Username, p.Reason, p.At) : null,
        v.AllowedActions,
        v.Timeline);
}

public sealed record PendingSuspensionResponse(string RequestedBy, string Reason, DateTimeOffset At);

/// <summary>What an operator or inspector sends to report a problem.</summary>
public sealed record ReportRequest(string? Category, double[]? Location, string? Description, string? Urgency, string? Address, string[]? Photos);

/// <summary>What intake did with a report.</summary>
public sealed record ReportResponse(string Id, bool Merged, EventState State);

/// <summary>One action on a case; who takes it comes from the token, never from here.</summary>
/// <param name="AssignNearest">Dispatch to the department's nearest on-duty responder.</param>
/// <param name="IfAssignedTo">Take the action only while the case is still assigned to this user (409 <c>reassigned</c> otherwise).</param>
public sealed record ActionRequest(
    string? Action, string? Reason, string? Department, string? Assignee, bool? AssignNearest, string? PrimaryEventId, string[]? Attachments,
    string? IfAssignedTo = null);

/// <summary>A suspension asked for by someone who may not approve it: the case is unchanged until an operator approves.</summary>
public sealed record AwaitingApprovalResponse(bool AwaitingApproval, EventDetailResponse Event);

public sealed record AuditResponse(IReadOnlyList<AuditEntry> Entries, AuditVerification Verification);

public sealed record CatalogueResponse(IReadOnlyList<CategoryResponse> Categories, IReadOnlyList<DepartmentRecord> Departments);

public sealed record CategoryResponse(string Code, string Name, string NameEn, string Family, string Group, string Urgency, StageLimits Limits, bool AutoRegister, bool AutoDispatch);
