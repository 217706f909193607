using System.Net;
using System.Net.Sockets;
using CityOps.DeviceGateway.Mqtt.Transport;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.DeviceGateway.Tests.Mqtt.Transport;

/// <summary>
/// A QoS 1 PUBLISH answered by the broker's handler on the connection itself: over a real loopback connection, the
/// server side as the broker holds it, the client side MQTTnet's own packet reader.
/// </summary>
public sealed class GuardedChannelAdapterTests : IAsyncLifetime, IDisposable
{
    private static readonly KeepAliveBounds KeepAlive = new(5, 900);

    private readonly List<IDisposable> _owned = [];
    private GuardedChannelAdapter _server = null!;
    private MqttChannelAdapter _client = null!;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await clientSocket.ConnectAsync(listener.LocalEndPoint!);
        var serverSocket = await listener.AcceptAsync();
        _owned.Add(clientSocket);
        _owned.Add(serverSocket);

        var stream = new PacketLimitStream(new NetworkStream(serverSocket), 1024, 65536);
        _server = new GuardedChannelAdapter(Adapter(stream, serverSocket), stream, KeepAlive, 65536, isSecureConnection: false);
        _client = Adapter(new NetworkStream(clientSocket), clientSocket);
        _owned.Add(_server);
        _owned.Add(_client);

        await _client.SendPacketAsync(new MqttConnectPacket { ClientId = "noise-1", KeepAlivePeriod = 60 }, CancellationToken.None);
        (await _server.ReceivePacketAsync(CancellationToken.None)).Should().BeOfType<MqttConnectPacket>();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private static MqttChannelAdapter Adapter(Stream stream, Socket socket) =>
        new(new MqttTcpChannel(stream, socket.LocalEndPoint, socket.RemoteEndPoint, null),
            new MqttPacketFormatterAdapter(MqttProtocolVersion.V500, new MqttBufferWriter(256, 65536)),
            MqttNetNullLogger.Instance);

    /// <summary>The client publishes; the server reads the PUBLISH as MQTTnet's receive loop would.</summary>
    private async Task<MqttPublishPacket> PublishAsync(ushort packetId, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce)
    {
        await _client.SendPacketAsync(
            new MqttPublishPacket { Topic = "city/noise-1/telemetry", PacketIdentifier = packetId, QualityOfServiceLevel = qos, Payload = new(new byte[] { 0x7B, 0x7D }) },
            CancellationToken.None);
        return (MqttPublishPacket)await _server.ReceivePacketAsync(CancellationToken.None);
    }

    private static MqttPubAckPacket QueuedPubAck(MqttPublishPacket publish, MqttPubAckReasonCode code = MqttPubAckReasonCode.Success) =>
        new() { PacketIdentifier = publish.PacketIdentifier, ReasonCode = code };

    private Task<MqttPacket> ClientReceivesAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return _client.ReceivePacketAsync(timeout.Token);
    }

    /// <summary>The next packet the client reads after everything before it: a PINGRESP the server sends last.</summary>
    private async Task ThenNothingButAPingResponseAsync()
    {
        await _server.SendPacketAsync(MqttPingRespPacket.Instance, CancellationToken.None);
        (await ClientReceivesAsync()).Should().BeOfType<MqttPingRespPacket>();
    }

    [Fact]
    public async Task A_publish_answered_by_its_handler_is_acknowledged_once_with_the_handlers_reason()
    {
        var publish = await PublishAsync(7);

        (await _server.TryAnswerAsync(publish.Topic, MqttPubAckReasonCode.PayloadFormatInvalid, "bad json", null, CancellationToken.None)).Should().BeTrue();
        var pubAck = (MqttPubAckPacket)await ClientReceivesAsync();
        await _server.SendPacketAsync(QueuedPubAck(publish, MqttPubAckReasonCode.PayloadFormatInvalid), CancellationToken.None);

        pubAck.PacketIdentifier.Should().Be(7);
        pubAck.ReasonCode.Should().Be(MqttPubAckReasonCode.PayloadFormatInvalid);
        pubAck.ReasonString.Should().Be("bad json");
        await ThenNothingButAPingResponseAsync();
    }

    [Fact]
    public async Task A_message_the_connection_is_not_handling_is_left_to_mqttnets_own_acknowledgement()
    {
        var publish = await PublishAsync(8);
        var sameTextAnotherMessage = new string(publish.Topic.AsSpan());

        (await _server.TryAnswerAsync(sameTextAnotherMessage, MqttPubAckReasonCode.Success, null, null, CancellationToken.None)).Should().BeFalse();
        await _server.SendPacketAsync(QueuedPubAck(publish), CancellationToken.None);

        ((MqttPubAckPacket)await ClientReceivesAsync()).PacketIdentifier.Should().Be(8);
        await ThenNothingButAPingResponseAsync();
    }

    [Fact]
    public async Task A_message_is_answered_early_only_once()
    {
        var publish = await PublishAsync(9);

        (await _server.TryAnswerAsync(publish.Topic, MqttPubAckReasonCode.Success, null, null, CancellationToken.None)).Should().BeTrue();
        (await _server.TryAnswerAsync(publish.Topic, MqttPubAckReasonCode.Success, null, null, CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task A_qos_0_publish_has_no_acknowledgement_to_answer()
    {
        var publish = await PublishAsync(0, MqttQualityOfServiceLevel.AtMostOnce);

        (await _server.TryAnswerAsync(publish.Topic, MqttPubAckReasonCode.Success, null, null, CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task Acknowledgements_answered_early_and_late_reach_the_client_once_each_in_order()
    {
        var first = await PublishAsync(1);
        await _server.TryAnswerAsync(first.Topic, MqttPubAckReasonCode.Success, null, null, CancellationToken.None);
        var second = await PublishAsync(2);

        // MQTTnet's send loop offers its PUBACKs afterwards, in order: the first was answered, the second was not.
        await _server.SendPacketAsync(QueuedPubAck(first), CancellationToken.None);
        await _server.SendPacketAsync(QueuedPubAck(second), CancellationToken.None);

        ((MqttPubAckPacket)await ClientReceivesAsync()).PacketIdentifier.Should().Be(1);
        ((MqttPubAckPacket)await ClientReceivesAsync()).PacketIdentifier.Should().Be(2);
        await ThenNothingButAPingResponseAsync();
    }

    private static InterceptingPublishEventArgs Handled(MqttPublishPacket publish, string clientId) =>
        new(new MqttApplicationMessage { Topic = publish.Topic, QualityOfServiceLevel = publish.QualityOfServiceLevel }, clientId, clientId, new Dictionary<string, object>(), CancellationToken.None)
        {
            ProcessPublish = false,
        };

    [Fact]
    public async Task A_handled_message_is_answered_on_its_clients_connection()
    {
        var connections = new AnsweringConnections();
        connections.Admitted("noise-1", _server);
        var publish = await PublishAsync(3);

        (await connections.TryAnswerAsync(Handled(publish, "noise-1"))).Should().BeTrue();

        ((MqttPubAckPacket)await ClientReceivesAsync()).PacketIdentifier.Should().Be(3);
    }

    [Fact]
    public async Task A_message_that_closes_its_connection_is_not_answered()
    {
        var connections = new AnsweringConnections();
        connections.Admitted("noise-1", _server);
        var handled = Handled(await PublishAsync(4), "noise-1");
        handled.CloseConnection = true;

        (await connections.TryAnswerAsync(handled)).Should().BeFalse();
    }

    [Fact]
    public async Task A_client_admitted_again_is_answered_on_its_newer_connection_after_the_older_closes()
    {
        var connections = new AnsweringConnections();
        using var older = new GuardedChannelAdapter(
            Adapter(Stream.Null, _owned.OfType<Socket>().First()), new PacketLimitStream(Stream.Null, 1024, 65536), KeepAlive, 65536, isSecureConnection: false);
        connections.Admitted("noise-1", older);
        connections.Admitted("noise-1", _server);
        older.Dispose();
        var publish = await PublishAsync(5);

        (await connections.TryAnswerAsync(Handled(publish, "noise-1"))).Should().BeTrue();

        ((MqttPubAckPacket)await ClientReceivesAsync()).PacketIdentifier.Should().Be(5);
        connections.Count.Should().Be(1);
    }

    [Fact]
    public void A_closed_connection_is_forgotten()
    {
        var connections = new AnsweringConnections();
        connections.Admitted("noise-1", _server);

        _server.Dispose();

        connections.Count.Should().Be(0);
    }
}
