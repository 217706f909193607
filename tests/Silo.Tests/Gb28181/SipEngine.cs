using System.Net;
using System.Text.Json;
using CityOps.DeviceGateway;
using CityOps.DeviceGateway.Sip;
using CityOps.Grains.Interfaces.City;
using CityOps.Samples.DeviceSimulator.Gb28181;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Silo.Tests.Gb28181;

/// <summary>
/// An engine whose GB/T 28181 access point expects a keepalive every second (so a silent recorder's channels go offline
/// within seconds) and holds few challenges at once, with the sample city's recorders and their channels.
/// </summary>
public sealed class SipEngineFixture : IAsyncLifetime
{
    public Engine Engine { get; private set; } = null!;

    public const int MaxOutstandingNonces = 50;

    /// <summary>Below the largest UDP datagram, so an oversized message can be sent over UDP as well as TCP.</summary>
    public const int MaxMessageBytes = 16 * 1024;

    public static IReadOnlyList<GbRecorderRecord> Recorders { get; } =
        JsonSerializer.Deserialize<GbRecorderRecord[]>(File.ReadAllBytes(Path.Combine(Engine.CityPath, "gb28181.json")), CityJson.Options)!;

    public async Task InitializeAsync() => Engine = await Engine.StartAsync(new Dictionary<string, string?>
    {
        ["Sip:Enabled"] = "true",
        ["Sip:KeepaliveInterval"] = "00:00:01",
        ["Sip:KeepaliveTimeout"] = "00:00:05",
        ["Sip:MaxOutstandingNonces"] = MaxOutstandingNonces.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sip:MediaServerUrl"] = "rtsp://media.test/rtp/{channelId}",
        ["Sip:MaxMessageBytes"] = MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await Engine.DisposeAsync();

    public IPEndPoint Server => new(IPAddress.Loopback, Engine.SipPort);

    public SipAccessPoint AccessPoint => Engine.Services.GetRequiredService<SipAccessPoint>();

    public long Refused(string reason) => Engine.Services.GetRequiredService<GatewayMetrics>().RejectedTotals.GetValueOrDefault("sip." + reason);

    /// <summary>The sample city's recorder <paramref name="index"/>, as a device with its right secret, over the transport.</summary>
    public SimulatedNvr Recorder(int index, string transport = "UDP") =>
        new(Recorders[index], Engine.Devices.First(d => d.Id == Recorders[index].Id).Secret, Server, transport);
}
