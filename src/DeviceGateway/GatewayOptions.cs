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

    /// <summary>Readings the telemetry intake holds at most between their acknowledgement and their twin (about 200 bytes each).</summary>
    public int IntakeCapacity { get; set; } = 200_000;

    /// <summary>How long a reading waits for room in a full intake before it is refused as <c>overloaded</c>.</summary>
    public TimeSpan IntakeWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Readings the intake takes from its queue at a time and groups by device.</summary>
    public int IntakeBatch { get; set; } = 2048;

    /// <summary>Calls to twins the intake has under way at most.</summary>
    public int IntakeConcurrentCalls { get; set; } = 1024;
}
