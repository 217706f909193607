using System.Net;
using CityOps.Grains.Interfaces.City;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>A device's telemetry over a real MQTT connection, through the gateway, into its twin and out of the API.</summary>
[Collection(EngineTests.Name)]
public class TelemetryPathTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    [Fact]
    public async Task A_reading_published_by_a_device_is_shown_by_the_device_api()
    {
        var device = Engine.Device(DeviceKind.WaterLevel, 0);
        using var client = await Engine.ConnectDeviceAsync(device);

        var result = await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"waterLevelCm":3.5}}"""));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        var twin = await Engine.GetDeviceAsync(device.Id, await Engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("waterLevelCm").GetDouble().Should().Be(3.5);
        twin.GetProperty("online").GetBoolean().Should().BeTrue();
        twin.GetProperty("cellCode").GetString().Should().Be(device.CellCode);
        twin.GetProperty("kind").GetString().Should().Be("waterLevel");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_at_connect()
    {
        var device = Engine.Device(DeviceKind.Gas, 0);

        (await Engine.TryConnectAsync(device.Id, device.Secret + "x")).Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
    }

    [Fact]
    public async Task An_unknown_device_is_refused_at_connect()
    {
        (await Engine.TryConnectAsync("NO-SUCH-DEVICE", "whatever")).Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
    }

    [Fact]
    public async Task A_device_cannot_publish_under_another_devices_topic()
    {
        var intruder = Engine.Device(DeviceKind.Noise, 0);
        var victim = Engine.Device(DeviceKind.WaterLevel, 1);
        using var client = await Engine.ConnectDeviceAsync(intruder);

        var result = await client.PublishAsync(Message($"city/{victim.Id}/telemetry", """{"values":{"waterLevelCm":99}}"""));

        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.NotAuthorized);
        var twin = await Engine.GetDeviceAsync(victim.Id, await Engine.TokenAsync("operator"));
        twin.GetProperty("values").TryGetProperty("waterLevelCm", out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_device_cannot_subscribe_to_another_devices_commands()
    {
        var device = Engine.Device(DeviceKind.SmartPole, 0);
        var other = Engine.Device(DeviceKind.SmartPole, 1);
        using var client = await Engine.ConnectDeviceAsync(device);

        var own = await client.SubscribeAsync($"city/{device.Id}/commands");
        var foreign = await client.SubscribeAsync($"city/{other.Id}/commands");

        own.Items.Single().ResultCode.Should().Be(MqttClientSubscribeResultCode.GrantedQoS0);
        foreign.Items.Single().ResultCode.Should().Be(MqttClientSubscribeResultCode.NotAuthorized);
    }

    [Fact]
    public async Task A_malformed_payload_is_refused_and_the_same_connection_keeps_working()
    {
        var device = Engine.Device(DeviceKind.AirQuality, 0);
        using var client = await Engine.ConnectDeviceAsync(device);

        var bad = await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"pm25":"NaN"}}"""));
        var good = await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"pm25":41}}"""));

        bad.ReasonCode.Should().Be(MqttClientPublishReasonCode.PayloadFormatInvalid);
        good.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        var twin = await Engine.GetDeviceAsync(device.Id, await Engine.TokenAsync("operator"));
        twin.GetProperty("values").GetProperty("pm25").GetDouble().Should().Be(41);
    }

    [Fact]
    public async Task A_device_going_offline_by_its_status_topic_shows_offline()
    {
        var device = Engine.Device(DeviceKind.Manhole, 0);
        using var client = await Engine.ConnectDeviceAsync(device);

        await client.PublishAsync(Message($"city/{device.Id}/status", """{"online":true}"""));
        await client.PublishAsync(Message($"city/{device.Id}/status", """{"online":false}"""));

        var twin = await Engine.GetDeviceAsync(device.Id, await Engine.TokenAsync("operator"));
        twin.GetProperty("online").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task An_unknown_device_id_gets_404_from_the_api()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.GetAsync(new Uri("/api/devices/NO-SUCH-DEVICE", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }
}
