using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Situation;

namespace CityOps.Grains.Devices;

/// <summary>
/// What a twin shows: its snapshot (the API's device view) and its situation (a map marker, for the
/// districts' feeds), with the alarms raised since the feeds were last told.
/// </summary>
/// <remarks>A value its twin holds in a field and calls in place (a million twins: no object of its own for each).</remarks>
public struct TwinViews
{
    /// <summary>
    /// The alarms (kind and when raised) the situation feed was last told of, to tell it which are new;
    /// null while none were (most twins), so that such a twin holds no dictionary for it.
    /// </summary>
    private Dictionary<string, DateTimeOffset>? _announced;

    /// <summary>Takes the twin's standing alarms as already told (they were, before it was last deactivated).</summary>
    public void AnnouncedAll(DeviceTwinState twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        _announced = twin.HasAlarms ? twin.Alarms.ToDictionary(a => a.Key, a => a.Value.RaisedAt) : null;
    }

    /// <summary>The twin's situation and the alarms raised since the last call; the alarms now count as told.</summary>
    public (DeviceSituation Device, List<RaisedAlarm>? Raised) Situation(DeviceTwinState twin, DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(profile);
        List<RaisedAlarm>? raised = null;
        if (twin.HasAlarms)
        {
            foreach (var (kind, alarm) in twin.Alarms)
            {
                if (_announced is null || !_announced.TryGetValue(kind, out var raisedAt) || raisedAt != alarm.RaisedAt)
                {
                    (raised ??= []).Add(new RaisedAlarm(profile.Id, alarm.Kind, alarm.Severity, alarm.RaisedAt, profile.CellCode, profile.Longitude, profile.Latitude));
                }
            }
        }

        // Plain loops, not Keys.Any: this runs for every reading, and Keys and a lambda would each be an object.
        var alarmsChanged = raised is not null;
        if (!alarmsChanged && _announced is not null)
        {
            foreach (var (kind, _) in _announced)
            {
                if (!twin.HasAlarm(kind))
                {
                    alarmsChanged = true;
                    break;
                }
            }
        }

        if (alarmsChanged)
        {
            AnnouncedAll(twin);
        }

        var device = new DeviceSituation(
            profile.Id,
            profile.Kind,
            profile.Name,
            profile.Longitude,
            profile.Latitude,
            profile.CellCode,
            twin.Online,
            twin.LastSeen,
            LatestNumbers(twin),
            twin.HasAlarms ? [.. twin.Alarms.Values.OrderBy(a => a.RaisedAt)] : [],
            alarmsChanged);
        return (device, raised);
    }

    /// <summary>The latest value of each metric, without its time: what a map marker shows.</summary>
    private static Dictionary<string, double> LatestNumbers(DeviceTwinState twin)
    {
        var latest = twin.LatestReadings();
        var numbers = new Dictionary<string, double>(latest.Length, StringComparer.Ordinal);
        foreach (var (metric, reading) in latest)
        {
            numbers[metric] = reading.Value;
        }

        return numbers;
    }

    public static DeviceSnapshot Snapshot(DeviceTwinState twin, DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(profile);
        return new DeviceSnapshot(
            profile.Id,
            profile.Kind,
            profile.Name,
            profile.Longitude,
            profile.Latitude,
            profile.CellCode,
            twin.Online,
            twin.LastSeen,
            twin.LatestValues(),
            twin.HasAlarms ? [.. twin.Alarms.Values.OrderBy(a => a.RaisedAt)] : [],
            profile.ExpectedIntervalSeconds,
            profile.Video,
            profile.Modules,
            twin.LatestSnapshot,
            twin.HasDetections ? [.. twin.Detections] : [],
            twin.HasDetections ? new Dictionary<string, DetectionTally>(twin.DetectionTallies) : new Dictionary<string, DetectionTally>());
    }
}
