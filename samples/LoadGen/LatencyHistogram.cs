namespace CityOps.Samples.LoadGen;

/// <summary>
/// Latencies in microseconds, counted in fixed log-linear buckets as HdrHistogram does: values below 64 µs
/// exactly, above that 64 buckets per power of two (at most 1.6 % wide). Percentiles give the bucket's
/// highest value, so they never understate. Recording is thread-safe and allocates nothing.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int SubBucketBits = 6;

    /// <summary>Up to 2^40 µs (12 days); larger values are counted in the last bucket.</summary>
    private const int MaxExponent = 40;

    private readonly long[] _counts = new long[SubBuckets + ((MaxExponent - SubBucketBits + 1) * SubBuckets)];
    private long _total;
    private long _max;
    private long _sum;

    public long Count => Interlocked.Read(ref _total);

    /// <summary>The largest value recorded, exactly (µs).</summary>
    public long Max => Interlocked.Read(ref _max);

    public double MeanMicroseconds => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _total);
        Interlocked.Add(ref _sum, value);
        var max = Interlocked.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    public void RecordMilliseconds(double milliseconds) => Record((long)Math.Round(milliseconds * 1000));

    /// <summary>The value at or below which the fraction <paramref name="quantile"/> of the values lie (µs); 0 when empty.</summary>
    public long Percentile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(HighestValueOf(i), Max);
            }
        }

        return Max;
    }

    public LatencySummary Summary() => new(
        Count,
        Percentile(0.50) / 1000.0,
        Percentile(0.90) / 1000.0,
        Percentile(0.99) / 1000.0,
        Percentile(0.999) / 1000.0,
        Max / 1000.0,
        MeanMicroseconds / 1000.0);

    internal static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var exponent = Math.Min(63 - long.LeadingZeroCount(value), MaxExponent);
        if (exponent == MaxExponent && value >= (1L << (MaxExponent + 1)))
        {
            return SubBuckets + ((MaxExponent - SubBucketBits + 1) * SubBuckets) - 1;
        }

        var shift = (int)exponent - SubBucketBits;
        var sub = (int)(value >> shift) - SubBuckets;
        return SubBuckets + (shift * SubBuckets) + sub;
    }

    internal static long HighestValueOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index - SubBuckets) / SubBuckets;
        var sub = (index - SubBuckets) % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }
}

/// <summary>A histogram's figures in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max, double Mean);
