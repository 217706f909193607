using CityOps.Grains.Interfaces.City;
using CityOps.Samples.DeviceSimulator;

namespace CityOps.Samples.Tests.DeviceSimulator;

public class DeviceModelTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(8));

    private static DeviceModel Model(DeviceKind kind, double faultRate = 0, int seed = 1) =>
        new(new DeviceRecord($"{kind}-1", kind, kind.ToString(), [115.0, 28.6], "360702001001", "s", 60),
            lowLying: false, SimulationScenario.None, faultRate, new Random(seed));

    [Theory]
    [InlineData(DeviceKind.WaterLevel)]
    [InlineData(DeviceKind.Manhole)]
    [InlineData(DeviceKind.Gas)]
    [InlineData(DeviceKind.Hydrant)]
    [InlineData(DeviceKind.RainGauge)]
    public void Battery_never_rises_and_never_drops_below_zero(DeviceKind kind)
    {
        var model = Model(kind, faultRate: 0.2);
        var previous = double.MaxValue;

        for (var day = 0; day <= 2000; day += 5)
        {
            var elapsed = TimeSpan.FromDays(day);
            var battery = model.Sample(Start + elapsed, elapsed)[Metrics.Battery];

            battery.Should().BeLessThanOrEqualTo(previous).And.BeGreaterThanOrEqualTo(0);
            previous = battery;
        }

        previous.Should().Be(0, "years without a battery change empty any battery");
    }

    [Theory]
    [InlineData(DeviceKind.SmartPole)]
    [InlineData(DeviceKind.Camera)]
    [InlineData(DeviceKind.AirQuality)]
    [InlineData(DeviceKind.Noise)]
    public void Mains_powered_devices_report_no_battery(DeviceKind kind)
    {
        Model(kind).Sample(Start, TimeSpan.Zero).Should().NotContainKey(Metrics.Battery);
    }

    [Theory]
    [InlineData(DeviceKind.WaterLevel, "waterLevelCm", 0, 3)]
    [InlineData(DeviceKind.Manhole, "tiltDeg", 0, 2)]
    [InlineData(DeviceKind.Gas, "gasLel", 0, 3)]
    [InlineData(DeviceKind.Hydrant, "pressureMpa", 0.25, 0.4)]
    [InlineData(DeviceKind.RainGauge, "rainMm", 0, 0)]
    public void Healthy_sensors_read_within_their_normal_range_in_dry_weather(DeviceKind kind, string metric, double min, double max)
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var model = Model(kind, seed: seed);
            for (var hour = 0; hour < 24; hour++)
            {
                var elapsed = TimeSpan.FromHours(hour);
                model.Sample(Start + elapsed, elapsed)[metric].Should().BeInRange(min, max);
            }
        }
    }

    [Fact]
    public void Smart_pole_reports_its_light_and_environment_module()
    {
        Model(DeviceKind.SmartPole).Sample(Start, TimeSpan.Zero).Keys.Should().BeEquivalentTo(
            Metrics.LightLevel, Metrics.Pm25, Metrics.Pm10, Metrics.TemperatureC, Metrics.HumidityPct, Metrics.NoiseDb);
    }

    [Fact]
    public void Set_light_overrides_the_schedule_until_its_next_phase()
    {
        var pole = Model(DeviceKind.SmartPole);
        var evening = Start.AddHours(20);

        pole.SetLight(30, evening).Should().BeTrue();

        pole.LightLevel(evening.AddHours(1)).Should().Be(30);
        pole.LightLevel(evening.AddHours(4)).Should().Be(40, "late at night the schedule dims the light again");
        pole.LightLevel(evening.AddHours(16)).Should().Be(0, "the override is gone by day");
    }

    [Fact]
    public void Set_light_is_refused_by_devices_without_a_light()
    {
        Model(DeviceKind.Gas).SetLight(50, Start).Should().BeFalse();
    }

    [Fact]
    public void A_stuck_sensor_repeats_its_last_reading_for_several_reports()
    {
        var model = Model(DeviceKind.Hydrant, faultRate: 1);
        var readings = Enumerable.Range(0, 30)
            .Select(i => model.Sample(Start.AddMinutes(i), TimeSpan.FromMinutes(i))[Metrics.PressureMpa])
            .ToList();

        var longestRun = 1;
        var run = 1;
        for (var i = 1; i < readings.Count; i++)
        {
            run = readings[i] == readings[i - 1] ? run + 1 : 1;
            longestRun = Math.Max(longestRun, run);
        }

        longestRun.Should().BeGreaterThanOrEqualTo(4);
    }
}
