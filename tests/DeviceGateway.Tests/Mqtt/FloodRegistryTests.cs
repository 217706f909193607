using CityOps.DeviceGateway.Mqtt;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.DeviceGateway.Tests.Mqtt;

public class FloodRegistryTests
{
    [Fact]
    public void Every_path_of_one_device_draws_on_one_budget_and_other_devices_keep_their_own()
    {
        var registry = new FloodRegistry(new FixedClock(DateTimeOffset.Parse("2026-11-22T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

        Enumerable.Range(0, FloodGuard.Burst).Should().OnlyContain(_ => registry.TryPass("WL-1", 60));
        registry.TryPass("WL-1", 60).Should().BeFalse();
        registry.TryPass("WL-2", 60).Should().BeTrue();
        registry.Count.Should().Be(2);
    }

    [Fact]
    public void A_device_may_raise_only_its_kinds_alarms_and_detections()
    {
        DeviceEventKinds.MayRaiseAlarm(DeviceKind.SmartPole, "sos").Should().BeTrue();
        DeviceEventKinds.MayRaiseAlarm(DeviceKind.Gas, "sos").Should().BeFalse();
        DeviceEventKinds.MayDetect(DeviceKind.Camera, "illegal_parking").Should().BeTrue();
        DeviceEventKinds.MayDetect(DeviceKind.SmartPole, "illegal_parking").Should().BeFalse();
    }
}
