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
    /// <param name="knownDeviceId">The device the connection belongs to, if known: when the topic names it, its id is
    /// used rather than a new string for every message.</param>
    public static bool TryParse(string root, string topic, out DeviceTopic parsed, string? knownDeviceId = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(topic);
        parsed = default;

        // Read in place: this runs for every message a device sends.
        var rest = topic.AsSpan();
        if (!rest.StartsWith(root, StringComparison.Ordinal) || rest.Length <= root.Length || rest[root.Length] != '/')
        {
            return false;
        }

        rest = rest[(root.Length + 1)..];
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var device = rest[..slash];
        var channel = rest[(slash + 1)..] switch
        {
            "telemetry" => DeviceChannel.Telemetry,
            "status" => DeviceChannel.Status,
            "alarm" => DeviceChannel.Alarm,
            "detections" => DeviceChannel.Detections,
            "commands" => DeviceChannel.Commands,
            "commands/ack" => DeviceChannel.CommandAck,
            _ => (DeviceChannel?)null,
        };
        if (channel is null)
        {
            return false;
        }

        parsed = new DeviceTopic(knownDeviceId is not null && device.SequenceEqual(knownDeviceId) ? knownDeviceId : device.ToString(), channel.Value);
        return true;
    }

    public static string Format(string root, string deviceId, DeviceChannel channel) => channel switch
    {
        DeviceChannel.CommandAck => $"{root}/{deviceId}/commands/ack",
        _ => $"{root}/{deviceId}/{channel.ToString().ToLowerInvariant()}",
    };
}
