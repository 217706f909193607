using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Security;

/// <summary>
/// The keep-alive held by the broker itself: a connection's messages are read by the engine, not all by MQTTnet, so the
/// silence that closes a connection is the silence of its bytes, whatever they carry.
/// </summary>
public partial class HostileMqttTests
{
    [Fact]
    public async Task A_connection_silent_for_one_and_a_half_keep_alives_is_closed()
    {
        var device = Engine.Device(DeviceKind.Noise, 35);
        var (socket, client) = await ConnectRawAsync(device, keepAliveSeconds: 5);
        using (socket)
        using (client)
        {
            var silent = Stopwatch.StartNew();
            await ClosedAsync(socket).WaitAsync(TimeSpan.FromSeconds(30));

            silent.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(7), "a silence of 1.5 × 5 s is allowed")
                .And.BeLessThan(TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task A_device_that_only_publishes_is_not_closed_for_silence()
    {
        var device = Engine.Device(DeviceKind.Noise, 36);
        var (socket, client) = await ConnectRawAsync(device, keepAliveSeconds: 5);
        using (socket)
        using (client)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var acknowledged = new List<ushort>();

            // Twelve seconds of messages 2 s apart and nothing else: longer than the 7.5 s of silence allowed.
            for (ushort id = 1; id <= 6; id++)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
                await client.SendPacketAsync(Publish(device, id, "{\"values\":{\"noiseDb\":" + (40 + id) + "}}"), timeout.Token);
                acknowledged.Add(((MqttPubAckPacket)await client.ReceivePacketAsync(timeout.Token)).PacketIdentifier);
            }

            await client.SendPacketAsync(MqttPingReqPacket.Instance, timeout.Token);

            acknowledged.Should().Equal(1, 2, 3, 4, 5, 6);
            (await client.ReceivePacketAsync(timeout.Token)).Should().BeOfType<MqttPingRespPacket>("the connection is still open");
        }
    }

    private static MqttPublishPacket Publish(DeviceRecord device, ushort id, string payload) => new()
    {
        Topic = $"city/{device.Id}/telemetry",
        PacketIdentifier = id,
        QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        Payload = new(Encoding.UTF8.GetBytes(payload)),
    };

    /// <summary>An MQTT 3.1.1 connection of the device, accepted, that sends nothing unless told to (no keep-alive pings of its own).</summary>
    private async Task<(Socket Socket, MqttChannelAdapter Client)> ConnectRawAsync(DeviceRecord device, ushort keepAliveSeconds)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", Engine.MqttPort, timeout.Token);
        var client = new MqttChannelAdapter(
            new MqttTcpChannel(new NetworkStream(socket), socket.LocalEndPoint, socket.RemoteEndPoint, null),
            new MqttPacketFormatterAdapter(MqttProtocolVersion.V311, new MqttBufferWriter(256, 65536)),
            MqttNetNullLogger.Instance);
        await client.SendPacketAsync(
            new MqttConnectPacket
            {
                ClientId = $"{device.Id}-{Guid.NewGuid():N}",
                Username = device.Id,
                Password = Encoding.UTF8.GetBytes(device.Secret),
                CleanSession = true,
                KeepAlivePeriod = keepAliveSeconds,
            },
            timeout.Token);
        ((MqttConnAckPacket)await client.ReceivePacketAsync(timeout.Token)).ReturnCode.Should().Be(MqttConnectReturnCode.ConnectionAccepted);
        return (socket, client);
    }
}
