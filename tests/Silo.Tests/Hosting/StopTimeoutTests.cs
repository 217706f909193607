using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>How long a stop may take is the operator's to set, for a city whose twins take longer to write.</summary>
public sealed class StopTimeoutTests
{
    [Fact]
    public async Task A_configured_stop_timeout_is_the_hosts()
    {
        await using var engine = await Engine.StartAsync(new Dictionary<string, string?> { ["Host:ShutdownTimeout"] = "00:04:00" });

        engine.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.Should().Be(TimeSpan.FromMinutes(4));
    }
}
