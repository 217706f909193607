namespace CityOps.Grains.Interfaces.Devices;

/// <summary>What became of a video AI detection (docs/devices.md, "Detections to cases").</summary>
public enum DetectionOutcome
{
    /// <summary>Confident enough and the first of its kind on the channel within the kind's window: its alarm is raised and, where the catalogue ties the kind to a category, a case report goes to intake.</summary>
    Raised,

    /// <summary>Less confident than the kind's threshold: recorded on the channel, no alarm, no case.</summary>
    BelowThreshold,

    /// <summary>The same kind on the same channel again within the kind's window: recorded and counted, no second case.</summary>
    Repeated,
}

/// <summary>One detection as the channel recorded it.</summary>
[GenerateSerializer, Immutable]
public sealed record DetectionRecord(
    [property: Id(0)] string Kind,
    [property: Id(1)] double? Confidence,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] DetectionOutcome Outcome);

/// <summary>How many detections of one kind a channel has had, by what became of them.</summary>
[GenerateSerializer, Immutable]
public sealed record DetectionTally(
    [property: Id(0)] int Raised,
    [property: Id(1)] int BelowThreshold,
    [property: Id(2)] int Repeated)
{
    public static readonly DetectionTally None = new(0, 0, 0);

    public DetectionTally Add(DetectionOutcome outcome) => outcome switch
    {
        DetectionOutcome.Raised => this with { Raised = Raised + 1 },
        DetectionOutcome.BelowThreshold => this with { BelowThreshold = BelowThreshold + 1 },
        _ => this with { Repeated = Repeated + 1 },
    };
}
