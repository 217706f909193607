using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Rules;
using Microsoft.Extensions.Configuration;

namespace CityOps.Grains.Tests.Rules;

public class RuleSetTests
{
    private static RuleSet From(Dictionary<string, string?> settings) =>
        RuleSet.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(RuleSet.Section));

    [Fact]
    public void Rules_are_found_by_the_device_kind_they_are_configured_for()
    {
        var rules = From(new()
        {
            ["Rules:gas:0:metric"] = "gasLel",
            ["Rules:gas:0:above"] = "25",
            ["Rules:gas:0:alarm"] = "gas_leak",
        });

        rules.For(DeviceKind.Gas).Should().ContainSingle().Which.Alarm.Should().Be("gas_leak");
        rules.For(DeviceKind.Noise).Should().BeEmpty();
        rules.Problems().Should().BeEmpty();
    }

    [Fact]
    public void A_misspelt_device_kind_is_reported_rather_than_silently_ignored()
    {
        var rules = From(new()
        {
            ["Rules:waterLevle:0:metric"] = "waterLevelCm",
            ["Rules:waterLevle:0:above"] = "15",
            ["Rules:waterLevle:0:alarm"] = "waterlogging",
        });

        rules.Problems().Should().ContainSingle().Which.Should().Contain("waterLevle").And.Contain("not a device kind");
    }

    [Theory]
    [InlineData(3.5, false)]
    [InlineData(15, false)]
    [InlineData(15.1, true)]
    public void A_reading_may_raise_an_alarm_when_a_rule_on_its_metric_sees_it_beyond_the_raise_level(double waterLevelCm, bool mayRaise)
    {
        var rules = From(new()
        {
            ["Rules:waterLevel:0:metric"] = "waterLevelCm",
            ["Rules:waterLevel:0:above"] = "15",
            ["Rules:waterLevel:0:forSeconds"] = "30",
            ["Rules:waterLevel:0:alarm"] = "waterlogging",
            ["Rules:gas:0:metric"] = "oxygenPct",
            ["Rules:gas:0:below"] = "19.5",
            ["Rules:gas:0:alarm"] = "oxygen_low",
        });

        rules.MayRaise(Reading(("waterLevelCm", waterLevelCm), ("unwatched", 1e6))).Should().Be(mayRaise);
    }

    [Fact]
    public void A_reading_below_a_lower_limit_may_raise_an_alarm_and_one_without_watched_metrics_never()
    {
        var rules = From(new()
        {
            ["Rules:gas:0:metric"] = "oxygenPct",
            ["Rules:gas:0:below"] = "19.5",
            ["Rules:gas:0:alarm"] = "oxygen_low",
        });

        rules.MayRaise(Reading(("oxygenPct", 18))).Should().BeTrue();
        rules.MayRaise(Reading(("oxygenPct", 21))).Should().BeFalse();
        rules.MayRaise(Reading(("benchSentMs", -5))).Should().BeFalse();
    }

    private static CityOps.Grains.Interfaces.Devices.TelemetryReport Reading(params (string Metric, double Value)[] values) =>
        new(DateTimeOffset.UnixEpoch, null, values.ToDictionary(v => v.Metric, v => v.Value));
}
