using System.Globalization;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// A Prometheus histogram as <c>GET /metrics</c> exposes it: cumulative counts per upper bound (<c>le</c>),
/// summed over every series of the name (all label sets). Percentiles of the difference between two scrapes
/// are known only to a bucket: <see cref="Percentile"/> gives the bucket's bounds.
/// </summary>
public sealed class MetricHistogram
{
    private readonly SortedDictionary<double, double> _cumulative;

    private MetricHistogram(SortedDictionary<double, double> cumulative) => _cumulative = cumulative;

    /// <summary>The upper bounds, ascending; the last is +Inf.</summary>
    public IReadOnlyList<double> Bounds => [.. _cumulative.Keys];

    /// <summary>Observations counted (the +Inf bucket).</summary>
    public double Count => _cumulative.Count == 0 ? 0 : _cumulative[double.PositiveInfinity];

    public double CumulativeAt(double bound) => _cumulative.TryGetValue(bound, out var count) ? count : 0;

    /// <summary>The histogram <paramref name="name"/> (without <c>_bucket</c>) in a Prometheus text exposition; null when absent.</summary>
    public static MetricHistogram? Parse(string exposition, string name)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        ArgumentNullException.ThrowIfNull(name);
        var prefix = name + "_bucket";
        var buckets = new SortedDictionary<double, double>();
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || line.Length == prefix.Length || line[prefix.Length] != '{')
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            if (close < 0 || LabelValue(line[(prefix.Length + 1)..close], "le") is not { } le)
            {
                continue;
            }

            var sample = line[(close + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (sample.Length == 0 || !TryNumber(le, out var bound) || !TryNumber(sample[0], out var count))
            {
                continue;
            }

            buckets[bound] = buckets.GetValueOrDefault(bound) + count;
        }

        return buckets.ContainsKey(double.PositiveInfinity) ? new MetricHistogram(buckets) : null;
    }

    /// <summary>What was observed between two scrapes: <c>after − before</c>, bucket by bucket.</summary>
    public static MetricHistogram Delta(MetricHistogram? before, MetricHistogram after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var delta = new SortedDictionary<double, double>();
        foreach (var (bound, count) in after._cumulative)
        {
            delta[bound] = Math.Max(0, count - (before?.CumulativeAt(bound) ?? 0));
        }

        return new MetricHistogram(delta);
    }

    /// <summary>
    /// The bucket holding the <paramref name="quantile"/>: the value lies above <c>Lower</c> and at most at <c>Upper</c>
    /// (+Inf when it lies beyond the last finite bound). Null when nothing was observed.
    /// </summary>
    public BucketRange? Percentile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        var total = Count;
        if (total <= 0)
        {
            return null;
        }

        var rank = Math.Max(1, Math.Ceiling(quantile * total));
        var lower = 0.0;
        foreach (var (bound, cumulative) in _cumulative)
        {
            if (cumulative >= rank)
            {
                return new BucketRange(lower, bound);
            }

            lower = bound;
        }

        return new BucketRange(lower, double.PositiveInfinity);
    }

    private static string? LabelValue(string labels, string label)
    {
        var key = label + "=\"";
        var at = 0;
        while ((at = labels.IndexOf(key, at, StringComparison.Ordinal)) >= 0)
        {
            if (at == 0 || labels[at - 1] is ',' or ' ')
            {
                var start = at + key.Length;
                var end = labels.IndexOf('"', start);
                return end < 0 ? null : labels[start..end];
            }

            at += key.Length;
        }

        return null;
    }

    private static bool TryNumber(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}

/// <summary>A percentile known to a bucket: above <see cref="Lower"/>, at most <see cref="Upper"/>.</summary>
public sealed record BucketRange(double Lower, double Upper)
{
    public override string ToString() => double.IsPositiveInfinity(Upper)
        ? $"> {Lower.ToString("0.###", CultureInfo.InvariantCulture)}"
        : $"≤ {Upper.ToString("0.###", CultureInfo.InvariantCulture)}";
}

/// <summary>A Prometheus counter's samples by one label, summed over the other labels.</summary>
public static class MetricCounter
{
    /// <summary>The counter <paramref name="name"/> (with its <c>_total</c>) by the value of <paramref name="label"/>; empty when absent.</summary>
    public static IReadOnlyDictionary<string, double> Parse(string exposition, string name, string label)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        ArgumentNullException.ThrowIfNull(name);
        var totals = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var labels = line[name.Length] == '{' && close > 0 ? line[(name.Length + 1)..close] : "";
            var sample = line[(close > 0 ? close + 1 : name.Length)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (sample.Length == 0 || !double.TryParse(sample[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var key = LabelOf(labels, label) ?? "";
            totals[key] = totals.GetValueOrDefault(key) + value;
        }

        return totals;
    }

    /// <summary><c>after − before</c> for every label value; those that did not change are left out.</summary>
    public static IReadOnlyDictionary<string, double> Delta(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var delta = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in after)
        {
            var change = value - before.GetValueOrDefault(key);
            if (change != 0)
            {
                delta[key] = change;
            }
        }

        return delta;
    }

    private static string? LabelOf(string labels, string label)
    {
        var key = label + "=\"";
        var at = labels.StartsWith(key, StringComparison.Ordinal) ? 0 : labels.IndexOf("," + key, StringComparison.Ordinal) + 1;
        if (at < 0 || (at == 0 && !labels.StartsWith(key, StringComparison.Ordinal)))
        {
            return null;
        }

        var start = at + key.Length;
        var end = labels.IndexOf('"', start);
        return end < 0 ? null : labels[start..end];
    }
}
