namespace CityOps.Samples.LoadGen;

/// <summary>Everything one run measured; written as JSON with <c>--json</c> and read back by <c>compare</c>.</summary>
public sealed record LoadReport(
    string Mode,
    DateTimeOffset StartedAt,
    LoadOptions Options,
    double WindowSeconds,
    ConnectionFigures DeviceConnections,
    ConnectionFigures AggregatorConnections,
    PathFigures Devices,
    PathFigures Aggregators,
    TwinFigures? PublishToTwin,
    ProbeFigures? PublishToFrame,
    SubscriberFigures? Subscriber,
    IReadOnlyDictionary<string, double>? EngineAccepted,
    IReadOnlyDictionary<string, double>? EngineRejected,
    ProcessFigures? Generator,
    ProcessFigures? Broker);

/// <summary>
/// One publishing path over the measured window: its ledger, rates (per second of the window) and the
/// acknowledgement latency of each publish (a device's message or a whole batch); the warm-up's ledger apart.
/// </summary>
public sealed record PathFigures(
    LedgerFigures Measured,
    long WarmupSent,
    double SentPerSecond,
    double AcknowledgedPerSecond,
    double ReadingsPerSecond,
    LatencySummary Ack,
    long SentLate,
    LedgerFigures? Warmup = null)
{
    public static PathFigures From(PublishLedger measured, PublishLedger warmup, LatencyHistogram acks, long late, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(warmup);
        ArgumentNullException.ThrowIfNull(acks);
        var seconds = Math.Max(window.TotalSeconds, 1e-9);
        var figures = measured.Figures();
        return new PathFigures(
            figures,
            warmup.Sent,
            Math.Round(figures.Sent / seconds, 1),
            Math.Round(figures.Acknowledged / seconds, 1),
            Math.Round(figures.ReadingsAcknowledged / seconds, 1),
            acks.Summary(),
            late,
            warmup.Figures());
    }
}

/// <summary>
/// Publish → twin from the engine's <c>cityops_twin_reading_age_milliseconds</c> histogram, the difference of two
/// scrapes around the window: percentiles known only to a bucket.
/// </summary>
public sealed record TwinFigures(bool Exported, double Readings, BucketRange? P50, BucketRange? P90, BucketRange? P99, string Note);

/// <summary>In mosquitto mode: what the subscriber on <c>city/#</c> received, against what the broker acknowledged.</summary>
public sealed record SubscriberFigures(long Received, long Readings, long Expected, LatencySummary Delivery);

/// <summary>A process's share of the machine over the measured window.</summary>
public sealed record ProcessFigures(int Pid, double CpuPercentOfOneCore, double RssMbAtStart, double RssMbAtEnd, int Threads);
