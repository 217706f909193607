using System.Text.Json;
using CityOps.Grains.Interfaces.City;

namespace CityOps.DashboardHost.Devices;

/// <summary>
/// The downlink commands the engine knows, which device kinds take them and what their arguments
/// must be, so that a device never receives a command it cannot act on.
/// </summary>
public static class CommandValidator
{
    public const int MaxBroadcastChars = 200;

    /// <summary>Null when the command is valid for the kind; otherwise what is wrong with it.</summary>
    public static string? Problem(DeviceKind kind, string? name, JsonElement args)
    {
        if (args.ValueKind != JsonValueKind.Object)
        {
            return "args must be a JSON object";
        }

        return name switch
        {
            "setLight" when kind != DeviceKind.SmartPole => "setLight is for smart poles",
            "setLight" => SetLightProblem(args),
            "broadcast" when kind != DeviceKind.SmartPole => "broadcast is for smart poles (PA and information screen)",
            "broadcast" => BroadcastProblem(args),
            "cameraPreset" when kind is not (DeviceKind.Camera or DeviceKind.SmartPole) => "cameraPreset is for cameras and poles with a camera",
            "cameraPreset" => PresetProblem(args),
            _ => "name must be one of setLight, broadcast, cameraPreset",
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
                "level" when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var level) && level is >= 0 and <= 100 => null,
                "schedule" when p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.Length <= 100 => null,
                "on" => "on must be true or false",
                "level" => "level must be a whole number from 0 to 100",
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

        if (text.GetString()!.Length > MaxBroadcastChars)
        {
            return $"broadcast text is limited to {MaxBroadcastChars} characters";
        }

        return args.EnumerateObject().Any(p => p.Name is not ("text" or "target")) ? "broadcast takes text and target" : null;
    }

    private static string? PresetProblem(JsonElement args) =>
        args.TryGetProperty("preset", out var preset) && preset.ValueKind == JsonValueKind.Number && preset.TryGetInt32(out var n) && n is >= 1 and <= 255 && args.EnumerateObject().Count() == 1
            ? null
            : "cameraPreset needs preset, a whole number from 1 to 255";
}
