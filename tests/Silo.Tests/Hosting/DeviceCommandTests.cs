using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>Commands are accepted only by a device that has what they need, and each device says which it accepts.</summary>
[Collection(EngineTests.Name)]
public class DeviceCommandTests(EngineFixture fixture)
{
    private static readonly double[] SomeWhere = [114.3, 27.6];
    private static readonly string[] BroadcastOnly = [PoleModules.Broadcast];

    private Engine Engine => fixture.Engine;

    private static DeviceRecord Pole(Func<string[], bool> modules) =>
        Engine.Devices.First(d => d.Kind == DeviceKind.SmartPole && modules(d.Modules ?? []));

    private static DeviceRecord PanTiltCamera => Engine.Devices.First(d => d.Kind == DeviceKind.Camera && d.Video?.Presets is { Length: > 0 });

    private async Task<HttpResponseMessage> SendAsync(string deviceId, string name, object args)
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        return await http.PostAsJsonAsync($"/api/devices/{deviceId}/commands", new { name, args });
    }

    private static async Task<string> TitleAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()!;

    [Fact]
    public async Task A_pole_without_a_pa_speaker_refuses_broadcast_naming_what_it_lacks()
    {
        var pole = Pole(m => !m.Contains(PoleModules.Broadcast));

        var response = await SendAsync(pole.Id, "broadcast", new { text = "前方积水，请绕行" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await TitleAsync(response)).Should().Contain("this pole has no broadcast module");
    }

    [Fact]
    public async Task A_pole_provisioned_without_lighting_refuses_set_light()
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));
        var id = $"POLE-TEST-{Guid.NewGuid():N}"[..24];
        var cell = Engine.Device(DeviceKind.SmartPole).CellCode;
        (await admin.PostAsJsonAsync("/api/devices", new { id, kind = "smartPole", name = "测试灯杆", location = SomeWhere, cellCode = cell, modules = BroadcastOnly }))
            .StatusCode.Should().Be(HttpStatusCode.Created);

        var response = await SendAsync(id, "setLight", new { level = 40 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await TitleAsync(response)).Should().Contain("this pole has no lighting module");
        (await SendAsync(id, "broadcast", new { text = "注意安全" })).StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_camera_turns_to_a_preset_it_has_and_refuses_one_it_does_not()
    {
        var camera = PanTiltCamera;
        var presets = camera.Video!.Presets!;

        var missing = await SendAsync(camera.Id, "cameraPreset", new { preset = presets.Max() + 1 });
        var listed = await SendAsync(camera.Id, "cameraPreset", new { preset = presets[^1] });

        missing.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await TitleAsync(missing)).Should().Be($"this camera has no preset {presets.Max() + 1}; its presets are {string.Join(", ", presets)}");
        listed.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_device_lists_the_commands_it_accepts()
    {
        var token = await Engine.TokenAsync("operator");
        var lightOnly = Pole(m => m.SequenceEqual([PoleModules.Lighting]));
        var full = Pole(m => m.Contains(PoleModules.Broadcast) && m.Contains(PoleModules.Camera));
        var fixedCamera = Engine.Devices.First(d => d.Kind == DeviceKind.Camera && d.Video?.Presets is [] or null);

        Commands(await Engine.GetDeviceAsync(lightOnly.Id, token)).Should().Equal("setLight");
        Commands(await Engine.GetDeviceAsync(full.Id, token)).Should().Equal("setLight", "broadcast", "cameraPreset");
        var camera = await Engine.GetDeviceAsync(PanTiltCamera.Id, token);
        Commands(camera).Should().Equal("cameraPreset");
        camera.GetProperty("video").GetProperty("presets").EnumerateArray().Select(p => p.GetInt32()).Should().Equal(PanTiltCamera.Video!.Presets!);
        Commands(await Engine.GetDeviceAsync(fixedCamera.Id, token)).Should().BeEmpty();
        Commands(await Engine.GetDeviceAsync(Engine.Device(DeviceKind.WaterLevel).Id, token)).Should().BeEmpty();

        static IEnumerable<string?> Commands(JsonElement device) => device.GetProperty("commands").EnumerateArray().Select(c => c.GetString());
    }
}
