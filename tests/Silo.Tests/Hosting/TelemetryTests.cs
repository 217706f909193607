using CityOps.Grains.Interfaces.City;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The gateway's counters reach a Prometheus scraper through OpenTelemetry.</summary>
[Collection(EngineTests.Name)]
public class TelemetryTests(EngineFixture fixture)
{
    [Fact]
    public async Task The_metrics_endpoint_exports_the_gateways_counters_by_channel_and_reason()
    {
        var device = Engine.Device(DeviceKind.RainGauge, 1);
        using (var client = await fixture.Engine.ConnectDeviceAsync(device))
        {
            foreach (var payload in new[] { """{"values":{"rainMm":0.5}}""", """{"values":{"rainMm":"wet"}}""" })
            {
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"city/{device.Id}/telemetry").WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
        }

        using var http = fixture.Engine.Http();
        string metrics;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }
        while (!metrics.Contains("reason=\"wrongType\"", StringComparison.Ordinal) && DateTime.UtcNow < deadline && await Pause());

        metrics.Should().Contain("cityops_gateway_messages_accepted").And.Contain("channel=\"Telemetry\"").And.Contain("reason=\"wrongType\"");
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(500);
        return true;
    }
}
