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
}

/// <summary>One entry of <c>devices.json</c>. The secret is in clear only in sample files; the engine keeps a hash.</summary>
public sealed record DeviceRecord(
    string Id,
    DeviceKind Kind,
    string Name,
    double[] Location,
    string CellCode,
    string Secret,
    int ExpectedIntervalSeconds);

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
