using System.Diagnostics.Metrics;

namespace CityOps.Grains.Devices;

/// <summary>
/// The twins' own instruments (meter <see cref="MeterName"/>): how old a reading is when its twin
/// applies it, which is the latency from a device's publish to the twin when the device's clock is
/// right, and what the silence watch holds.
/// </summary>
public sealed class DeviceMetrics
{
    public const string MeterName = "CityOps.Devices";

    private readonly Histogram<double> _readingAge;
    private readonly Counter<long> _detections;

    public DeviceMetrics(IMeterFactory meterFactory, SilenceWatch silence)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(silence);
        var meter = meterFactory.Create(MeterName);
        _readingAge = meter.CreateHistogram<double>(
            "cityops.twin.reading_age",
            "ms",
            "Age of a reading (now minus its timestamp) when its twin applies it",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000] });
        _detections = meter.CreateCounter<long>(
            "cityops.twin.detections", "{detection}", "Video AI detections by kind and what became of them (raised, belowThreshold, repeated)");
        meter.CreateObservableGauge("cityops.twin.silence_watched", () => silence.Count, "{device}", "Online devices whose silence this silo watches");
    }

    public void Detected(string kind, Interfaces.Devices.DetectionOutcome outcome) =>
        _detections.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", OutcomeNames[(int)outcome]));

    private static readonly string[] OutcomeNames = ["raised", "belowThreshold", "repeated"];

    public void ReadingApplied(DateTimeOffset measuredAt, DateTimeOffset now) =>
        _readingAge.Record(Math.Max(0, (now - measuredAt).TotalMilliseconds));
}
