using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

/// <summary>What a twin shows the situation feeds, without a cluster.</summary>
public class TwinViewsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly DeviceProfile Pole = new("pole-1", DeviceKind.SmartPole, "灯杆", 114.3, 27.6, "9901010010010001", 60);

    [Fact]
    public void An_alarm_is_announced_as_raised_once()
    {
        var twin = new DeviceTwinState();
        var views = new TwinViews();
        twin.Alarms["sos"] = new DeviceAlarm("sos", AlarmSeverity.Critical, T0, null, null);

        var first = views.Situation(twin, Pole);
        var second = views.Situation(twin, Pole);

        first.Raised.Should().ContainSingle().Which.Kind.Should().Be("sos");
        first.Device.AlarmsChanged.Should().BeTrue();
        second.Raised.Should().BeNull();
        second.Device.AlarmsChanged.Should().BeFalse();
    }

    [Fact]
    public void A_cleared_alarm_changes_the_alarms_without_raising_any()
    {
        var twin = new DeviceTwinState();
        twin.Alarms["sos"] = new DeviceAlarm("sos", AlarmSeverity.Critical, T0, null, null);
        var views = new TwinViews();
        views.AnnouncedAll(twin);

        twin.Alarms.Clear();
        var (device, raised) = views.Situation(twin, Pole);

        raised.Should().BeNull();
        device.AlarmsChanged.Should().BeTrue();
    }
}
