namespace CityOps.Grains.Interfaces.Devices;

/// <summary>What a device id and a device's readings may be, wherever they are checked (MQTT payloads, provisioning, twins).</summary>
public static class DeviceIds
{
    public const int MaxLength = 64;

    /// <summary>The most metrics one message carries and one twin keeps.</summary>
    public const int MaxMetrics = 64;

    /// <summary>At most <see cref="MaxLength"/> ASCII letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The rule as a sentence, for refusals.</summary>
    public static string Rule(string field) => $"{field} must be at most {MaxLength} letters, digits, '-', '_' or '.'";
}
