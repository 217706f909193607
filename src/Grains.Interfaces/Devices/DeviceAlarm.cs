namespace CityOps.Grains.Interfaces.Devices;

/// <summary>How serious an alarm is; the grid's health levels are derived from these.</summary>
public enum AlarmSeverity
{
    Minor,
    Major,
    Critical,
}

/// <summary>An alarm a device raised and that is still active (thresholds, SOS, video detections, offline).</summary>
/// <param name="Kind">The alarm kind, matching the catalogue's <c>alarmKinds</c> (e.g. <c>waterlogging</c>, <c>sos</c>).</param>
[GenerateSerializer, Immutable]
public sealed record DeviceAlarm(
    [property: Id(0)] string Kind,
    [property: Id(1)] AlarmSeverity Severity,
    [property: Id(2)] DateTimeOffset RaisedAt,
    [property: Id(3)] string? Metric,
    [property: Id(4)] double? Value);
