using CityOps.Grains.Interfaces.City;
using CityOps.Samples.DeviceSimulator;

namespace CityOps.Samples.Tests.DeviceSimulator;

public class RainstormScenarioTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(8));

    private static DeviceModel WaterLevelSensor(string cellCode, bool lowLying, SimulationScenario scenario = SimulationScenario.Rainstorm) =>
        new(new DeviceRecord("WL-1", DeviceKind.WaterLevel, "water level", [115.0, 28.6], cellCode, "s", 60),
            lowLying, scenario, faultRate: 0, new Random(7));

    private static double WaterLevelAt(DeviceModel sensor, TimeSpan elapsed) =>
        sensor.Sample(Noon + elapsed, elapsed)[Metrics.WaterLevelCm];

    [Fact]
    public void Water_level_in_a_low_lying_cell_exceeds_15_cm_at_the_storm_peak()
    {
        var sensor = WaterLevelSensor("360702001001", lowLying: true);

        WaterLevelAt(sensor, RainstormScenario.Peak).Should().BeInRange(30, 44);
    }

    [Fact]
    public void Water_level_in_a_cell_that_is_not_low_lying_stays_below_15_cm()
    {
        var sensor = WaterLevelSensor("360702001001", lowLying: false);

        for (var minute = 0; minute <= 120; minute += 2)
        {
            WaterLevelAt(sensor, TimeSpan.FromMinutes(minute)).Should().BeLessThan(15);
        }
    }

    [Fact]
    public void Water_recedes_after_the_storm()
    {
        var sensor = WaterLevelSensor("360702001001", lowLying: true);
        WaterLevelAt(sensor, RainstormScenario.Peak).Should().BeGreaterThan(15);

        WaterLevelAt(sensor, RainstormScenario.FloodGone + TimeSpan.FromMinutes(10)).Should().BeLessThanOrEqualTo(3);
    }

    [Fact]
    public void Water_level_stays_at_0_to_3_cm_in_dry_weather()
    {
        var sensor = WaterLevelSensor("360702001001", lowLying: true, SimulationScenario.None);

        WaterLevelAt(sensor, RainstormScenario.Peak).Should().BeInRange(0, 3);
    }

    [Fact]
    public void Rain_reaches_40_to_60_mm_per_hour_before_the_water_peaks()
    {
        var rainAtPeak = RainstormScenario.RainMmPerHour(RainstormScenario.RainPeaks, "360702001001");

        rainAtPeak.Should().BeInRange(40, 60);
        RainstormScenario.RainPeaks.Should().BeLessThan(RainstormScenario.FloodPeaks);
    }

    [Fact]
    public void Rain_gauges_read_zero_before_the_storm_and_after_it()
    {
        RainstormScenario.RainMmPerHour(TimeSpan.Zero, "360702001001").Should().Be(0);
        RainstormScenario.RainMmPerHour(RainstormScenario.RainStops, "360702001001").Should().Be(0);
    }

    [Fact]
    public void The_storm_is_the_same_for_the_same_cell_every_run()
    {
        var first = RainstormScenario.StandingWaterCm(RainstormScenario.Peak, "360702001001", lowLying: true);
        var second = RainstormScenario.StandingWaterCm(RainstormScenario.Peak, "360702001001", lowLying: true);

        second.Should().Be(first);
    }
}
