namespace CityOps.DeviceGateway;

/// <summary>The <c>Mqtt</c> configuration section.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Mqtt";

    /// <summary>The broker's TCP port for devices (1883 by default).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>The address the broker listens on; every interface by default, since devices are remote.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>The first topic level of every device topic (docs/devices.md).</summary>
    public string TopicRoot { get; set; } = "city";

    public int MaxPayloadBytes { get; set; } = Payloads.TelemetryParser.DefaultMaxPayloadBytes;
}
