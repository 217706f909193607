using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

// The stored layout of a case: the names, namespaces and [Id]s here are read back from storage
// (docs/reliability.md), so they change only with a migration.

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
