using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>A detection kind's threshold and de-duplication window (configuration <c>Detections</c>).</summary>
public sealed class DetectionThreshold
{
    /// <summary>A detection less confident than this is recorded on its channel but opens no case.</summary>
    public double MinConfidence { get; set; } = DetectionOptions.DefaultMinConfidence;

    /// <summary>After a detection that raised its alarm, the same kind on the same channel raises nothing for this long.</summary>
    public TimeSpan Window { get; set; } = DetectionOptions.DefaultWindow;
}

/// <summary>
/// The thresholds and windows of video AI detections (configuration section <c>Detections</c>: <c>Default</c>, and
/// <c>Kinds:{kind}</c> for each kind that differs; values in src/Silo/appsettings.json). Read by every twin.
/// </summary>
public sealed class DetectionOptions
{
    public const string Section = "Detections";

    public const double DefaultMinConfidence = 0.6;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>For kinds <see cref="Kinds"/> does not name.</summary>
    public DetectionThreshold Default { get; set; } = new();

    /// <summary>By detection kind (<see cref="DeviceEventKinds"/>).</summary>
    public Dictionary<string, DetectionThreshold> Kinds { get; set; } = new(StringComparer.Ordinal);

    public DetectionThreshold For(string kind) => Kinds.GetValueOrDefault(kind) ?? Default;

    /// <summary>Settings that cannot work, each with its key; empty when all can.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (key, threshold) in Kinds.Select(k => ($"{Section}:Kinds:{k.Key}", k.Value)).Prepend(($"{Section}:Default", Default)))
        {
            if (threshold is null)
            {
                yield return $"{key}: empty";
                continue;
            }

            if (threshold.MinConfidence is < 0 or > 1 || double.IsNaN(threshold.MinConfidence))
            {
                yield return $"{key}:MinConfidence must be between 0 and 1 (detections carry a confidence in [0, 1]).";
            }

            if (threshold.Window < TimeSpan.Zero)
            {
                yield return $"{key}:Window must not be negative.";
            }
        }
    }
}

/// <summary>
/// Whether a video AI detection raises its alarm (and so, where the catalogue says, a case): confident enough for
/// its kind, and not a repeat of the same kind on the same channel within the kind's window. Both transports that
/// carry detections (MQTT <c>detections</c>, and any other that reports through
/// <see cref="IDeviceTwinGrain.ReportDetection"/>) are judged by it.
/// </summary>
public static class DetectionRule
{
    /// <param name="confidence">The detector's confidence in [0, 1]; a detection without one is taken as certain, since the box then decided by itself.</param>
    /// <param name="at">When it was detected.</param>
    /// <param name="lastRaisedAt">When a detection of the same kind on the same channel last raised its alarm, if ever.</param>
    public static DetectionOutcome Decide(DetectionThreshold threshold, double? confidence, DateTimeOffset at, DateTimeOffset? lastRaisedAt)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        if ((confidence ?? 1) < threshold.MinConfidence)
        {
            return DetectionOutcome.BelowThreshold;
        }

        // A detection dated before the last raised one is older news, inside the window too.
        return lastRaisedAt is { } last && at - last < threshold.Window ? DetectionOutcome.Repeated : DetectionOutcome.Raised;
    }
}
