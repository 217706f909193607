using CityOps.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Grains.Tests;

/// <summary>Whether the engine has begun to stop, as grains and the silo's timers ask it.</summary>
public sealed class EngineStoppingTests
{
    [Fact]
    public void An_engine_whose_services_are_still_there_and_not_stopping_has_not_begun_to_stop()
    {
        using var services = new ServiceCollection().BuildServiceProvider();

        EngineStopping.Began(services).Should().BeFalse();
    }

    [Fact]
    public void An_engine_whose_services_are_disposed_has_stopped()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        services.Dispose();

        EngineStopping.Began(services).Should().BeTrue();
    }
}
