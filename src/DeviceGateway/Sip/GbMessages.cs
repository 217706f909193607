using System.Globalization;
using CityOps.DeviceGateway.Mqtt;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Sip;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Sip;

/// <summary>
/// What a registered device's MANSCDP documents do in the engine: Keepalive keeps its channels' twins online (their
/// silence watch takes them offline when keepalives stop); Alarm becomes a detection on the channel through the same
/// entry as MQTT detections (<see cref="DeviceMessageHandler.ReportDetectionAsync"/>); Catalog fills the channel register
/// (<see cref="GbChannelRegistrar"/>); DeviceInfo and DeviceStatus are kept with the registration; a DeviceControl
/// Response settles its command. Also the queries the access point sends after a registration, and commands.
/// </summary>
public sealed class GbMessages(
    IOptions<SipOptions> options, IGrainFactory grains, GbRequests requests, GbChannelRegistrar registrar, TimeProvider clock)
{
    private readonly SipOptions _options = options.Value;

    /// <summary>Null when handled; otherwise why not.</summary>
    public async Task<(SipRefusal Reason, string Detail)?> HandleAsync(GbRegistration device, ManscdpDocument document)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(document);
        switch (document.Root, document.CmdType)
        {
            case ("Notify", "Keepalive"):
                KeepAlive(device);
                return null;
            case ("Notify", "Alarm"):
                return await AlarmAsync(device, document);
            case ("Response", "Catalog"):
                await registrar.RegisterAsync(device, document.Items);
                return null;
            case ("Response", "DeviceInfo"):
            case ("Response", "DeviceStatus"):
                var info = new Dictionary<string, string>(device.Info, StringComparer.Ordinal);
                foreach (var (name, value) in document.Fields.Where(f => f.Key is not ("CmdType" or "SN" or "DeviceID")).Take(32))
                {
                    info[name] = value;
                }

                device.Info = info;
                return null;
            case ("Response", "DeviceControl"):
                await requests.OnControlResultAsync(device.DeviceId, document.Sn, document.Field("Result"));
                return null;
            default:
                return (SipRefusal.Unsupported, $"{document.Root}/{document.CmdType}");
        }
    }

    /// <summary>Asks a device that just registered for its catalog, its information and its status.</summary>
    public async Task QueryDeviceAsync(GbRegistration device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        await requests.SendAsync(device, "Query", "Catalog", device.DeviceId, null, cancellationToken);
        await requests.SendAsync(device, "Query", "DeviceInfo", device.DeviceId, null, cancellationToken);
        await requests.SendAsync(device, "Query", "DeviceStatus", device.DeviceId, null, cancellationToken);
    }

    /// <summary>
    /// Sends a twin's command to the channel's device as a DeviceControl (a preset call as PTZCmd); false when no device
    /// registered here carries the channel, or the command is not one a GB channel takes.
    /// </summary>
    public async Task<bool> DeliverAsync(GbRegistration device, string channelId, DeviceCommand command)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(command);
        if (command.Name != DeviceCommands.CameraPreset || Preset(command.Args) is not { } preset)
        {
            return false;
        }

        var ptz = PtzCommand.Preset(PtzCommand.CallPreset, preset);
        await requests.SendAsync(device, "Control", "DeviceControl", channelId, w => w.WriteElementString("PTZCmd", ptz), CancellationToken.None,
            new PendingCommand(channelId, command.Id, default));
        return true;
    }

    private void KeepAlive(GbRegistration device)
    {
        var now = clock.GetUtcNow();
        var twins = device.Channels.Keys.Select(c => DeviceTwins.Get(grains, DeviceKind.Camera, c)).Append(DeviceTwins.Get(grains, device.Kind, device.DeviceId)).ToList();

        // After the device's 200 OK and not awaited: a keepalive is a minute's news for each channel, never a wait for it.
        _ = Parallel.ForEachAsync(twins, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (twin, _) =>
        {
            try
            {
                await twin.ReportStatus(true, now);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A twin that cannot be reached now is reached by the next keepalive; its silence watch stands meanwhile.
            }
        });
    }

    private async Task<(SipRefusal Reason, string Detail)?> AlarmAsync(GbRegistration device, ManscdpDocument document)
    {
        var channelId = document.DeviceId ?? "";
        if (!device.Channels.ContainsKey(channelId))
        {
            return (SipRefusal.UnmappedAlarm, $"'{channelId}' is not a channel of {device.DeviceId}");
        }

        if (GbAlarms.DetectionKind(document) is not { } kind)
        {
            return (SipRefusal.UnmappedAlarm, $"method {document.Field("AlarmMethod")} type {document.Field("AlarmType")}");
        }

        var report = new DeviceEventReport(kind, clock.GetUtcNow(), GbAlarms.Confidence(document), null);
        await DeviceMessageHandler.ReportDetectionAsync(DeviceTwins.Get(grains, DeviceKind.Camera, channelId), report);
        return null;
    }

    private static int? Preset(string args)
    {
        using var json = System.Text.Json.JsonDocument.Parse(args);
        return json.RootElement.TryGetProperty("preset", out var value) && value.TryGetInt32(out var preset) && preset is >= DeviceCommands.MinPreset and <= DeviceCommands.MaxPreset
            ? preset
            : null;
    }

    /// <summary>The configured keepalive interval in whole seconds, at least one.</summary>
    public int KeepaliveSeconds => (int)Math.Max(1, _options.KeepaliveInterval.TotalSeconds);
}

/// <summary>
/// Which GB/T 28181 alarm notifications are video detections, and of which kind: an <c>AlarmDescription</c> that names a
/// detection kind a camera may report (<see cref="DeviceEventKinds"/>) as AI boxes send it; otherwise a video alarm
/// (<c>AlarmMethod</c> 5) of <c>AlarmType</c> 10, density detection (密度检测), is crowding. Anything else maps to none.
/// </summary>
public static class GbAlarms
{
    public static string? DetectionKind(ManscdpDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Field("AlarmDescription")?.Trim() is { Length: > 0 } description && DeviceEventKinds.MayDetect(DeviceKind.Camera, description))
        {
            return description;
        }

        return (document.Field("AlarmMethod"), document.Field("AlarmType")) switch
        {
            ("5", "10") => "crowding",
            _ => null,
        };
    }

    /// <summary>An AI box's confidence (extension element <c>Confidence</c>, 0–1), when it sends one.</summary>
    public static double? Confidence(ManscdpDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return double.TryParse(document.Field("Confidence"), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1 ? value : null;
    }
}
