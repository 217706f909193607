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
/// <param name="metrics">The series of each metric; the twin's persisted history state.</param>
public sealed class MetricHistory(DeviceHistoryState metrics, TimeSpan bucket, TimeSpan retention)
{
    public static readonly TimeSpan DefaultBucket = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(24);

    /// <summary>The most buckets a metric holds: the window's, and one more for the interval under way.</summary>
    private readonly int _mostBuckets = (int)(retention.Ticks / bucket.Ticks) + 1;

    public MetricHistory(DeviceHistoryState metrics)
        : this(metrics, DefaultBucket, DefaultRetention)
    {
    }

    public void Add(string metric, double value, DateTimeOffset at, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var start = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % bucket.Ticks), TimeSpan.Zero);
        var oldest = now - retention;
        if (start < oldest)
        {
            return;
        }

        var buckets = metrics.For(metric);

        // Plain loops rather than predicates: this runs for every reading, and a capturing lambda is an allocation.
        var index = buckets.Count - 1;
        while (index >= 0 && buckets[index].Start > start)
        {
            index--;
        }

        if (index >= 0 && buckets[index].Start == start)
        {
            buckets[index] = buckets[index].With(value);
            return;
        }

        // Buckets leave the window as new ones open; all of them start before this one, since it is within the window.
        var expired = 0;
        while (expired < buckets.Count && buckets[expired].Start < oldest)
        {
            expired++;
        }

        if (expired > 0)
        {
            buckets.RemoveRange(0, expired);
            index -= expired;
        }

        // Grown by doubling up to the window's size and no further: a day of five-minute buckets is 289, not 512.
        if (buckets.Count == buckets.Capacity)
        {
            buckets.Capacity = Math.Min(_mostBuckets, Math.Max(1, buckets.Capacity * 2));
        }

        buckets.Insert(index + 1, new HistoryBucket(start, value, value, value, 1));
    }

    public IReadOnlyList<HistoryPoint> Query(string metric, DateTimeOffset from, DateTimeOffset to) =>
        metrics.Find(metric) is { } buckets
            ? buckets.Where(b => b.Start + bucket > from && b.Start <= to).Select(b => b.ToPoint()).ToList()
            : [];
}
