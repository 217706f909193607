using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// A channel's record of its video AI detections: the latest ones with what became of them, counts per kind, and
/// when each kind last raised its alarm (the start of its de-duplication window). Works on the twin's stored state;
/// <see cref="DetectionRule"/> decides.
/// </summary>
public static class TwinDetections
{
    /// <summary>How many of the latest detections a channel shows.</summary>
    public const int Kept = 20;

    /// <summary>Judges a detection and records it; the caller raises the alarm when the outcome is <see cref="DetectionOutcome.Raised"/>.</summary>
    public static DetectionOutcome Record(DeviceTwinState twin, DeviceEventReport detection, DetectionThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(detection);
        if (!twin.DetectionTallies.ContainsKey(detection.Kind) && twin.DetectionTallies.Count >= TwinAlarms.MaxEventAlarms)
        {
            throw new InvalidOperationException($"A channel records at most {TwinAlarms.MaxEventAlarms} kinds of detection.");
        }

        var last = twin.DetectionRaisedAt.TryGetValue(detection.Kind, out var raisedAt) ? raisedAt : (DateTimeOffset?)null;
        var outcome = DetectionRule.Decide(threshold, detection.Confidence, detection.At, last);
        if (outcome == DetectionOutcome.Raised)
        {
            twin.DetectionRaisedAt[detection.Kind] = detection.At;
        }

        twin.Detections.Insert(0, new DetectionRecord(detection.Kind, detection.Confidence, detection.At, outcome));
        if (twin.Detections.Count > Kept)
        {
            twin.Detections.RemoveRange(Kept, twin.Detections.Count - Kept);
        }

        twin.DetectionTallies[detection.Kind] = twin.DetectionTallies.GetValueOrDefault(detection.Kind, DetectionTally.None).Add(outcome);
        return outcome;
    }
}
