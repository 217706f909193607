using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>How a stage ended: its duration with suspensions left out, and whether it kept its limit.</summary>
public sealed record StageOutcome(EventStage Stage, TimeSpan Duration, bool OnTime);

/// <summary>What a transition did to a case's clock: the clock now running (null in an end state) and the stage it ended, if any.</summary>
public sealed record ClockStep(StageClock? Clock, StageOutcome? Ended);

/// <summary>
/// The time limit of a case's current stage. It stores instants, not timers, so it survives restarts
/// and fail-overs unchanged; the owning grain reads it against the time it is given and sets a
/// reminder for <see cref="NextEscalationAt"/>. A suspension pauses it: the paused time is added up,
/// so the deadline moves by exactly the time suspended. Given a time earlier than one it already
/// knows (clock skew between silos), the clock counts no time as passed rather than running backwards.
/// </summary>
/// <param name="Paused">The suspended time of the stage, up to the current suspension.</param>
/// <param name="PausedAt">When the current suspension began; null while the clock runs.</param>
[GenerateSerializer, Immutable]
public sealed record StageClock(
    [property: Id(0)] EventStage Stage,
    [property: Id(1)] DateTimeOffset StartedAt,
    [property: Id(2)] TimeSpan Limit,
    [property: Id(3)] TimeSpan Paused,
    [property: Id(4)] DateTimeOffset? PausedAt)
{
    public bool IsPaused => PausedAt is not null;

    public static StageClock Start(EventStage stage, TimeSpan limit, DateTimeOffset at) => new(stage, at, limit, TimeSpan.Zero, null);

    /// <summary>
    /// Follows a case's clock through one lifecycle transition: a suspension pauses it and a resume
    /// restarts it; a transition within the same stage (accept, verify) keeps it running; any other
    /// ends the stage and starts the next one's with a fresh limit (none in an end state).
    /// </summary>
    /// <param name="clock">The clock before the transition; null for a case in an end state (a reopen).</param>
    public static ClockStep Follow(StageClock? clock, EventTransition transition, DateTimeOffset at, EventTimeLimits limits)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(limits);
        if (transition.To == EventState.Suspended || transition.From == EventState.Suspended)
        {
            var running = clock ?? throw new ArgumentException("A suspension pauses a running clock.", nameof(clock));
            return new(transition.To == EventState.Suspended ? running.Pause(at) : running.Resume(at), null);
        }

        var stage = EventLifecycle.StageOf(new LifecycleStatus(transition.To));
        if (clock is not null && clock.Stage == stage)
        {
            return new(clock, null);
        }

        var next = stage == EventStage.None ? null : Start(stage, limits.LimitOf(stage), at);
        return new(next, clock?.End(at));
    }

    public StageClock Pause(DateTimeOffset at) => IsPaused ? this : this with { PausedAt = Later(at, StartedAt) };

    public StageClock Resume(DateTimeOffset at) => IsPaused ? this with { Paused = PausedBy(at), PausedAt = null } : this;

    /// <summary>The stage's running time up to <paramref name="now"/>, suspensions left out.</summary>
    public TimeSpan Elapsed(DateTimeOffset now)
    {
        var elapsed = Later(now, StartedAt) - StartedAt - PausedBy(now);
        return elapsed > TimeSpan.Zero ? elapsed : TimeSpan.Zero;
    }

    /// <summary>The deadline as known at <paramref name="now"/>; during a suspension it moves on with the time suspended.</summary>
    public DateTimeOffset Deadline(DateTimeOffset now) => StartedAt + Limit + PausedBy(now);

    public EscalationLevel Escalation(DateTimeOffset now) => EscalationRule.LevelFor(Elapsed(now), Limit);

    /// <summary>When the next escalation level will be reached; null during a suspension and after the last level.</summary>
    public DateTimeOffset? NextEscalationAt(DateTimeOffset now) =>
        !IsPaused && EscalationRule.NextAfter(Escalation(now), Limit) is { } after ? StartedAt + Paused + after : null;

    public StageOutcome End(DateTimeOffset at)
    {
        var duration = Elapsed(at);
        return new(Stage, duration, duration <= Limit);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private TimeSpan PausedBy(DateTimeOffset now) => PausedAt is { } since ? Paused + (Later(now, since) - since) : Paused;
}
