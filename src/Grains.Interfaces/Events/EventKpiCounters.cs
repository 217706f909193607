namespace CityOps.Grains.Interfaces.Events;

/// <summary>
/// A rate kept as its exact fraction so an assessment can check it by hand; <see cref="Value"/> is
/// null when nothing was counted (0/0 is "no data", not 0% and not NaN).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record KpiRatio(
    [property: Id(0)] long Numerator,
    [property: Id(1)] long Denominator)
{
    public double? Value => Denominator == 0 ? null : (double)Numerator / Denominator;
}

/// <summary>The stages of one kind that ended: how many, how many after their deadline, and their summed duration.</summary>
/// <param name="Seconds">Whole seconds, each stage's duration truncated and suspended time left out.</param>
[GenerateSerializer, Immutable]
public sealed record StageTotals(
    [property: Id(0)] long Count,
    [property: Id(1)] long Late,
    [property: Id(2)] long Seconds)
{
    public static StageTotals None { get; } = new(0, 0, 0);

    public KpiRatio MeanSeconds => new(Seconds, Count);

    public StageTotals Add(StageTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(checked(Count + other.Count), checked(Late + other.Late), checked(Seconds + other.Seconds));
    }
}

/// <summary>
/// Evaluation counters (GB/T 30428.4 style) of a case, region, department or person over a period:
/// integer counts only, added up as cases move, so every rate is an exact fraction of counts that
/// the audit trails reproduce. Each count is of actions taken in the period, so a rate pairs what
/// happened in the same period (a case dispatched one day and returned the next counts on both days).
/// </summary>
/// <param name="Reported">Cases opened at intake.</param>
/// <param name="Dispatched">Dispatch actions, a dispatch after a return counted again.</param>
/// <param name="DispatchedOnTime">Dispatches within the dispatch stage's limit.</param>
/// <param name="Returned">Returns by departments (for dispatch accuracy).</param>
/// <param name="Handled">Handling feedbacks, a feedback after rework counted again.</param>
/// <param name="HandledOnTime">Handling feedbacks within the handle stage's limit.</param>
/// <param name="Reworked">Failed verifications sent back for rework.</param>
/// <param name="Reopened">Closed cases reopened on a citizen's dissatisfaction.</param>
[GenerateSerializer, Immutable]
public sealed record EventKpiCounters(
    [property: Id(0)] long Reported,
    [property: Id(1)] long Registered,
    [property: Id(2)] long Rejected,
    [property: Id(3)] long Merged,
    [property: Id(4)] long Dispatched,
    [property: Id(5)] long DispatchedOnTime,
    [property: Id(6)] long Returned,
    [property: Id(7)] long Handled,
    [property: Id(8)] long HandledOnTime,
    [property: Id(9)] long Reworked,
    [property: Id(10)] long Closed,
    [property: Id(11)] long Reopened,
    [property: Id(12)] long Suspended,
    [property: Id(13)] StageTotals RegisterStage,
    [property: Id(14)] StageTotals DispatchStage,
    [property: Id(15)] StageTotals HandleStage,
    [property: Id(16)] StageTotals VerifyStage)
{
    public static EventKpiCounters None { get; } =
        new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, StageTotals.None, StageTotals.None, StageTotals.None, StageTotals.None);

    /// <summary>Stages of every kind that ended after their deadline (超期).</summary>
    public long Overdue => checked(RegisterStage.Late + DispatchStage.Late + HandleStage.Late + VerifyStage.Late);

    /// <summary>立案率: registered over the reports decided (registered or rejected); merged duplicates are neither.</summary>
    public KpiRatio RegistrationRate => new(Registered, checked(Registered + Rejected));

    /// <summary>按时派遣率: dispatches within the limit over all dispatches.</summary>
    public KpiRatio OnTimeDispatchRate => new(DispatchedOnTime, Dispatched);

    /// <summary>派遣准确率: dispatches not returned by the department over all dispatches.</summary>
    public KpiRatio DispatchAccuracy => new(checked(Dispatched - Returned), Dispatched);

    /// <summary>按期处置率: handling feedbacks within the limit over all handling feedbacks.</summary>
    public KpiRatio OnTimeHandlingRate => new(HandledOnTime, Handled);

    /// <summary>结案率: closures over the cases that had to be closed (registered, and reopened ones again).</summary>
    public KpiRatio ClosureRate => new(Closed, checked(Registered + Reopened));

    /// <summary>返工率: reworks over handling feedbacks.</summary>
    public KpiRatio ReworkRate => new(Reworked, Handled);

    public StageTotals Stage(EventStage stage) => stage switch
    {
        EventStage.Register => RegisterStage,
        EventStage.Dispatch => DispatchStage,
        EventStage.Handle => HandleStage,
        EventStage.Verify => VerifyStage,
        _ => StageTotals.None,
    };

    /// <summary>The mean time of a stage in seconds, as the exact fraction of its summed seconds over its count.</summary>
    public KpiRatio MeanStageSeconds(EventStage stage) => Stage(stage).MeanSeconds;

    public EventKpiCounters Add(EventKpiCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(
            checked(Reported + other.Reported),
            checked(Registered + other.Registered),
            checked(Rejected + other.Rejected),
            checked(Merged + other.Merged),
            checked(Dispatched + other.Dispatched),
            checked(DispatchedOnTime + other.DispatchedOnTime),
            checked(Returned + other.Returned),
            checked(Handled + other.Handled),
            checked(HandledOnTime + other.HandledOnTime),
            checked(Reworked + other.Reworked),
            checked(Closed + other.Closed),
            checked(Reopened + other.Reopened),
            checked(Suspended + other.Suspended),
            RegisterStage.Add(other.RegisterStage),
            DispatchStage.Add(other.DispatchStage),
            HandleStage.Add(other.HandleStage),
            VerifyStage.Add(other.VerifyStage));
    }
}
