using System.Globalization;
using System.Security.Cryptography;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using CityOps.Sip;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Sip;

/// <summary>
/// A device's catalog into the city's video channel register (一机一档): each channel becomes a registered device of kind
/// camera, in its registry shard and grid cell, placed where the catalog says (else where its NVR stands), with the media
/// server's URL and, for a PTZ channel, its presets; then its twin takes the catalog's ON/OFF. A channel already registered
/// with the same profile writes nothing. Runs once per catalog page, never per keepalive.
/// </summary>
public sealed class GbChannelRegistrar(IOptions<SipOptions> options, IGrainFactory grains, GbDirectory directory, IServiceProvider services)
{
    private readonly SipOptions _options = options.Value;

    /// <summary>Registers the page's channels; answers how many it took.</summary>
    public async Task<int> RegisterAsync(GbRegistration device, IReadOnlyList<IReadOnlyDictionary<string, string>> items)
    {
        var owner = await DeviceRegistry.Of(grains, device.DeviceId).GetProfile(device.DeviceId);
        var taken = 0;
        foreach (var item in items)
        {
            if (!item.TryGetValue("DeviceID", out var channelId) || !GbCodes.IsValid(channelId) || channelId == device.DeviceId
                || (device.Channels.Count >= _options.MaxChannelsPerDevice && !device.Channels.ContainsKey(channelId))
                || Profile(device, owner, channelId, item) is not { } profile)
            {
                continue;
            }

            var registry = DeviceRegistry.Of(grains, channelId);
            var known = await registry.GetProfile(channelId);
            if (known != profile)
            {
                // Channels never sign in themselves: their secret is random and never shown; only the profile matters.
                var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
                var changes = await registry.Register([new DeviceEnrolment(profile, secret)]);
                await grains.GetGrain<IGridCellGrain>(profile.CellCode).RegisterDevices([new DeviceRegistrant(profile.Id, profile.Kind)]);
                foreach (var change in changes)
                {
                    if (change.PreviousCell is { } previous && previous != profile.CellCode)
                    {
                        await grains.GetGrain<IGridCellGrain>(previous).RemoveDevice(profile.Id);
                    }

                    await DeviceTwins.Get(grains, profile.Kind, profile.Id).Provision(profile);
                }
            }

            directory.AddChannel(device, channelId);
            var online = string.Equals(item.GetValueOrDefault("Status"), "ON", StringComparison.OrdinalIgnoreCase)
                || string.Equals(item.GetValueOrDefault("Status"), "OK", StringComparison.OrdinalIgnoreCase);
            await DeviceTwins.Get(grains, DeviceKind.Camera, channelId).ReportStatus(online, DateTimeOffset.UtcNow);
            taken++;
        }

        return taken;
    }

    private DeviceProfile? Profile(GbRegistration device, DeviceProfile? owner, string channelId, IReadOnlyDictionary<string, string> item)
    {
        var (longitude, latitude) = (Number(item, "Longitude"), Number(item, "Latitude"));
        var placed = longitude is >= -180 and <= 180 && latitude is >= -90 and <= 90 && (longitude, latitude) != (0, 0);
        var (lon, lat) = placed ? (longitude!.Value, latitude!.Value) : owner is not null ? (owner.Longitude, owner.Latitude) : (double.NaN, double.NaN);
        var cell = (placed ? Locate(lon, lat) : null) ?? owner?.CellCode;
        if (cell is null || double.IsNaN(lon))
        {
            return null;
        }

        var name = item.GetValueOrDefault("Name") is { Length: > 0 } n ? n[..Math.Min(n.Length, 64)] : channelId;
        var ptz = item.GetValueOrDefault("PTZType") is "1" or "2";
        var video = new VideoRecord(
            Scene: item.GetValueOrDefault("Address") is { Length: > 0 } address ? address[..Math.Min(address.Length, 64)] : "GB/T 28181",
            Industry: channelId.Substring(8, 2),
            SharingScope: "city",
            StreamUrl: _options.MediaServerUrl.Replace("{channelId}", channelId, StringComparison.Ordinal).Replace("{deviceId}", device.DeviceId, StringComparison.Ordinal),
            Presets: ptz && _options.ChannelPresets > 0 ? [.. Enumerable.Range(DeviceCommands.MinPreset, Math.Min(_options.ChannelPresets, DeviceCommands.MaxPreset))] : null);
        return new DeviceProfile(channelId, DeviceKind.Camera, name, lon, lat, cell, (int)Math.Max(1, _options.KeepaliveInterval.TotalSeconds), video);
    }

    /// <summary>The grid cell of a point, where this process holds the grid (a silo does; a gateway of its own does not).</summary>
    private string? Locate(double longitude, double latitude)
    {
        try
        {
            return (services.GetService(typeof(GridRegistry)) as GridRegistry)?.Current.Locate(longitude, latitude)?.Cell.Code;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static double? Number(IReadOnlyDictionary<string, string> item, string name) =>
        item.TryGetValue(name, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
