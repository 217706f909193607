using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using MQTTnet;

namespace CityOps.Silo.Tests.Events;

[Collection(EngineTests.Name)]
public class AlarmIntakeTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task A_water_level_breach_over_mqtt_becomes_a_registered_case_dispatched_to_the_water_department()
    {
        // A device no other test raises an alarm on.
        var device = Engine.Device(DeviceKind.WaterLevel, 12);
        using var mqtt = await Engine.ConnectDeviceAsync(device);
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"city/{device.Id}/telemetry")
            .WithPayload(Encoding.UTF8.GetBytes("""{"values":{"waterLevelCm":31.5}}"""))
            .Build());

        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        JsonElement found = default;
        await CaseClient.EventuallyAsync(async () =>
        {
            var cases = await http.GetFromJsonAsync<JsonElement>($"/api/events?region={device.CellCode[..6]}&category=waterlogging");
            found = cases.EnumerateArray().FirstOrDefault(c => c.GetProperty("cellCode").GetString() == device.CellCode);
            return found.ValueKind == JsonValueKind.Object;
        });

        found.GetProperty("state").GetString().Should().Be("dispatched");
        found.GetProperty("department").GetString().Should().Be(device.CellCode.StartsWith("990102", StringComparison.Ordinal) ? "urban" : "water");
        found.GetProperty("channel").GetString().Should().Be("sensor");
        var detail = await http.GetFromJsonAsync<JsonElement>($"/api/events/{found.GetProperty("id").GetString()}");
        detail.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()).Should().Equal("report", "register", "dispatch");
        detail.GetProperty("reporter").GetString().Should().Be(device.Id);
    }

    [Fact]
    public async Task A_second_sensor_reporting_the_same_waterlogging_is_counted_on_the_open_case()
    {
        var first = Engine.Devices.Where(d => d.Kind == DeviceKind.WaterLevel).ElementAt(5);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var report = await http.PostAsJsonAsync("/api/events", new { category = "waterlogging", location = first.Location, description = "现场积水" });
        var opened = await report.Content.ReadFromJsonAsync<JsonElement>();
        var again = await http.PostAsJsonAsync("/api/events", new { category = "waterlogging", location = new[] { first.Location[0] + 0.0005, first.Location[1] }, description = "同一处积水" });
        var merged = await again.Content.ReadFromJsonAsync<JsonElement>();

        merged.GetProperty("merged").GetBoolean().Should().BeTrue();
        merged.GetProperty("id").GetString().Should().Be(opened.GetProperty("id").GetString());
        var detail = await http.GetFromJsonAsync<JsonElement>($"/api/events/{opened.GetProperty("id").GetString()}");
        detail.GetProperty("reports").GetInt32().Should().Be(2);
    }
}
