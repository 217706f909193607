using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityOps.Grains.Interfaces.City;

/// <summary>The kinds of field device the engine knows; the JSON names are the camelCase member names.</summary>
public enum DeviceKind
{
    SmartPole,
    Camera,
    WaterLevel,
    Manhole,
    Gas,
    AirQuality,
    Noise,
    RainGauge,
    Hydrant,

    /// <summary>A network video recorder (硬盘录像机) or other GB/T 28181 device that registers over SIP for its channels.</summary>
    Nvr,
}

/// <summary>One entry of <c>devices.json</c>. The secret is in clear only in sample files; the engine keeps a hash.</summary>
/// <param name="Video">For cameras: the channel's 一机一档 record.</param>
/// <param name="Modules">For smart poles: which modules the pole carries (多杆合一).</param>
public sealed record DeviceRecord(
    string Id,
    DeviceKind Kind,
    string Name,
    double[] Location,
    string CellCode,
    string Secret,
    int ExpectedIntervalSeconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VideoRecord? Video = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? Modules = null);

/// <summary>
/// A video channel's record (一机一档): the scene it watches, the industry that owns it, who may
/// see it, where its live stream is pulled from, and the preset positions it can be turned to.
/// </summary>
/// <param name="Presets">The preset numbers (1–255) the camera has; none for a fixed camera or a record that lists none.</param>
[GenerateSerializer, Immutable]
public sealed record VideoRecord(
    [property: Id(0)] string Scene,
    [property: Id(1)] string Industry,
    [property: Id(2)] string SharingScope,
    [property: Id(3)] string StreamUrl,
    [property: Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int[]? Presets = null)
{
    /// <summary>Whether the camera has the preset.</summary>
    public bool HasPreset(int preset) => Presets is { } presets && presets.Contains(preset);

    /// <summary>By value, presets included, so provisioning the same record again changes nothing.</summary>
    public bool Equals(VideoRecord? other) =>
        other is not null
        && (Scene, Industry, SharingScope, StreamUrl) == (other.Scene, other.Industry, other.SharingScope, other.StreamUrl)
        && (Presets ?? []).SequenceEqual(other.Presets ?? []);

    public override int GetHashCode() => HashCode.Combine(Scene, Industry, SharingScope, StreamUrl, Presets?.Length ?? 0);
}

/// <summary>The modules a smart pole may carry, by their API names.</summary>
public static class PoleModules
{
    public const string Lighting = "lighting";
    public const string Environment = "environment";
    public const string Camera = "camera";
    public const string Broadcast = "broadcast";
    public const string Display = "display";
    public const string Sos = "sos";
    public const string EvCharger = "evCharger";
    public const string Wireless = "wifi5g";

    public static IReadOnlyList<string> All { get; } = [Lighting, Environment, Camera, Broadcast, Display, Sos, EvCharger, Wireless];
}

/// <summary>One entry of <c>departments.json</c>: a department that owns and handles cases.</summary>
public sealed record DepartmentRecord(string Code, string Name, string NameEn);

/// <summary>Time limits of one catalogue category, per lifecycle stage, in minutes.</summary>
public sealed record StageLimits(int RegisterMinutes, int DispatchMinutes, int HandleMinutes, int VerifyMinutes);

/// <summary>One category of <c>catalogue.json</c> (GB/T 30428.2 families extended with IoT and video kinds).</summary>
public sealed record CatalogueCategory(
    string Code,
    string Name,
    string NameEn,
    string Family,
    string Group,
    string Urgency,
    StageLimits Limits,
    bool AutoRegister,
    bool AutoDispatch,
    string[] AlarmKinds);

/// <summary>One row of the responsibility list (权责清单): who handles a category in a region.</summary>
public sealed record ResponsibilityRecord(string Category, string Region, string Department);

/// <summary>One entry of <c>users.json</c>; the password is in clear only in sample files.</summary>
public sealed record UserRecord(
    string Username,
    string Password,
    string DisplayName,
    string[] Roles,
    string[] Regions,
    string? Department);

/// <summary>The JSON conventions of the city files: camelCase, enums as camelCase strings.</summary>
public static class CityJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

/// <summary>
/// One entry of the sample city's <c>gb28181.json</c>: a GB/T 28181 video recorder (registered in <c>devices.json</c> as
/// kind <c>nvr</c>) and the channels it carries, as the simulator plays them. The engine does not read this file: it learns
/// a recorder's channels from its catalog once the recorder registers over SIP.
/// </summary>
public sealed record GbRecorderRecord(string Id, GbChannelRecord[] Channels);

/// <summary>A channel of a sample GB/T 28181 recorder: its code, name, position and whether it turns (PTZ, with presets).</summary>
public sealed record GbChannelRecord(string Id, string Name, double[] Location, bool Ptz);
