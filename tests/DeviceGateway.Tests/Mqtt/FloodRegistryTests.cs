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
    public void A_throttled_device_passes_again_as_its_budget_refills_at_its_expected_rate()
    {
        var clock = new FixedClock(DateTimeOffset.Parse("2026-11-22T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var registry = new FloodRegistry(clock);
        Enumerable.Range(0, FloodGuard.Burst).Should().OnlyContain(_ => registry.TryPass("WL-1", 60));

        // Twenty messages an expected interval of 60 s would be one every 3 s; the budget never refills slower than one a second.
        clock.Advance(TimeSpan.FromSeconds(1));

        registry.TryPass("WL-1", 60).Should().BeTrue();
        registry.TryPass("WL-1", 60).Should().BeFalse();
    }

    [Fact]
    public void A_full_table_forgets_the_budgets_that_have_refilled_and_keeps_a_device_still_throttled()
    {
        var clock = new FixedClock(DateTimeOffset.Parse("2026-11-22T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var registry = new FloodRegistry(clock);
        Enumerable.Range(0, FloodGuard.Burst).Should().OnlyContain(_ => registry.TryPass("FLOODER", 3600));
        for (var i = 1; i < FloodRegistry.Capacity; i++)
        {
            registry.TryPass($"D{i}", 60);
        }

        registry.Count.Should().Be(FloodRegistry.Capacity);
        clock.Advance(TimeSpan.FromSeconds(1));

        registry.TryPass("NEWCOMER", 60).Should().BeTrue();

        registry.Count.Should().Be(2, "only the flooder's spent budget and the newcomer's are worth keeping");
        registry.TryPass("FLOODER", 3600).Should().BeTrue("its budget refilled by one in the second that passed");
        registry.TryPass("FLOODER", 3600).Should().BeFalse("it is still throttled, not started again from a full bucket");
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
