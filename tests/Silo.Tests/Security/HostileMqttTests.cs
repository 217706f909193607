using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Security;

/// <summary>
/// An engine with small MQTT limits, so that its hostile tests reach them quickly: 3 s to CONNECT, at most 400
/// connections and 50 from one address (loopback's 127.0.0.1 is exempt, as by default, so the tests' own devices
/// connect from it; attackers connect from other 127.x addresses), keep-alive within 5–60 s, and TLS on with a
/// self-signed certificate made for the run.
/// </summary>
public sealed class HostileMqttFixture : IAsyncLifetime
{
    public const int MaxConnections = 400;
    public const int MaxConnectionsPerAddress = 50;

    private readonly string _certificateFolder = Path.Combine(Path.GetTempPath(), "cityops-tls-" + Guid.NewGuid().ToString("N"));

    public Engine Engine { get; private set; } = null!;

    public int TlsPort { get; } = Engine.FreePort();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_certificateFolder);
        var pfx = Path.Combine(_certificateFolder, "broker.pfx");
        using (var certificate = SelfSignedCertificate())
        {
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "tls-test-password"));
        }

        Engine = await Engine.StartAsync(new Dictionary<string, string?>
        {
            ["Mqtt:ConnectTimeout"] = "00:00:03",
            ["Mqtt:MaxConnections"] = MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:MaxConnectionsPerAddress"] = MaxConnectionsPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:MinKeepAliveSeconds"] = "5",
            ["Mqtt:MaxKeepAliveSeconds"] = "60",
            ["Mqtt:Tls:CertificatePath"] = pfx,
            ["Mqtt:Tls:CertificatePassword"] = "tls-test-password",
            ["Mqtt:Tls:Port"] = TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }

        Directory.Delete(_certificateFolder, recursive: true);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}

/// <summary>The embedded broker under attack: oversized and idle connections, connection floods, keep-alive abuse, TLS.</summary>
[Collection(HostileMqttRunsAlone.Name)]
public partial class HostileMqttTests(HostileMqttFixture fixture) : IClassFixture<HostileMqttFixture>
{
    private Engine Engine => fixture.Engine;

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload)
        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
        .Build();

    private async Task<long> RejectedAsync(string reason)
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        var stats = await http.GetFromJsonAsync<JsonElement>("/api/gateway/stats");
        return stats.GetProperty("rejected").TryGetProperty(reason, out var n) ? n.GetInt64() : 0;
    }

    /// <summary>A raw TCP connection to the broker from the given loopback address.</summary>
    private async Task<Socket> RawAsync(IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, Engine.MqttPort);
        return socket;
    }

    /// <summary>Completes when the broker closes the connection (a read sees its end or a reset).</summary>
    private static async Task ClosedAsync(Socket socket)
    {
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    private MqttClientOptionsBuilder Options(DeviceRecord device, MqttProtocolVersion version = MqttProtocolVersion.V500) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", Engine.MqttPort)
        .WithClientId($"{device.Id}-{Guid.NewGuid():N}")
        .WithCredentials(device.Id, device.Secret)
        .WithProtocolVersion(version);

    /// <summary>The CONNACK's reason, whether MQTTnet returns it or throws it.</summary>
    private static async Task<string> ConnectResultAsync(IMqttClient client, MqttClientOptions options)
    {
        try
        {
            return (await client.ConnectAsync(options)).ResultCode.ToString();
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex)
        {
            return ex.Message;
        }
    }

    [Fact]
    public async Task A_first_packet_announcing_more_than_the_connect_limit_is_cut_off_before_it_is_read()
    {
        var before = await RejectedAsync("packetTooLarge");
        using var socket = await RawAsync(IPAddress.Parse("127.0.3.1"));

        // CONNECT announcing 100 MB, then a little of it.
        await socket.SendAsync(new byte[] { 0x10, 0x80, 0xC2, 0xD7, 0x2F, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T' }, SocketFlags.None);

        (await Task.WhenAny(ClosedAsync(socket), Task.Delay(TimeSpan.FromSeconds(2)))).IsCompleted.Should().BeTrue();
        await ClosedAsync(socket).WaitAsync(TimeSpan.FromSeconds(2));
        (await RejectedAsync("packetTooLarge")).Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task A_first_packet_that_is_not_a_connect_is_cut_off()
    {
        using var socket = await RawAsync(IPAddress.Parse("127.0.3.2"));

        await socket.SendAsync(new byte[] { 0x30, 0x05, 0, 1, (byte)'a', (byte)'b', (byte)'c' }, SocketFlags.None);

        var stopwatch = Stopwatch.StartNew();
        await ClosedAsync(socket).WaitAsync(TimeSpan.FromSeconds(2));
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_publish_above_the_packet_limit_cuts_a_connected_device_off()
    {
        var device = Engine.Device(DeviceKind.Noise, 30);
        var disconnected = new TaskCompletionSource();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };
        var connected = await client.ConnectAsync(Options(device).Build());
        connected.MaximumPacketSize.Should().Be((uint)(264 * 1024));
        var before = await RejectedAsync("packetTooLarge");

        var publish = client.PublishAsync(Message($"city/{device.Id}/telemetry", "{\"values\":{\"noiseDb\":5},\"pad\":\"" + new string('x', 400_000) + "\"}"));

        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await FluentActions.Awaiting(() => publish).Should().ThrowAsync<Exception>();
        (await RejectedAsync("packetTooLarge")).Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task A_socket_that_sends_no_connect_is_closed_after_the_connect_timeout()
    {
        var before = await RejectedAsync("connectTimeout");
        using var socket = await RawAsync(IPAddress.Parse("127.0.3.3"));
        var stopwatch = Stopwatch.StartNew();

        await ClosedAsync(socket).WaitAsync(TimeSpan.FromSeconds(10));

        stopwatch.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2.5)).And.BeLessThan(TimeSpan.FromSeconds(6));
        (await RejectedAsync("connectTimeout")).Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task Thousands_of_half_open_connections_are_refused_beyond_the_cap_while_a_connected_device_keeps_publishing_and_memory_stays_bounded()
    {
        var device = Engine.Device(DeviceKind.WaterLevel, 30);
        using var client = new MqttClientFactory().CreateMqttClient();
        (await client.ConnectAsync(Options(device).Build())).ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        var before = await RejectedAsync("connectionLimit");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Process.GetCurrentProcess().WorkingSet64;

        // 3,000 sockets from 60 addresses (50 each, at the per-address cap), none of which ever sends a CONNECT.
        var sockets = new List<Socket>();
        var publishing = Task.Run(async () =>
        {
            var codes = new List<MqttClientPublishReasonCode>();
            for (var i = 0; i < 20; i++)
            {
                codes.Add((await client.PublishAsync(Message($"city/{device.Id}/telemetry", "{\"values\":{\"waterLevelCm\":" + i + "}}"))).ReasonCode);
                await Task.Delay(50);
            }

            return codes;
        });
        try
        {
            for (var a = 0; a < 60; a++)
            {
                var from = IPAddress.Parse($"127.0.{10 + (a / 200)}.{1 + (a % 200)}");
                for (var i = 0; i < 50; i++)
                {
                    sockets.Add(await RawAsync(from));
                }
            }

            var closed = sockets.Select(ClosedAsync).ToList();
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            var refused = closed.Count(c => c.IsCompleted);

            refused.Should().BeGreaterThanOrEqualTo(sockets.Count - HostileMqttFixture.MaxConnections);
            (await publishing).Should().OnlyContain(code => code == MqttClientPublishReasonCode.Success);
            (await RejectedAsync("connectionLimit") - before).Should().BeGreaterThanOrEqualTo(sockets.Count - HostileMqttFixture.MaxConnections);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            (GC.GetTotalMemory(forceFullCollection: true) - heapBefore).Should().BeLessThan(100L * 1024 * 1024);
            (Process.GetCurrentProcess().WorkingSet64 - workingSetBefore).Should().BeLessThan(300L * 1024 * 1024);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        // The device still publishes once the flood is gone, and new devices connect again after the timeout reaped the rest.
        (await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"waterLevelCm":3}}"""))).ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
    }

    [Fact]
    public async Task Beyond_the_per_address_cap_a_device_is_refused_with_quota_exceeded_while_other_addresses_still_connect()
    {
        var from = IPAddress.Parse("127.0.4.1");
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < HostileMqttFixture.MaxConnectionsPerAddress; i++)
            {
                held.Add(await RawAsync(from));
            }

            await Task.Delay(200);
            var device = Engine.Device(DeviceKind.Noise, 31);
            using var refused = new MqttClientFactory().CreateMqttClient();
            var refusal = await ConnectResultAsync(refused, Options(device).WithTcpServer(o =>
            {
                o.RemoteEndpoint = new IPEndPoint(IPAddress.Loopback, Engine.MqttPort);
                o.LocalEndpoint = new IPEndPoint(from, 0);
            }).Build());
            using var other = new MqttClientFactory().CreateMqttClient();
            var otherResult = await other.ConnectAsync(Options(device).WithTcpServer(o =>
            {
                o.RemoteEndpoint = new IPEndPoint(IPAddress.Loopback, Engine.MqttPort);
                o.LocalEndpoint = new IPEndPoint(IPAddress.Parse("127.0.4.2"), 0);
            }).Build());

            refusal.Should().Contain(nameof(MqttClientConnectResultCode.QuotaExceeded));
            otherResult.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        }
        finally
        {
            foreach (var socket in held)
            {
                socket.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(3600, 60)]
    [InlineData(1, 5)]
    public async Task A_keep_alive_outside_the_bounds_is_replaced_by_the_servers(int requested, int held)
    {
        var device = Engine.Device(DeviceKind.Noise, 32);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(Options(device).WithKeepAlivePeriod(TimeSpan.FromSeconds(requested)).Build());

        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        result.ServerKeepAlive.Should().Be((ushort)held);
    }

    [Fact]
    public async Task An_mqtt_3_client_without_keep_alive_is_closed_after_a_silence_of_one_and_a_half_ceilings()
    {
        // The ceiling is 60 s here: a silent 3.1.1 connection without keep-alive must not live for ever, but outlives a short wait.
        var device = Engine.Device(DeviceKind.Noise, 33);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(Options(device, MqttProtocolVersion.V311).WithKeepAlivePeriod(TimeSpan.Zero).Build());
        await Task.Delay(TimeSpan.FromSeconds(2));

        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        client.IsConnected.Should().BeTrue();
    }

    [Fact]
    public async Task A_device_connects_and_publishes_over_tls_with_the_configured_certificate()
    {
        var device = Engine.Device(DeviceKind.Noise, 34);
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("localhost", fixture.TlsPort)
            .WithTlsOptions(tls => tls.UseTls().WithTargetHost("localhost").WithCertificateValidationHandler(e =>
                e.Certificate is X509Certificate2 presented && presented.Subject == "CN=localhost"))
            .WithClientId($"{device.Id}-tls")
            .WithCredentials(device.Id, device.Secret)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build());
        var published = await client.PublishAsync(Message($"city/{device.Id}/telemetry", """{"values":{"noiseDb":47}}"""));

        result.ResultCode.Should().Be(MqttClientConnectResultCode.Success);
        published.ReasonCode.Should().Be(MqttClientPublishReasonCode.Success);
        (await Engine.GetDeviceAsync(device.Id, await Engine.TokenAsync("operator"))).GetProperty("values").GetProperty("noiseDb").GetDouble().Should().Be(47);
    }

    [Fact]
    public async Task A_tls_port_speaking_plain_mqtt_is_closed()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, fixture.TlsPort);

        await socket.SendAsync(new byte[] { 0x10, 0x10, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5, 2, 0, 60, 0, 0, 0, 0, 0, 0 }, SocketFlags.None);

        await ClosedAsync(socket).WaitAsync(TimeSpan.FromSeconds(5));
    }
}

/// <summary>Runs the hostile suite alone: its memory bounds read the test process's heap, which other tests running at the same time would grow.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileMqttRunsAlone
{
    public const string Name = "hostile-mqtt";
}
