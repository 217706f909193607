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
    ProcessFigures? Broker,
    RuntimeFigures? EngineRuntime = null);

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

/// <summary>
/// The engine's .NET runtime over the measured window, from its <c>System.Runtime</c> metrics on <c>/metrics</c>
/// (scraped at the window's start and end): how long the collector stopped it, how often, and how fast it allocated.
/// </summary>
public sealed record RuntimeFigures(
    double GcPauseSeconds,
    double GcPausePercent,
    IReadOnlyDictionary<string, double> Collections,
    double AllocatedMbPerSecond,
    double? HeapMbAfterLastCollection)
{
    public const string PauseMetric = "dotnet_gc_pause_time_seconds_total";
    public const string CollectionsMetric = "dotnet_gc_collections_total";
    public const string AllocatedMetric = "dotnet_gc_heap_total_allocated_bytes_total";
    public const string HeapMetric = "dotnet_gc_last_collection_heap_size_bytes";

    /// <summary>Null when either scrape is missing or the engine exports no runtime metrics.</summary>
    public static RuntimeFigures? From(string? before, string? after, TimeSpan window)
    {
        if (before is null || after is null)
        {
            return null;
        }

        double Total(string exposition, string name) => MetricCounter.Parse(exposition, name, "").Values.Sum();
        var pausesAfter = MetricCounter.Parse(after, PauseMetric, "");
        if (pausesAfter.Count == 0)
        {
            return null;
        }

        var seconds = Math.Max(window.TotalSeconds, 1e-9);
        var pause = pausesAfter.Values.Sum() - Total(before, PauseMetric);
        var heap = MetricCounter.Parse(after, HeapMetric, "gc_heap_generation");
        return new RuntimeFigures(
            Math.Round(pause, 3),
            Math.Round(100 * pause / seconds, 1),
            MetricCounter.Delta(
                MetricCounter.Parse(before, CollectionsMetric, "gc_heap_generation"),
                MetricCounter.Parse(after, CollectionsMetric, "gc_heap_generation")),
            Math.Round((Total(after, AllocatedMetric) - Total(before, AllocatedMetric)) / seconds / 1048576.0, 1),
            heap.Count == 0 ? null : Math.Round(heap.Values.Sum() / 1048576.0, 1));
    }
}
