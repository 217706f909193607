namespace CityOps.DeviceGateway.Mqtt;

/// <summary>The channels a device uses under <c>{root}/{deviceId}/…</c> (docs/devices.md).</summary>
public enum DeviceChannel
{
    Telemetry,
    Status,
    Alarm,
    Detections,
    Commands,
    CommandAck,
}

/// <summary>A parsed device topic such as <c>city/WL-990101-00017/telemetry</c>.</summary>
public readonly record struct DeviceTopic(string DeviceId, DeviceChannel Channel)
{
    public static bool TryParse(string root, string topic, out DeviceTopic parsed)
    {
        parsed = default;
        var parts = topic.Split('/');
        if (parts.Length is < 3 or > 4 || parts[0] != root || parts[1].Length == 0)
        {
            return false;
        }

        DeviceChannel? channel = (parts.Length, parts[2], parts.Length == 4 ? parts[3] : null) switch
        {
            (3, "telemetry", _) => DeviceChannel.Telemetry,
            (3, "status", _) => DeviceChannel.Status,
            (3, "alarm", _) => DeviceChannel.Alarm,
            (3, "detections", _) => DeviceChannel.Detections,
            (3, "commands", _) => DeviceChannel.Commands,
            (4, "commands", "ack") => DeviceChannel.CommandAck,
            _ => null,
        };
        if (channel is null)
        {
            return false;
        }

        parsed = new DeviceTopic(parts[1], channel.Value);
        return true;
    }

    public static string Format(string root, string deviceId, DeviceChannel channel) => channel switch
    {
        DeviceChannel.CommandAck => $"{root}/{deviceId}/commands/ack",
        _ => $"{root}/{deviceId}/{channel.ToString().ToLowerInvariant()}",
    };
}
