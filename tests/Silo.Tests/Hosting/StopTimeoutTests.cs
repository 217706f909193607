using CityOps.Silo.Hosting;
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
        await using var engine = await Engine.StartAsync(new Dictionary<string, string?> { [CityOpsHost.ShutdownTimeoutSetting] = "00:04:00" });

        engine.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.Should().Be(TimeSpan.FromMinutes(4));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("four minutes")]
    public async Task A_stop_timeout_that_is_not_a_positive_time_stops_the_start_naming_the_setting(string value)
    {
        var start = () => Engine.StartAsync(new Dictionary<string, string?> { [CityOpsHost.ShutdownTimeoutSetting] = value });

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain(CityOpsHost.ShutdownTimeoutSetting);
    }
}
