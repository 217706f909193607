using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// Applying readings to a twin's state: redeliveries recognised by sequence number, the bound on the
/// metrics one twin keeps, the latest value per metric (an older reading never overwrites a newer
/// one) and the chart history.
/// </summary>
public static class TwinReadings
{
    /// <summary>Bounds the metrics one twin keeps, whatever names a device sends.</summary>
    public const int MaxMetrics = DeviceIds.MaxMetrics;

    /// <summary>False when the reading's sequence number was seen recently (a redelivery); remembers it otherwise.</summary>
    public static bool IsNew(DeviceTwinState twin, TelemetryReport report)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(report);
        if (report.Seq is not { } seq)
        {
            return true;
        }

        (twin.Seqs, var isNew) = twin.Seqs.Accept(seq);
        return isNew;
    }

    /// <summary>Whether the reading would give the twin more than <see cref="MaxMetrics"/> metrics.</summary>
    public static bool WouldExceedMetrics(DeviceTwinState twin, TelemetryReport report)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(report);
        return twin.MetricCount + report.Values.Count > MaxMetrics && CountNewMetrics(twin, report) + twin.MetricCount > MaxMetrics;
    }

    private static int CountNewMetrics(DeviceTwinState twin, TelemetryReport report) => report.Values.Keys.Count(m => !twin.HasMetric(m));

    /// <summary>
    /// Applies one reading's values to the twin and its history, running <paramref name="evaluate"/> on
    /// each value that is the metric's latest; true when an evaluation raised or cleared an alarm.
    /// </summary>
    public static bool Apply(DeviceTwinState twin, MetricHistory history, TelemetryReport report, DateTimeOffset now, Func<string, double, DateTimeOffset, bool> evaluate) =>
        Apply(twin, history, report, now, evaluate, static (evaluate, metric, value, at) => evaluate(metric, value, at));

    /// <summary>
    /// As <see cref="Apply(DeviceTwinState, MetricHistory, TelemetryReport, DateTimeOffset, Func{string, double, DateTimeOffset, bool})"/>,
    /// with the evaluation's state passed in: a twin applies every reading this way, with a static lambda, so that no
    /// closure is made per reading.
    /// </summary>
    public static bool Apply<TState>(DeviceTwinState twin, MetricHistory history, TelemetryReport report, DateTimeOffset now, TState state, Func<TState, string, double, DateTimeOffset, bool> evaluate)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(evaluate);
        var alarmsChanged = false;

        // The parser's dictionary is walked with its own enumerator: through the interface, every reading would box one.
        if (report.Values is Dictionary<string, double> parsed)
        {
            foreach (var (metric, value) in parsed)
            {
                alarmsChanged |= ApplyValue(twin, history, metric, value, report.Timestamp, now, state, evaluate);
            }
        }
        else
        {
            foreach (var (metric, value) in report.Values)
            {
                alarmsChanged |= ApplyValue(twin, history, metric, value, report.Timestamp, now, state, evaluate);
            }
        }

        return alarmsChanged;
    }

    private static bool ApplyValue<TState>(
        DeviceTwinState twin, MetricHistory history, string metric, double value, DateTimeOffset at, DateTimeOffset now, TState state, Func<TState, string, double, DateTimeOffset, bool> evaluate)
    {
        var alarmsChanged = false;

        // Out-of-order messages must not overwrite a newer reading of the same metric.
        if (!twin.TryGetLatest(metric, out var existing) || existing.Timestamp <= at)
        {
            twin.SetLatest(metric, new MetricReading(value, at));
            alarmsChanged = evaluate(state, metric, value, at);
        }

        history.Add(metric, value, at, now);
        return alarmsChanged;
    }
}
