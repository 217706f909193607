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
}
