using System.Security.Cryptography;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>What an administrator asks to provision: a device's registration data, as sent.</summary>
public sealed record DeviceRegistration(
    string? Id, DeviceKind? Kind, string? Name, double[]? Location, string? CellCode, int? ExpectedIntervalSeconds, VideoRecord? Video, string[]? Modules)
{
    /// <summary>The profile of a registration that passed <see cref="DeviceProvisioning.Problem"/>.</summary>
    public DeviceProfile ToProfile() => new(
        Id!, Kind!.Value, Name!, Location![0], Location[1], CellCode!, ExpectedIntervalSeconds ?? DeviceProvisioning.DefaultExpectedIntervalSeconds, Video, Modules);
}

/// <summary>
/// Provisioning one device outside the city's files (<c>POST /api/devices</c>): which registrations are sound,
/// and the provisioning itself, an account with a fresh secret and the twin's profile.
/// </summary>
public static class DeviceProvisioning
{
    public const int DefaultExpectedIntervalSeconds = 60;

    public const int MaxExpectedIntervalSeconds = 86_400;

    /// <summary>Null when the registration may be provisioned; otherwise what is wrong with it, field by name.</summary>
    public static string? Problem(DeviceRegistration r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r switch
        {
            { Id: null or "" } => "id is required",
            _ when !DeviceIds.IsValid(r.Id) => DeviceIds.Rule("id"),
            { Kind: null } => "kind is required",
            { Kind: { } kind } when !Enum.IsDefined(kind) => "kind is not a known device kind",
            { Name: null or "" } => "name is required",
            { Location: not [_, _] } => "location must be [lon, lat]",
            { Location: [var lon, var lat] } when !double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90 =>
                "location must be a WGS 84 [lon, lat]",
            { CellCode: null } => "cellCode is required",
            _ when GridCodes.LevelOf(r.CellCode!) != GridLevel.Cell => $"cellCode must be a {GridCodes.LengthOf(GridLevel.Cell)}-digit unit grid cell code",
            { ExpectedIntervalSeconds: <= 0 or > MaxExpectedIntervalSeconds } => $"expectedIntervalSeconds must be from 1 to {MaxExpectedIntervalSeconds}",
            { Video: not null, Kind: not DeviceKind.Camera } => "video (一机一档) is for cameras",
            { Video.Presets: { } presets } when presets.Any(p => p is < DeviceCommands.MinPreset or > DeviceCommands.MaxPreset) || presets.Distinct().Count() != presets.Length =>
                $"video.presets must be distinct whole numbers from {DeviceCommands.MinPreset} to {DeviceCommands.MaxPreset}",
            { Modules: not null, Kind: not DeviceKind.SmartPole } => "modules are for smart poles",
            { Modules: { } modules } when modules.Any(m => !PoleModules.All.Contains(m)) => $"modules must be among {string.Join(", ", PoleModules.All)}",
            _ => null,
        };
    }

    /// <summary>
    /// Creates the device's account with a fresh secret and gives its twin the profile; returns the secret, shown
    /// this once, or null when the id is taken (a registered, provisioned or revoked device).
    /// </summary>
    public static async Task<string?> ProvisionAsync(IGrainFactory grains, DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(profile);
        var secret = NewSecret();
        if (!await grains.GetGrain<IDeviceAccountGrain>(profile.Id).TryCreate(profile.Kind, secret))
        {
            return null;
        }

        await DeviceTwins.Get(grains, profile.Kind, profile.Id).Provision(profile);
        return secret;
    }

    /// <summary>A random secret of 144 bits, URL-safe base64 (24 characters).</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
