using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Events;

/// <summary>Video AI detections over MQTT to cases, judged by each kind's threshold and window (Detections in src/Silo/appsettings.json).</summary>
[Collection(EngineTests.Name)]
public class DetectionIntakeTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task A_confident_detection_over_mqtt_opens_a_case_and_a_repeat_within_its_window_opens_no_second()
    {
        // Cameras no other test sends detections from; crowding needs 0.7 and holds repeats for 15 minutes.
        var camera = Engine.Device(DeviceKind.Camera, 31);
        using var mqtt = await Engine.ConnectDeviceAsync(camera);
        await PublishAsync(mqtt, camera, """{"kind":"crowding","confidence":0.92}""");
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        var opened = await CaseOfAsync(http, camera, "crowding");

        await PublishAsync(mqtt, camera, """{"kind":"crowding","confidence":0.97}""");

        var device = await Engine.GetDeviceAsync(camera.Id, await Engine.TokenAsync("operator"));
        device.GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("outcome").GetString()).Should().Equal("repeated", "raised");
        var counts = device.GetProperty("detectionCounts").GetProperty("crowding");
        counts.GetProperty("raised").GetInt32().Should().Be(1);
        counts.GetProperty("repeated").GetInt32().Should().Be(1);
        var detail = await http.GetFromJsonAsync<JsonElement>($"/api/events/{opened.GetProperty("id").GetString()}");
        detail.GetProperty("reports").GetInt32().Should().Be(1, "the repeat reached intake neither as a case nor as a duplicate report");
        detail.GetProperty("channel").GetString().Should().Be("video");
        detail.GetProperty("reporter").GetString().Should().Be(camera.Id);
    }

    [Fact]
    public async Task A_detection_below_its_kinds_threshold_is_recorded_on_the_channel_and_opens_no_case()
    {
        // garbage_overflow needs 0.7; street_vending (0.75) is sent after it so that its case shows intake has had both.
        var camera = Engine.Device(DeviceKind.Camera, 32);
        using var mqtt = await Engine.ConnectDeviceAsync(camera);
        await PublishAsync(mqtt, camera, """{"kind":"garbage_overflow","confidence":0.35}""");
        await PublishAsync(mqtt, camera, """{"kind":"street_vending","confidence":0.9}""");
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        await CaseOfAsync(http, camera, "street_vending");

        var device = await Engine.GetDeviceAsync(camera.Id, await Engine.TokenAsync("operator"));
        var below = device.GetProperty("detections").EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "garbage_overflow");
        below.GetProperty("outcome").GetString().Should().Be("belowThreshold");
        below.GetProperty("confidence").GetDouble().Should().Be(0.35);
        device.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("kind").GetString()).Should().Equal("street_vending");
        var garbage = await http.GetFromJsonAsync<JsonElement>($"/api/events?region={camera.CellCode[..6]}&category=garbage_overflow");
        garbage.EnumerateArray().Should().NotContain(c => c.GetProperty("cellCode").GetString() == camera.CellCode);
    }

    private static async Task PublishAsync(IMqttClient mqtt, DeviceRecord camera, string payload)
    {
        var result = await mqtt.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"city/{camera.Id}/detections")
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        result.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
    }

    private static async Task<JsonElement> CaseOfAsync(HttpClient http, DeviceRecord camera, string category)
    {
        JsonElement found = default;
        await CaseClient.EventuallyAsync(async () =>
        {
            var cases = await http.GetFromJsonAsync<JsonElement>($"/api/events?region={camera.CellCode[..6]}&category={category}");
            found = cases.EnumerateArray().FirstOrDefault(c => c.GetProperty("cellCode").GetString() == camera.CellCode);
            return found.ValueKind == JsonValueKind.Object;
        });
        return found;
    }
}
