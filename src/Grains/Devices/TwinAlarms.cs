using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Rules;

namespace CityOps.Grains.Devices;

/// <summary>
/// A twin's alarms: thresholds on its readings, the alarms a device raises itself (SOS, detections)
/// and the offline alarm of silence. Works on the twin's stored state and remembers, until the twin
/// stores them, the alarms raised since its last significant write (they may become case reports).
/// A value its twin holds in a field and calls in place (a million twins: no object of its own for each).
/// </summary>
public struct TwinAlarms
{
    /// <summary>The alarm kind of a device that fell silent.</summary>
    public const string OfflineAlarm = "device_offline";

    /// <summary>Bounds the alarms a device raises by itself (SOS, detections), whose kinds it names.</summary>
    public const int MaxEventAlarms = 16;

    private List<DeviceAlarm>? _raised;

    /// <summary>Runs a kind's thresholds for one metric; true when an alarm was raised or cleared.</summary>
    public bool ApplyRules(DeviceTwinState twin, IReadOnlyList<ThresholdRule> rules, string metric, double value, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(rules);
        var changed = false;

        // By index: through the interface a foreach would box an enumerator for every reading.
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule.Metric != metric)
            {
                continue;
            }

            var key = rule.Key;
            var (next, transition) = RuleEvaluator.Evaluate(rule, twin.RuleStateOf(key), value, at);
            twin.SetRuleState(key, next);
            switch (transition)
            {
                case RuleTransition.Raise:
                    Raise(twin, new DeviceAlarm(rule.Alarm, rule.Severity, at, metric, value));
                    changed = true;
                    break;
                case RuleTransition.Clear:
                    changed |= twin.RemoveAlarm(rule.Alarm);
                    break;
            }
        }

        return changed;
    }

    /// <summary>
    /// Raises or repeats an alarm the device reports itself; true when it is new. A detection repeated
    /// while its alarm stands keeps the time it was first raised.
    /// </summary>
    public bool RaiseDeviceEvent(DeviceTwinState twin, string deviceId, DeviceEventReport report)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(report);
        var isNew = !twin.Alarms.TryGetValue(report.Kind, out var standing);
        if (isNew && twin.Alarms.Count(a => a.Value.Metric is null) >= MaxEventAlarms)
        {
            throw new InvalidOperationException($"Device '{deviceId}' already has {MaxEventAlarms} standing alarms of its own.");
        }

        var severity = report.Kind == "sos" ? AlarmSeverity.Critical : AlarmSeverity.Major;
        var alarm = new DeviceAlarm(report.Kind, severity, standing?.RaisedAt ?? report.At, null, report.Confidence);
        if (isNew)
        {
            Raise(twin, alarm);
        }
        else
        {
            twin.Alarms[report.Kind] = alarm;
        }

        return isNew;
    }

    /// <summary>
    /// Raises a detection's alarm anew, also over one that still stands from an earlier window, so that intake hears
    /// of it again (where a case is open, as a duplicate report). Always true: the alarm is new.
    /// </summary>
    public bool RaiseDetection(DeviceTwinState twin, string deviceId, DeviceEventReport detection)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(detection);
        if (!twin.Alarms.ContainsKey(detection.Kind) && twin.Alarms.Count(a => a.Value.Metric is null) >= MaxEventAlarms)
        {
            throw new InvalidOperationException($"Device '{deviceId}' already has {MaxEventAlarms} standing alarms of its own.");
        }

        Raise(twin, new DeviceAlarm(detection.Kind, AlarmSeverity.Major, detection.At, null, detection.Confidence));
        return true;
    }

    /// <summary>
    /// A repeat within its window shows its confidence on the standing alarm, if one stands (a person may have cleared
    /// it); never raises one, so nothing needs storing at once.
    /// </summary>
    public static void Refresh(DeviceTwinState twin, DeviceEventReport detection)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(detection);
        if (twin.Alarms.TryGetValue(detection.Kind, out var standing) && standing.Metric is null && detection.Confidence is { } confidence)
        {
            twin.Alarms[detection.Kind] = standing with { Value = confidence };
        }
    }

    /// <summary>
    /// Clears an alarm the device raised itself; false for any other. Thresholds and silence clear
    /// themselves when readings recover; only the device's own alarms need a person.
    /// </summary>
    public static bool Clear(DeviceTwinState twin, string kind)
    {
        ArgumentNullException.ThrowIfNull(twin);
        if (!twin.Alarms.TryGetValue(kind, out var alarm) || alarm.Metric is not null || kind == OfflineAlarm)
        {
            return false;
        }

        twin.Alarms.Remove(kind);
        return true;
    }

    /// <summary>The device was heard from: clears its offline alarm; true when it was offline until now.</summary>
    public static bool MarkOnline(DeviceTwinState twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var wasSilent = twin.RemoveAlarm(OfflineAlarm);
        if (twin.Online)
        {
            return wasSilent;
        }

        twin.Online = true;
        return true;
    }

    /// <summary>The device went offline, by its own word or (with the alarm) by silence; true when it was online until now.</summary>
    public static bool MarkOffline(DeviceTwinState twin, bool raiseAlarm, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(twin);
        if (raiseAlarm)
        {
            twin.Alarms[OfflineAlarm] = new DeviceAlarm(OfflineAlarm, AlarmSeverity.Minor, now, null, null);
        }

        if (!twin.Online)
        {
            return raiseAlarm;
        }

        twin.Online = false;
        return true;
    }

    /// <summary>How long an online device may stay silent before it is offline: a number of its expected intervals.</summary>
    public static TimeSpan SilenceThreshold(DeviceProfile? profile, double silenceIntervals) =>
        TimeSpan.FromSeconds(Math.Max(1, profile?.ExpectedIntervalSeconds ?? DeviceTwinOptions.DefaultExpectedInterval.TotalSeconds) * silenceIntervals);

    /// <summary>The alarms raised since the last call, to be stored (and reported) with the twin's next write.</summary>
    public IReadOnlyList<DeviceAlarm> TakeRaised()
    {
        if (_raised is not { Count: > 0 } raised)
        {
            return [];
        }

        _raised = null;
        return raised;
    }

    private void Raise(DeviceTwinState twin, DeviceAlarm alarm)
    {
        twin.Alarms[alarm.Kind] = alarm;
        (_raised ??= []).Add(alarm);
    }
}
