namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// Tells the gateway, without asking a twin, whether a reading may raise a threshold alarm: a value
/// beyond the raise level of any rule on its metric. Such a reading is applied to its twin, and the
/// alarm stored, before the device is acknowledged; every other reading is acknowledged once queued
/// (see <c>TelemetryIntake</c> and docs/reliability.md). Erring towards "may" costs only speed.
/// </summary>
public interface IAlarmThresholds
{
    bool MayRaise(TelemetryReport report);
}
