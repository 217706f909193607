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
    /// <summary>The largest first packet (CONNECT) a connection may send; a larger one cuts the connection off before it is read.</summary>
    public int MaxConnectPacketBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// The largest packet after CONNECT; a larger one cuts the connection off before it is read. The default fits an
    /// aggregator's largest batch (256 KiB) with its topic and properties.
    /// </summary>
    public int MaxPacketBytes { get; set; } = Payloads.TelemetryParser.MaxBatchBytes + (8 * 1024);

    /// <summary>A connection that has not sent its whole CONNECT (and finished the TLS handshake) within this time is closed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Open connections at most, authenticated or not; beyond it a connection is refused (MQTT 5: <c>Server busy</c>).</summary>
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>Open connections at most from one remote address; beyond it a connection is refused (MQTT 5: <c>Quota exceeded</c>).</summary>
    public int MaxConnectionsPerAddress { get; set; } = 500;

    /// <summary>
    /// Comma-separated remote addresses the per-address cap does not apply to (the total cap still does): by default the
    /// loopback addresses, where the engine's own simulator or a local TLS proxy speaks for many devices.
    /// </summary>
    public string AddressLimitExempt { get; set; } = "127.0.0.1,::1";

    /// <summary>The shortest keep-alive a client may use, in seconds; a shorter one is raised to it.</summary>
    public int MinKeepAliveSeconds { get; set; } = 5;

    /// <summary>
    /// The longest keep-alive, in seconds; a longer one, or 0 (none), is lowered to it: MQTT 5 clients are told so
    /// (Server Keep Alive), and an MQTT 3.1.1 connection silent for 1.5 times this long is closed.
    /// </summary>
    public int MaxKeepAliveSeconds { get; set; } = 900;

    /// <summary>
    /// How long a device's account (revoked or not) is trusted before it is read again, on every path: a revoked device's
    /// messages are refused within this time on every process, at once on the process that revoked it. The account is read
    /// beside the first message after three quarters to all of this time (<see cref="Mqtt.DeviceDirectory"/>).
    /// </summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most devices whose account, twin and cell the gateway keeps at hand (<see cref="Mqtt.DeviceDirectory"/>, about
    /// 150 bytes each): at least the devices that send to this process. When it is full, the devices silent for longer than
    /// <see cref="RevocationCheckInterval"/> make room; while every one is sending, a device beyond it has its account read
    /// with each message.
    /// </summary>
    public int DeviceDirectoryCapacity { get; set; } = 2_000_000;

    /// <summary>
    /// This gateway's name in the cluster's gateway directory (<c>IGatewayDirectoryGrain</c>); by default
    /// the host's name and the process id, which is unique among running gateways.
    /// </summary>
    public string GatewayId { get; set; } = "";

    /// <summary>MQTT over TLS (<c>Mqtt:Tls</c>).</summary>
    public MqttTlsOptions Tls { get; set; } = new();
}

/// <summary>The <c>Mqtt:Tls</c> section: a TLS listener, on when a certificate is given.</summary>
public sealed class MqttTlsOptions
{
    /// <summary>The TLS port (8883 by default).</summary>
    public int Port { get; set; } = 8883;

    /// <summary>A PKCS#12 file (.pfx/.p12) with the private key, or a PEM certificate with <see cref="KeyPath"/>; TLS is off while empty.</summary>
    public string CertificatePath { get; set; } = "";

    /// <summary>The PKCS#12 file's password (or the PEM key's, when encrypted).</summary>
    public string CertificatePassword { get; set; } = "";

    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string KeyPath { get; set; } = "";

    /// <summary>When true (and a certificate is given), the plain port is not opened: devices must use TLS.</summary>
    public bool RequireTls { get; set; }

    public bool Enabled => CertificatePath.Length > 0;
}
