using CityOps.Grains.Interfaces.City;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The embedded engine keeps its state in the SQLite file under its data folder across a restart.</summary>
public class RestartTests
{
    [Fact]
    public async Task A_reading_survives_stopping_and_starting_the_engine()
    {
        await using var engine = await Engine.StartAsync();
        var device = Engine.Device(DeviceKind.WaterLevel, 2);
        using (var client = await engine.ConnectDeviceAsync(device))
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"city/{device.Id}/telemetry")
                .WithPayload("""{"values":{"waterLevelCm":3.5}}""")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            await client.DisconnectAsync();
        }

        await engine.StopAsync();
        File.Exists(Path.Combine(engine.DataPath, "cityops.db")).Should().BeTrue();
        await engine.StartAgainAsync();

        var twin = await engine.GetDeviceAsync(device.Id, await engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("waterLevelCm").GetDouble().Should().Be(3.5);
    }

    [Fact]
    public async Task Tokens_stay_valid_across_a_restart_because_the_signing_key_is_kept()
    {
        await using var engine = await Engine.StartAsync();
        var token = await engine.TokenAsync("operator");

        await engine.StopAsync();
        await engine.StartAgainAsync();

        var twin = await engine.GetDeviceAsync(Engine.Device(DeviceKind.Hydrant).Id, token);
        twin.GetProperty("id").GetString().Should().Be(Engine.Device(DeviceKind.Hydrant).Id);
    }
}
