using CityOps.Samples.DeviceSimulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CityOps.Samples.Tests.DeviceSimulator;

public class ServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddDeviceSimulator(configuration).BuildServiceProvider();
    }

    [Fact]
    public void The_simulator_is_off_when_Simulator_Enabled_is_false()
    {
        using var provider = Build(new() { ["Simulator:Enabled"] = "false" });

        provider.GetServices<IHostedService>().Should().BeEmpty();
    }

    [Fact]
    public void The_simulator_is_on_by_default()
    {
        using var provider = Build([]);

        provider.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeOfType<DeviceSimulatorService>();
    }

    [Fact]
    public void Unset_options_fall_back_to_the_engine_settings()
    {
        using var provider = Build(new() { ["Mqtt:Port"] = "2883", ["City:Path"] = "/cities/ganzhou", ["Simulator:Scenario"] = "rainstorm" });

        var options = provider.GetRequiredService<IOptions<SimulatorOptions>>().Value;

        options.Port.Should().Be(2883);
        options.CityPath.Should().Be("/cities/ganzhou");
        options.TopicRoot.Should().Be("city");
        options.Scenario.Should().Be(SimulationScenario.Rainstorm);
        options.Host.Should().Be("127.0.0.1");
        options.MaxDevices.Should().Be(5000);
    }

    [Fact]
    public void Simulator_settings_win_over_the_engine_settings()
    {
        using var provider = Build(new() { ["Mqtt:Port"] = "2883", ["Simulator:Port"] = "1999" });

        provider.GetRequiredService<IOptions<SimulatorOptions>>().Value.Port.Should().Be(1999);
    }
}
