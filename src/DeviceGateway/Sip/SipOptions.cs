using CityOps.Sip;
using Microsoft.Extensions.Configuration;

namespace CityOps.DeviceGateway.Sip;

/// <summary>The <c>Sip</c> configuration section: the GB/T 28181 access point (docs/gb28181.md).</summary>
public sealed class SipOptions
{
    public const string Section = "Sip";

    /// <summary>Off unless configured: the embedded profile's appsettings.json turns it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The UDP and TCP port (5060 by default).</summary>
    public int Port { get; set; } = 5060;

    /// <summary>Loopback by default; a real NVR needs the address it can reach (e.g. 0.0.0.0).</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The access point's own 20-digit code (type 200, SIP server).</summary>
    public string ServerId { get; set; } = "34020000002000000001";

    /// <summary>The digest realm (SIP domain); the first 10 digits of <see cref="ServerId"/> when empty. Devices' HA1 is bound to it.</summary>
    public string Realm { get; set; } = "";

    /// <summary>How often a device is expected to send Keepalive; channels go offline after <c>Devices:SilenceIntervals</c> of them without one.</summary>
    public TimeSpan KeepaliveInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A registration with no keepalive for this long is dropped: commands no longer go to the device until it registers again.</summary>
    public TimeSpan KeepaliveTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>The longest registration a device is granted, whatever Expires it asks.</summary>
    public TimeSpan MaxRegistration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A challenge's nonce is good for one REGISTER within this time.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Nonces outstanding at most; beyond it the oldest are forgotten (their devices are challenged again).</summary>
    public int MaxOutstandingNonces { get; set; } = 10_000;

    public int MaxMessageBytes { get; set; } = 64 * 1024;

    public int MaxHeaders { get; set; } = 64;

    public int MaxLineBytes { get; set; } = 2048;

    /// <summary>TCP connections open at most; one more is closed at once.</summary>
    public int MaxTcpConnections { get; set; } = 4096;

    /// <summary>A TCP connection that sends no complete message for this long is closed.</summary>
    public TimeSpan TcpIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Channels one device may have registered from its catalog.</summary>
    public int MaxChannelsPerDevice { get; set; } = 1024;

    /// <summary>The presets (1…n) a PTZ channel (catalog PTZType 1 or 2) is taken to have; GB catalogs do not list them.</summary>
    public int ChannelPresets { get; set; } = 16;

    /// <summary>The media server's URL of a channel, shown on its detail panel; <c>{channelId}</c> and <c>{deviceId}</c> are replaced.</summary>
    public string MediaServerUrl { get; set; } = "";

    public string EffectiveRealm => Realm is { Length: > 0 } realm ? realm : GbCodes.IsValid(ServerId) ? GbCodes.DomainOf(ServerId) : ServerId;

    public SipLimits Limits => new() { MaxMessageBytes = MaxMessageBytes, MaxHeaders = MaxHeaders, MaxLineBytes = MaxLineBytes };

    /// <summary>The section as configured, for a part that does not run the access point (the silo's device registration).</summary>
    public static SipOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<SipOptions>() ?? new SipOptions();
}
