using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Devices;

/// <summary>
/// Which of a twin's alarms become case reports, and how, and how often a report intake has not
/// confirmed is sent again (see docs/reliability.md, "A twin's outbox").
/// </summary>
public static class AlarmReports
{
    /// <summary>An alarm intake has not confirmed is sent again after this, doubling each time up to <see cref="RetryMax"/>.</summary>
    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan RetryMax = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The report of an alarm whose kind the catalogue ties to a category, or null. The alarm's id is
    /// the report's key, so a report intake already took is taken again as the same one; the time is
    /// the engine's (<paramref name="now"/>), since a device's clock decides no case number or duplicate window.
    /// </summary>
    public static EventReport? For(DeviceProfile profile, DeviceAlarm alarm, CityCatalogue catalogue, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(catalogue);
        if (catalogue.ForAlarm(alarm.Kind) is not { } category)
        {
            return null;
        }

        var description = alarm.Metric is { } metric ? $"{alarm.Kind}: {metric} = {alarm.Value}" : alarm.Kind;
        var channel = profile.Kind == DeviceKind.Camera ? EventChannel.Video : EventChannel.Sensor;
        var location = new EventLocation(profile.Longitude, profile.Latitude, profile.CellCode);
        var key = $"alarm:{profile.Id}:{alarm.Kind}:{alarm.RaisedAt.UtcTicks}";
        return new EventReport(category.Code, location, description, channel, profile.Id, now, Origin: "device:" + profile.Id, IdempotencyKey: key);
    }

    /// <summary>
    /// The wait before the outbox is looked at again after its <paramref name="sends"/>-th send (from 0):
    /// 5 s doubling to 2 min, lengthened by up to a fifth (<paramref name="jitter"/> in [0, 1)), so a storm
    /// of alarms does not flood a busy intake with repeats.
    /// </summary>
    public static TimeSpan RetryDelay(int sends, double jitter)
    {
        var backoff = Retry * Math.Pow(2, Math.Min(sends, 8));
        return (backoff < RetryMax ? backoff : RetryMax) * (1 + (jitter / 5));
    }
}
