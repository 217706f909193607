using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>One downsampled interval of one metric; a value, so that folding a reading in allocates nothing.</summary>
[GenerateSerializer]
public readonly record struct HistoryBucket(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] double Sum,
    [property: Id(2)] double Min,
    [property: Id(3)] double Max,
    [property: Id(4)] int Count)
{
    public HistoryBucket With(double value) => new(Start, Sum + value, Math.Min(Min, value), Math.Max(Max, value), Count + 1);

    public HistoryPoint ToPoint() => new(Start, Sum / Count, Min, Max, Count);
}

/// <summary>
/// A device's chart history: readings folded into fixed buckets (average, minimum, maximum) over a
/// bounded window, so a twin's memory stays small whatever the device's reporting rate.
/// </summary>
/// <param name="metrics">Metric name → buckets in time order; owned by the twin's persisted history state.</param>
public sealed class MetricHistory(Dictionary<string, List<HistoryBucket>> metrics, TimeSpan bucket, TimeSpan retention)
{
    public static readonly TimeSpan DefaultBucket = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(24);

    public MetricHistory(Dictionary<string, List<HistoryBucket>> metrics)
        : this(metrics, DefaultBucket, DefaultRetention)
    {
    }

    private Dictionary<string, List<HistoryBucket>> Metrics => metrics;

    public void Add(string metric, double value, DateTimeOffset at, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (at < now - retention)
        {
            return;
        }

        if (!Metrics.TryGetValue(metric, out var buckets))
        {
            Metrics[metric] = buckets = [];
        }

        var start = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % bucket.Ticks), TimeSpan.Zero);

        // Plain loops rather than predicates: this runs for every reading, and a capturing lambda is an allocation.
        var index = buckets.Count - 1;
        while (index >= 0 && buckets[index].Start > start)
        {
            index--;
        }

        if (index >= 0 && buckets[index].Start == start)
        {
            buckets[index] = buckets[index].With(value);
        }
        else
        {
            buckets.Insert(index + 1, new HistoryBucket(start, value, value, value, 1));
        }

        var oldest = now - retention;
        var expired = 0;
        while (expired < buckets.Count && buckets[expired].Start < oldest)
        {
            expired++;
        }

        if (expired > 0)
        {
            buckets.RemoveRange(0, expired);
        }
    }

    public IReadOnlyList<HistoryPoint> Query(string metric, DateTimeOffset from, DateTimeOffset to) =>
        Metrics.TryGetValue(metric, out var buckets)
            ? buckets.Where(b => b.Start + bucket > from && b.Start <= to).Select(b => b.ToPoint()).ToList()
            : [];
}
