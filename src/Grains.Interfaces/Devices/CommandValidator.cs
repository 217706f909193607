using System.Text.Json;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// Whether a device may be sent a downlink command: the device must take it (<see cref="DeviceCommands"/>:
/// its kind, a pole's module, a camera's presets) and the arguments must be what the command reads.
/// </summary>
public static class CommandValidator
{
    /// <summary>Null when the device takes the command as given; otherwise what is wrong with it, or what the device lacks.</summary>
    public static string? Problem(DeviceSnapshot device, string? name, JsonElement args)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Problem(device.Kind, device.Modules, device.Video, name, args);
    }

    /// <summary>
    /// Null when the provisioned device takes the command with these arguments (JSON text); otherwise why not.
    /// What it carries comes from its registration (<see cref="DeviceProfile"/>): a pole's modules, a camera's presets.
    /// </summary>
    public static string? Problem(DeviceProfile device, string? name, string args)
    {
        ArgumentNullException.ThrowIfNull(device);
        try
        {
            using var parsed = JsonDocument.Parse(args);
            return Problem(device.Kind, device.Modules, device.Video, name, parsed.RootElement);
        }
        catch (JsonException)
        {
            return "args must be a JSON object";
        }
    }

    /// <summary>Null when a device of this kind, modules and video record takes the command as given; otherwise why not.</summary>
    public static string? Problem(DeviceKind kind, IReadOnlyCollection<string>? modules, VideoRecord? video, string? name, JsonElement args)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            return "args must be a JSON object";
        }

        if (name is null || !DeviceCommands.Names.Contains(name))
        {
            return $"name must be one of {string.Join(", ", DeviceCommands.Names)}";
        }

        return DeviceCommands.Lacks(kind, modules, video, name) ?? name switch
        {
            DeviceCommands.SetLight => SetLightProblem(args),
            DeviceCommands.Broadcast => BroadcastProblem(args),
            _ => PresetProblem(kind, video, args),
        };
    }

    private static string? SetLightProblem(JsonElement args)
    {
        var any = false;
        foreach (var p in args.EnumerateObject())
        {
            any = true;
            var problem = p.Name switch
            {
                "on" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False => null,
                "level" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var level) && level is >= DeviceCommands.MinLevel and <= DeviceCommands.MaxLevel => null,
                "schedule" when p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.Length <= DeviceCommands.MaxScheduleChars => null,
                "on" => "on must be true or false",
                "level" => $"level must be a whole number from {DeviceCommands.MinLevel} to {DeviceCommands.MaxLevel}",
                "schedule" => "schedule must be a short text such as \"18:00-06:00@60\"",
                _ => $"setLight takes on, level and schedule, not {p.Name}",
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return any ? null : "setLight needs on, level or schedule";
    }

    private static string? BroadcastProblem(JsonElement args)
    {
        if (!args.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String || text.GetString()!.Trim().Length == 0)
        {
            return "broadcast needs a text";
        }

        if (text.GetString()!.Length > DeviceCommands.MaxBroadcastChars)
        {
            return $"broadcast text is limited to {DeviceCommands.MaxBroadcastChars} characters";
        }

        return args.EnumerateObject().Any(p => p.Name is not ("text" or "target")) ? "broadcast takes text and target" : null;
    }

    private static string? PresetProblem(DeviceKind kind, VideoRecord? video, JsonElement args)
    {
        if (!(args.TryGetProperty("preset", out var preset) && preset.ValueKind == JsonValueKind.Number && preset.TryGetInt32(out var n)
            && n is >= DeviceCommands.MinPreset and <= DeviceCommands.MaxPreset && args.EnumerateObject().Count() == 1))
        {
            return $"cameraPreset needs preset, a whole number from {DeviceCommands.MinPreset} to {DeviceCommands.MaxPreset}";
        }

        return DeviceCommands.LacksPreset(kind, video, n);
    }
}
