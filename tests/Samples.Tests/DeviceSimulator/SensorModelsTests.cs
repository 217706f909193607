using CityOps.Samples.DeviceSimulator;

namespace CityOps.Samples.Tests.DeviceSimulator;

public class SensorModelsTests
{
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    private static DateTimeOffset At(int hour, int minute = 0) => new(2026, 11, 23, hour, minute, 0, ChinaStandardTime);

    [Fact]
    public void Pm25_is_higher_in_the_morning_rush_hour_than_in_the_afternoon()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);

            var morning = SensorModels.Pm25(At(8), rainMmPerHour: 0, siteFactor: 1, random);
            var afternoon = SensorModels.Pm25(At(14), rainMmPerHour: 0, siteFactor: 1, random);

            morning.Should().BeGreaterThan(afternoon);
        }
    }

    [Fact]
    public void Pm25_is_higher_during_a_night_inversion_than_in_the_afternoon()
    {
        SensorModels.Pm25Mean(3).Should().BeGreaterThan(SensorModels.Pm25Mean(14) * 1.3);
    }

    [Fact]
    public void Pm10_is_1_3_to_1_8_times_pm25()
    {
        var random = new Random(1);

        var pm10 = SensorModels.Pm10(pm25: 100, coarseRatio: 1.5, random);

        pm10.Should().BeInRange(130, 180);
    }

    [Fact]
    public void Noise_is_quieter_at_3am_than_at_the_evening_rush_hour()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);

            var night = SensorModels.NoiseDb(At(3), siteOffsetDb: 0, random);
            var rushHour = SensorModels.NoiseDb(At(18), siteOffsetDb: 0, random);

            night.Should().BeLessThan(rushHour);
            rushHour.Should().BeInRange(63, 72);
        }
    }

    [Theory]
    [InlineData(12, 0)]
    [InlineData(20, 100)]
    [InlineData(2, 40)]
    [InlineData(5, 100)]
    public void Smart_pole_lights_are_off_by_day_on_at_dusk_and_dimmed_late_at_night(int hour, int expectedLevel)
    {
        SensorModels.LightLevel(SensorModels.LightPhaseAt(At(hour))).Should().Be(expectedLevel);
    }

    [Fact]
    public void Rain_gauge_reads_zero_in_dry_weather()
    {
        SensorModels.RainMm(rainMmPerHour: 0, new Random(1)).Should().Be(0);
    }

    [Fact]
    public void Battery_drains_but_never_below_zero()
    {
        SensorModels.DrainBattery(levelPct: 3, TimeSpan.FromDays(10), percentPerDay: 1).Should().Be(0);
    }
}
