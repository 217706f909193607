using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using Orleans.Concurrency;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// Carries an alarm's report from a twin's outbox to case intake and tells the twin when intake has
/// it. The twin sends and goes on: its readings never wait on case work, however busy intake is.
/// </summary>
public interface IAlarmCourierGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Deliver(DeviceKind kind, string deviceId, EventReport report);
}
