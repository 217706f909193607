using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>One level of 督办: reached when the stage has run past its deadline by this fraction of its limit.</summary>
public sealed record EscalationStep(EscalationLevel Level, int PastNumerator, int PastDenominator)
{
    /// <summary>The stage time (suspensions left out) at which the level is reached.</summary>
    public TimeSpan ReachedAfter(TimeSpan limit) => limit + TimeSpan.FromTicks(limit.Ticks * PastNumerator / PastDenominator);
}

/// <summary>
/// 督办 escalation of an overdue stage: level 1 (the dispatcher) at the deadline, level 2 (the
/// department head) once half the stage's limit again has passed, level 3 (the command centre)
/// once the whole limit again has passed. A 30-minute dispatch stage escalates at 30, 45 and 60
/// minutes. Scaling with the limit keeps an emergency's 10 minutes as pressing as a normal case's
/// two days. A stage finished exactly at its deadline still counts as on time, though level 1
/// starts at that instant.
/// </summary>
public static class EscalationRule
{
    public static IReadOnlyList<EscalationStep> Steps { get; } =
    [
        new(EscalationLevel.Dispatcher, 0, 1),
        new(EscalationLevel.DepartmentHead, 1, 2),
        new(EscalationLevel.CommandCentre, 1, 1),
    ];

    public static EscalationLevel LevelFor(TimeSpan elapsed, TimeSpan limit) =>
        Steps.LastOrDefault(s => elapsed >= s.ReachedAfter(limit))?.Level ?? EscalationLevel.None;

    /// <summary>The stage time at which the level after <paramref name="current"/> is reached; null after the last one.</summary>
    public static TimeSpan? NextAfter(EscalationLevel current, TimeSpan limit) =>
        Steps.FirstOrDefault(s => s.Level > current)?.ReachedAfter(limit);
}
