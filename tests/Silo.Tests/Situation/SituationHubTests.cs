using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CityOps.DashboardHost.Situation;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Situation;

/// <summary>The live situation stream at <c>/hubs/situation</c>, against the real engine and real MQTT devices.</summary>
[Collection(EngineTests.Name)]
public class SituationHubTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    private static string NodeSignalR => Environment.GetEnvironmentVariable("CITYOPS_TEST_NODE_SIGNALR") is { Length: > 0 } path
        ? path
        : throw new InvalidOperationException("CITYOPS_TEST_NODE_SIGNALR is not set: run the tests with ./scripts/test.sh or scripts/services.sh, which install @microsoft/signalr from tools/package-lock.json.");

    [Fact]
    public async Task A_client_in_another_process_receives_a_delta_naming_a_device_that_just_published()
    {
        var device = Engine.Device(DeviceKind.Noise, 40);
        var token = await Engine.TokenAsync("operator", "Operator#2026");
        using var node = StartNodeClient(new Uri(Engine.BaseAddress, "/hubs/situation"), token, Community(device));
        await node.NextAsync("snapshot");

        await PublishAsync(device, """{"values":{"noiseDb":41.5}}""");

        var delta = await node.NextAsync("delta", f => f.GetProperty("devices").EnumerateArray().Any(d => d.GetProperty("id").GetString() == device.Id));
        var entry = delta.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("id").GetString() == device.Id);
        entry.GetProperty("values").GetProperty("noiseDb").GetDouble().Should().Be(41.5);
        entry.GetProperty("kind").GetString().Should().Be("noise");
    }

    [Fact]
    public async Task Subscribing_to_a_region_outside_ones_regions_is_refused()
    {
        await using var client = await SituationClient.ConnectAsync(Engine, await Engine.TokenAsync("operator.jiangbei", "Operator#2026"));

        var subscribe = () => client.SubscribeAsync("990102");

        (await subscribe.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("'990102' is outside your regions");
    }

    [Theory]
    [InlineData("99010", "not a region code")]
    [InlineData("9901010010010077", "not a region code")]
    [InlineData("990199", "No region '990199'")]
    public async Task Subscribing_to_a_malformed_or_unknown_region_is_refused(string region, string reason)
    {
        await using var client = await SituationClient.ConnectAsync(Engine, await Engine.TokenAsync("operator", "Operator#2026"));

        var subscribe = () => client.SubscribeAsync(region);

        (await subscribe.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain(reason);
    }

    [Fact]
    public async Task A_stalled_client_does_not_hold_up_frames_to_a_healthy_one()
    {
        var device = Engine.Device(DeviceKind.Noise, 41);
        var token = await Engine.TokenAsync("operator", "Operator#2026");

        // Subscribed to the whole city a few times over, so its snapshots outgrow its small socket buffer, and never read.
        using var stalled = await StalledClientAsync(token, "9901", times: 4);
        await using var healthy = await SituationClient.ConnectAsync(Engine, token);
        await healthy.SubscribeAsync(Community(device));
        var previous = (await healthy.NextAsync(f => f.Type == "Snapshot", "the snapshot")).Seq;

        for (var reading = 1; reading <= 5; reading++)
        {
            var value = 50 + reading;
            await PublishAsync(device, "{\"values\":{\"noiseDb\":" + value.ToString(CultureInfo.InvariantCulture) + "}}");
            var delta = await healthy.NextAsync(
                f => f.Type == "Delta" && f.NamesDevice(device.Id) && f.Device(device.Id).GetProperty("values").GetProperty("noiseDb").GetDouble() == value,
                $"noiseDb {value} of {device.Id}");
            delta.Seq.Should().BeGreaterThan(previous);
            previous = delta.Seq;
        }

        Engine.Services.GetRequiredService<SituationSessions>().Sending.Should().BePositive("the stalled client's snapshot was still on its way while the healthy client was served");
    }

    [Fact]
    public async Task A_reconnecting_client_gets_a_fresh_snapshot_with_what_changed_while_it_was_away()
    {
        var device = Engine.Device(DeviceKind.Noise, 42);
        var token = await Engine.TokenAsync("operator", "Operator#2026");
        var region = Community(device);
        await using (var first = await SituationClient.ConnectAsync(Engine, token))
        {
            await first.SubscribeAsync(region);
            await first.NextAsync(f => f.Type == "Snapshot", "the first snapshot");
        }

        await PublishAsync(device, """{"values":{"noiseDb":63.25}}""");
        await Engine.GetDeviceAsync(device.Id, token);

        await using var second = await SituationClient.ConnectAsync(Engine, token);
        await second.SubscribeAsync(region);
        var snapshot = await second.NextAsync(f => f.Type == "Snapshot", "the snapshot after reconnecting");

        snapshot.Seq.Should().Be(1);
        snapshot.Body.GetProperty("region").GetString().Should().Be(region);
        snapshot.Items("cells").Should().Contain(c => c.GetProperty("code").GetString() == device.CellCode);
        snapshot.Device(device.Id).GetProperty("values").GetProperty("noiseDb").GetDouble().Should().Be(63.25);
    }

    [Fact]
    public async Task A_case_opened_by_a_water_level_breach_appears_in_a_delta_with_its_alarm()
    {
        // A device no other test raises an alarm on, so this publish raises a new one.
        var device = Engine.Device(DeviceKind.WaterLevel, 11);
        await using var client = await SituationClient.ConnectAsync(Engine, await Engine.TokenAsync("operator", "Operator#2026"));
        await client.SubscribeAsync(Community(device));
        await client.NextAsync(f => f.Type == "Snapshot", "the snapshot");

        await PublishAsync(device, """{"values":{"waterLevelCm":30}}""");

        bool NamesTheAlarm(SituationClient.Frame f) =>
            f.Items("alarms").Any(a => a.GetProperty("deviceId").GetString() == device.Id);
        bool NamesTheCase(SituationClient.Frame f) =>
            f.Items("events").Any(e => e.GetProperty("cellCode").GetString() == device.CellCode && e.GetProperty("category").GetString() == "waterlogging");

        // Device changes reach the feed in the silo's 100 ms batches while the case is told at once,
        // so the case may come before, with or after its alarm.
        var withAlarm = await client.NextAsync(f => f.Type == "Delta" && (NamesTheAlarm(f) || NamesTheCase(f)), $"the waterlogging alarm or case of {device.Id}");
        var withCase = withAlarm;
        if (!NamesTheAlarm(withAlarm))
        {
            withAlarm = await client.NextAsync(f => f.Type == "Delta" && NamesTheAlarm(f), $"the waterlogging alarm of {device.Id}");
        }
        else if (!NamesTheCase(withCase))
        {
            withCase = await client.NextAsync(f => f.Type == "Delta" && NamesTheCase(f), $"a waterlogging case in cell {device.CellCode}");
        }

        withAlarm.Items("alarms").Should().Contain(a => a.GetProperty("kind").GetString() == "waterlogging" && a.GetProperty("severity").GetString() == "major");
        var entry = withCase.Items("events").First(e => e.GetProperty("category").GetString() == "waterlogging");
        entry.GetProperty("id").GetString().Should().StartWith("E");
        entry.GetProperty("state").GetString().Should().NotBeNullOrEmpty();
        entry.GetProperty("location").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task Subscribing_again_replaces_the_region_with_a_new_snapshot()
    {
        await using var client = await SituationClient.ConnectAsync(Engine, await Engine.TokenAsync("operator", "Operator#2026"));
        await client.SubscribeAsync("990101");
        var first = await client.NextAsync(f => f.Type == "Snapshot", "the district's snapshot");

        await client.SubscribeAsync("990102");
        var second = await client.NextAsync(f => f.Type == "Snapshot", "the second district's snapshot");

        second.Body.GetProperty("region").GetString().Should().Be("990102");
        second.Seq.Should().BeGreaterThan(first.Seq);
        second.Items("cells").Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("code").GetString()!.StartsWith("990102", StringComparison.Ordinal));
    }

    private static string Community(DeviceRecord device) => device.CellCode[..12];

    private async Task PublishAsync(DeviceRecord device, string payload)
    {
        using var mqtt = await Engine.ConnectDeviceAsync(device);
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"city/{device.Id}/telemetry").WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await mqtt.DisconnectAsync();
    }

    /// <summary>
    /// A raw WebSocket with a small receive buffer (so the kernel does not soak up what the server
    /// sends) that completes the SignalR handshake, subscribes, and then never reads again.
    /// </summary>
    private async Task<ClientWebSocket> StalledClientAsync(string token, string region, int times)
    {
        var socket = new ClientWebSocket();
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        var uri = new Uri($"ws://127.0.0.1:{Engine.HttpPort}/hubs/situation?access_token={Uri.EscapeDataString(token)}");
        await socket.ConnectAsync(uri, invoker, CancellationToken.None);
        var messages = new List<string> { """{"protocol":"json","version":1}""" };
        messages.AddRange(Enumerable.Repeat($$"""{"type":1,"target":"Subscribe","arguments":["{{region}}"]}""", times));
        foreach (var message in messages)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message + "\u001e"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }

        return socket;
    }

    private static NodeClient StartNodeClient(Uri hub, string token, string region)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hub-client", "situation-client.cjs"));
        start.ArgumentList.Add(hub.ToString());
        start.ArgumentList.Add(token);
        start.ArgumentList.Add(region);
        start.Environment["CITYOPS_TEST_NODE_SIGNALR"] = NodeSignalR;
        return new NodeClient(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
    }

    /// <summary>The node client's process and its JSON lines.</summary>
    private sealed class NodeClient(Process process) : IDisposable
    {
        private readonly StringBuilder _seen = new();

        public async Task<JsonElement> NextAsync(string type, Func<JsonElement, bool>? match = null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    _seen.AppendLine(line.Length > 300 ? line[..300] + "…" : line);
                    using var message = JsonDocument.Parse(line);
                    var root = message.RootElement;
                    if (root.GetProperty("type").GetString() == "error")
                    {
                        throw new InvalidOperationException("The node client failed: " + root.GetProperty("message").GetString());
                    }

                    if (root.GetProperty("type").GetString() == type && (match is null || match(root.GetProperty("frame"))))
                    {
                        return type == "subscribed" ? root.Clone() : root.GetProperty("frame").Clone();
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Reported below with what was seen.
            }

            var errors = await ErrorsAsync();
            throw new TimeoutException($"The node client sent no {type} that matched. It printed:{Environment.NewLine}{_seen}{errors}");
        }

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        private async Task<string> ErrorsAsync()
        {
            if (!process.HasExited)
            {
                return string.Empty;
            }

            return Environment.NewLine + "stderr: " + await process.StandardError.ReadToEndAsync();
        }
    }
}
