using System.Net.Sockets;
using System.Text;
using CityOps.Grains.Interfaces.City;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>
/// What a device reads back for its QoS 1 messages, packet by packet: a client that sends many messages without waiting
/// sees each one acknowledged exactly once, in the order it sent them (MQTT 5 §4.6), with that message's own answer.
/// </summary>
[Collection(EngineTests.Name)]
public sealed class PublishAcknowledgementTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task Messages_sent_without_waiting_are_acknowledged_once_each_in_order_with_their_own_reason()
    {
        var device = Engine.Device(DeviceKind.Noise, 7);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var connection = await ConnectAsync(device, timeout.Token);

        // Odd ids carry a reading, even ids malformed JSON: the answers alternate, so an answer given to the wrong message
        // shows. Fewer than a device's burst (FloodGuard.Burst), so that none is throttled.
        const int messages = 16;
        var (answers, afterwards) = await SendWithoutWaitingAsync(
            connection.Client,
            [.. Enumerable.Range(1, messages).Select(id => Publish(
                $"city/{device.Id}/telemetry",
                (ushort)id,
                id % 2 == 1 ? "{\"values\":{\"noiseDb\":" + (40 + id) + "}}" : """{"values":{"noiseDb":"""))],
            timeout.Token);

        answers.Select(a => a.Id).Should().Equal(Enumerable.Range(1, messages).Select(i => (ushort)i));
        answers.Should().OnlyContain(a => a.Code == (a.Id % 2 == 1 ? MqttPubAckReasonCode.Success : MqttPubAckReasonCode.PayloadFormatInvalid));
        afterwards.Should().BeOfType<MqttPingRespPacket>("no message is acknowledged a second time");
    }

    [Fact]
    public async Task Messages_read_by_the_engine_and_by_MQTTnet_in_turn_are_acknowledged_in_the_order_sent()
    {
        // A device's plain messages on its own topics are answered by its connection; one with MQTT 5 properties, or on a
        // topic not its own, by MQTTnet's server. Their acknowledgements must still come in the order the messages came.
        var device = Engine.Device(DeviceKind.Noise, 8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var connection = await ConnectAsync(device, timeout.Token);

        const int messages = 15;
        var (answers, afterwards) = await SendWithoutWaitingAsync(
            connection.Client,
            [.. Enumerable.Range(1, messages).Select(id => Publish(
                id % 3 == 0 ? "city/SOMEONE-ELSE/telemetry" : $"city/{device.Id}/telemetry",
                (ushort)id,
                "{\"values\":{\"noiseDb\":" + (40 + id) + "}}",
                contentType: id % 3 == 2 ? "application/json" : null))],
            timeout.Token);

        answers.Select(a => a.Id).Should().Equal(Enumerable.Range(1, messages).Select(i => (ushort)i));
        answers.Should().OnlyContain(a => a.Code == (a.Id % 3 == 0 ? MqttPubAckReasonCode.NotAuthorized : MqttPubAckReasonCode.Success));
        afterwards.Should().BeOfType<MqttPingRespPacket>("no message is acknowledged a second time");
    }

    [Fact]
    public async Task A_connection_taken_over_in_the_middle_of_a_message_is_told_so_and_its_half_message_left_unanswered()
    {
        var device = Engine.Device(DeviceKind.Noise, 9);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var before = await ConnectAsync(device, timeout.Token);
        var formatter = new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(256, 65536));
        var half = formatter.Encode(Publish($"city/{device.Id}/telemetry", 1, """{"values":{"noiseDb":41}}""")).ToArray();
        await before.Socket.SendAsync(half.AsMemory(0, half.Length / 2), timeout.Token);

        using var after = await ConnectAsync(device, timeout.Token);
        var (answers, afterwards) = await SendWithoutWaitingAsync(after.Client, [Publish($"city/{device.Id}/telemetry", 2, """{"values":{"noiseDb":42}}""")], timeout.Token);
        var lastWords = await before.Client.ReceivePacketAsync(timeout.Token);

        answers.Should().Equal([((ushort)2, MqttPubAckReasonCode.Success)]);
        afterwards.Should().BeOfType<MqttPingRespPacket>();
        lastWords.Should().BeOfType<MqttDisconnectPacket>("the old connection is told, not answered for its half message")
            .Which.ReasonCode.Should().Be(MqttDisconnectReasonCode.SessionTakenOver);
    }

    private static MqttPublishPacket Publish(string topic, ushort id, string payload, string? contentType = null) => new()
    {
        Topic = topic,
        PacketIdentifier = id,
        QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce,
        Payload = new(Encoding.UTF8.GetBytes(payload)),
        ContentType = contentType,
    };

    /// <summary>
    /// Sends every message without waiting, then reads as many PUBACKs, then pings: the packet after the PUBACKs is the
    /// ping's answer unless a message was acknowledged twice.
    /// </summary>
    private static async Task<(List<(ushort Id, MqttPubAckReasonCode Code)> Answers, MqttPacket Afterwards)> SendWithoutWaitingAsync(
        MqttChannelAdapter client, IReadOnlyList<MqttPublishPacket> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await client.SendPacketAsync(message, cancellationToken);
        }

        var answers = new List<(ushort Id, MqttPubAckReasonCode Code)>();
        for (var i = 0; i < messages.Count; i++)
        {
            var pubAck = (MqttPubAckPacket)await client.ReceivePacketAsync(cancellationToken);
            answers.Add((pubAck.PacketIdentifier, pubAck.ReasonCode));
        }

        await client.SendPacketAsync(MqttPingReqPacket.Instance, cancellationToken);
        return (answers, await client.ReceivePacketAsync(cancellationToken));
    }

    /// <summary>An accepted MQTT 5 connection of the device that sends and reads packet by packet.</summary>
    private async Task<RawConnection> ConnectAsync(DeviceRecord device, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", Engine.MqttPort, cancellationToken);
        var client = new MqttChannelAdapter(
            new MqttTcpChannel(new NetworkStream(socket), socket.LocalEndPoint, socket.RemoteEndPoint, null),
            new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(256, 65536)),
            MqttNetNullLogger.Instance);
        await client.SendPacketAsync(
            new MqttConnectPacket { ClientId = device.Id, Username = device.Id, Password = Encoding.UTF8.GetBytes(device.Secret), CleanSession = true, KeepAlivePeriod = 60 },
            cancellationToken);
        ((MqttConnAckPacket)await client.ReceivePacketAsync(cancellationToken)).ReasonCode.Should().Be(MqttConnectReasonCode.Success);
        return new RawConnection(socket, client);
    }

    private sealed record RawConnection(Socket Socket, MqttChannelAdapter Client) : IDisposable
    {
        public void Dispose()
        {
            Client.Dispose();
            Socket.Dispose();
        }
    }
}
