using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>A downlink command a kind of device takes, and the pole module it needs on a smart pole.</summary>
/// <param name="Module">The <see cref="PoleModules"/> module the pole must carry; null for a kind that is itself the equipment.</param>
public sealed record DeviceCommandDefinition(string Name, DeviceKind Kind, string? Module, string Needs);

/// <summary>
/// Which device takes which downlink command: the one definition the command validator, the device API
/// (each device's <c>commands</c>) and the pages follow. A smart pole takes a command only when it carries
/// the module that acts on it; a camera turns only to a preset its record lists.
/// </summary>
public static class DeviceCommands
{
    public const string SetLight = "setLight";
    public const string Broadcast = "broadcast";
    public const string CameraPreset = "cameraPreset";

    /// <summary>A light's level, in per cent (<see cref="SetLight"/>).</summary>
    public const int MinLevel = 0;

    public const int MaxLevel = 100;

    /// <summary>The longest light schedule text (<see cref="SetLight"/>), e.g. <c>18:00-06:00@60</c>.</summary>
    public const int MaxScheduleChars = 100;

    /// <summary>The longest text a PA speaker reads out (<see cref="Broadcast"/>).</summary>
    public const int MaxBroadcastChars = 200;

    /// <summary>A camera preset's number (<see cref="CameraPreset"/>), also the range a camera's record may list.</summary>
    public const int MinPreset = 1;

    public const int MaxPreset = 255;

    /// <summary>Every command's name, in the order the pages offer them.</summary>
    public static IReadOnlyList<string> Names { get; } = [SetLight, Broadcast, CameraPreset];

    public static IReadOnlyList<DeviceCommandDefinition> Definitions { get; } =
    [
        new(SetLight, DeviceKind.SmartPole, PoleModules.Lighting, "a lighting module"),
        new(Broadcast, DeviceKind.SmartPole, PoleModules.Broadcast, "a PA speaker (the broadcast module)"),
        new(CameraPreset, DeviceKind.SmartPole, PoleModules.Camera, "a camera module"),
        new(CameraPreset, DeviceKind.Camera, null, "a camera"),
    ];

    /// <summary>The commands a device accepts: those of its kind whose module it carries (for a camera, one with presets).</summary>
    public static IReadOnlyList<string> Accepted(DeviceKind kind, IReadOnlyCollection<string>? modules, VideoRecord? video) =>
        [.. Names.Where(name => Lacks(kind, modules, video, name) is null)];

    /// <summary>Null when the device takes the named command (a known one); otherwise what the device lacks.</summary>
    public static string? Lacks(DeviceKind kind, IReadOnlyCollection<string>? modules, VideoRecord? video, string name)
    {
        var definitions = Definitions.Where(d => d.Name == name).ToList();
        if (definitions.FirstOrDefault(d => d.Kind == kind) is not { } definition)
        {
            return $"{name} needs {string.Join(" or ", definitions.Select(d => d.Kind == DeviceKind.SmartPole ? $"a smart pole with {d.Needs}" : d.Needs))}; this device is a {KindName(kind)}";
        }

        if (definition.Module is { } module && !(modules?.Contains(module) ?? false))
        {
            var carried = modules is { Count: > 0 } ? string.Join(", ", modules) : "none";
            return $"{name} needs {definition.Needs}; this pole has no {module} module (its modules: {carried})";
        }

        if (name == CameraPreset && kind == DeviceKind.Camera && video?.Presets is not { Length: > 0 })
        {
            return $"{name} needs a camera with presets; this camera's record lists none";
        }

        return null;
    }

    /// <summary>
    /// Null when the device can be turned to the preset; otherwise why not. A camera has the presets its record
    /// lists; a pole's camera module has no record of them, so any preset number is left to the pole.
    /// </summary>
    public static string? LacksPreset(DeviceKind kind, VideoRecord? video, int preset) =>
        kind != DeviceKind.Camera || (video?.HasPreset(preset) ?? false)
            ? null
            : $"this camera has no preset {preset}; its presets are {string.Join(", ", video?.Presets ?? [])}";

    private static string KindName(DeviceKind kind) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());
}
