using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.City;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>An NB-IoT/LoRa platform connected to the embedded broker with its own account, forwarding its devices' readings.</summary>
[Collection(EngineTests.Name)]
public class EmbeddedAggregatorTests(EngineFixture fixture)
{
    private static readonly AggregatorRecord Aggregator = JsonSerializer.Deserialize<AggregatorRecord[]>(
        File.ReadAllBytes(Path.Combine(Engine.CityPath, "gateways.json")), CityJson.Options)!.Single(a => a.Id == "GW-NBIOT-01");

    private Engine Engine => fixture.Engine;

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    [Fact]
    public async Task An_aggregators_batch_published_with_its_own_credentials_reaches_each_devices_twin()
    {
        var devices = Engine.Devices.Where(d => d.Kind == DeviceKind.RainGauge && d.CellCode.StartsWith("990101", StringComparison.Ordinal)).Take(2).ToList();
        using var client = await Engine.ConnectAsync(Aggregator.Id, Aggregator.Secret);
        var batch = JsonSerializer.Serialize(devices.Select((d, i) => new { deviceId = d.Id, values = new { rainMm = i + 0.5 } }));

        var result = await client.PublishAsync(Message($"city/gw/{Aggregator.Id}/telemetry", batch));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        var token = await Engine.TokenAsync("operator");
        for (var i = 0; i < devices.Count; i++)
        {
            (await Engine.GetDeviceAsync(devices[i].Id, token)).GetProperty("values").GetProperty("rainMm").GetDouble().Should().Be(i + 0.5);
        }
    }

    [Theory]
    [InlineData("city/gw/GW-SOMEONE-ELSE/telemetry")]
    [InlineData("city/WL-990101-00001/telemetry")]
    public async Task An_aggregator_may_publish_only_on_its_own_topic(string topic)
    {
        using var client = await Engine.ConnectAsync(Aggregator.Id, Aggregator.Secret);

        var result = await client.PublishAsync(Message(topic, """[{"deviceId":"WL-990101-00001","values":{"waterLevelCm":1}}]"""));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.NotAuthorized);
    }

    [Fact]
    public async Task An_aggregator_with_a_wrong_secret_is_refused_at_connect()
    {
        (await Engine.TryConnectAsync(Aggregator.Id, Aggregator.Secret + "x")).Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
    }
}
