using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

public class CommandValidatorTests
{
    private static readonly string[] FullPole = [.. PoleModules.All];
    private static readonly VideoRecord PanTilt = new("路口", "交通", "全市共享", "rtsp://127.0.0.1/1", [1, 2, 3]);
    private static readonly VideoRecord Fixed = new("路口", "交通", "全市共享", "rtsp://127.0.0.1/2", []);

    private static JsonElement Args(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void A_pole_without_a_pa_speaker_refuses_broadcast_naming_the_module()
    {
        var problem = CommandValidator.Problem(DeviceKind.SmartPole, [PoleModules.Lighting, PoleModules.Display], null, "broadcast", Args("""{"text":"前方积水"}"""));

        problem.Should().Be("broadcast needs a PA speaker (the broadcast module); this pole has no broadcast module (its modules: lighting, display)");
    }

    [Fact]
    public void A_pole_without_lighting_refuses_set_light()
    {
        CommandValidator.Problem(DeviceKind.SmartPole, [PoleModules.Broadcast], null, "setLight", Args("""{"level":40}"""))
            .Should().Contain("this pole has no lighting module");
        CommandValidator.Problem(DeviceKind.SmartPole, null, null, "setLight", Args("""{"level":40}"""))
            .Should().Contain("its modules: none");
    }

    [Fact]
    public void A_pole_with_the_modules_takes_every_command()
    {
        CommandValidator.Problem(DeviceKind.SmartPole, FullPole, null, "setLight", Args("""{"on":true,"level":40}""")).Should().BeNull();
        CommandValidator.Problem(DeviceKind.SmartPole, FullPole, null, "broadcast", Args("""{"text":"前方积水"}""")).Should().BeNull();
        CommandValidator.Problem(DeviceKind.SmartPole, FullPole, null, "cameraPreset", Args("""{"preset":9}""")).Should().BeNull();
    }

    [Fact]
    public void A_camera_turns_only_to_a_preset_its_record_lists()
    {
        CommandValidator.Problem(DeviceKind.Camera, null, PanTilt, "cameraPreset", Args("""{"preset":2}""")).Should().BeNull();
        CommandValidator.Problem(DeviceKind.Camera, null, PanTilt, "cameraPreset", Args("""{"preset":7}"""))
            .Should().Be("this camera has no preset 7; its presets are 1, 2, 3");
        CommandValidator.Problem(DeviceKind.Camera, null, Fixed, "cameraPreset", Args("""{"preset":1}"""))
            .Should().Be("cameraPreset needs a camera with presets; this camera's record lists none");
    }

    [Fact]
    public void A_command_for_another_kind_names_the_kinds_that_take_it()
    {
        CommandValidator.Problem(DeviceKind.WaterLevel, null, null, "cameraPreset", Args("""{"preset":1}"""))
            .Should().Be("cameraPreset needs a smart pole with a camera module or a camera; this device is a waterLevel");
        CommandValidator.Problem(DeviceKind.Camera, null, PanTilt, "setLight", Args("""{"level":1}"""))
            .Should().Be("setLight needs a smart pole with a lighting module; this device is a camera");
    }

    [Fact]
    public void Arguments_are_still_checked_once_the_device_takes_the_command()
    {
        CommandValidator.Problem(DeviceKind.SmartPole, FullPole, null, "setLight", Args("""{"level":400}""")).Should().Contain("0 to 100");
        CommandValidator.Problem(DeviceKind.Camera, null, PanTilt, "cameraPreset", Args("""{"preset":true}""")).Should().Contain("1 to 255");
        CommandValidator.Problem(DeviceKind.SmartPole, FullPole, null, "launch", Args("{}")).Should().Be("name must be one of setLight, broadcast, cameraPreset");
    }

    [Fact]
    public void The_commands_a_device_accepts_are_those_the_validator_lets_through()
    {
        DeviceCommands.Accepted(DeviceKind.SmartPole, FullPole, null).Should().Equal("setLight", "broadcast", "cameraPreset");
        DeviceCommands.Accepted(DeviceKind.SmartPole, [PoleModules.Lighting, PoleModules.Sos], null).Should().Equal("setLight");
        DeviceCommands.Accepted(DeviceKind.SmartPole, null, null).Should().BeEmpty();
        DeviceCommands.Accepted(DeviceKind.Camera, null, PanTilt).Should().Equal("cameraPreset");
        DeviceCommands.Accepted(DeviceKind.Camera, null, Fixed).Should().BeEmpty();
        DeviceCommands.Accepted(DeviceKind.Gas, null, null).Should().BeEmpty();
    }
}
