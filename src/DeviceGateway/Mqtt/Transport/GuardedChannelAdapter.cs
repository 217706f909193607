using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Exceptions;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>
/// Stands between MQTTnet's server and one connection: holds the CONNECT's keep-alive to <see cref="KeepAliveBounds"/>
/// (MQTTnet's keep-alive monitor reads it from the CONNECT packet) and tells MQTT 5 clients in the CONNACK the
/// keep-alive they are held to and the largest packet they may send. Between packets it waits for the connection's
/// next bytes itself (<see cref="PacketLimitStream.WaitForBytesAsync"/>), and lets the broker answer a QoS 1 PUBLISH
/// as soon as its handler has decided (<see cref="TryAnswerAsync"/>).
/// </summary>
public sealed class GuardedChannelAdapter(IMqttChannelAdapter inner, PacketLimitStream stream, KeepAliveBounds keepAlive, int maxPacketBytes, bool isSecureConnection)
    : IMqttChannelAdapter
{
    private bool _connectSeen;

    /// <summary>The keep-alive the client asked for, when the server holds it to another.</summary>
    private ushort? _serverKeepAlive;

    /// <summary>The QoS 1 PUBLISH being handled, until it is answered or the next packet is read.</summary>
    private MqttPublishPacket? _unanswered;

    /// <summary>Packet ids answered by <see cref="TryAnswerAsync"/> whose PUBACK MQTTnet's send loop has yet to offer.</summary>
    private readonly Queue<ushort> _answeredEarly = new();

    /// <summary>Raised once when the connection's adapter is disposed.</summary>
    public event Action? Closed;

    public long BytesReceived => inner.BytesReceived;

    public long BytesSent => inner.BytesSent;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => isSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        // MQTTnet reads a packet through seven async calls; started on a silent connection, each would wait with its own
        // state until the device next speaks, and with 10,000 devices that state is tens of megabytes that every young
        // collection finds alive and copies (docs/performance.md, "Young survivors"). Started once bytes are there, the
        // read completes at once and only this call waits.
        if (_connectSeen)
        {
            try
            {
                await stream.WaitForBytesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The read below meets the same end and reports it the way MQTTnet expects.
            }
        }

        var packet = await inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _unanswered, packet is MqttPublishPacket { QualityOfServiceLevel: MqttQualityOfServiceLevel.AtLeastOnce } publish ? publish : null);
        if (!_connectSeen && packet is MqttConnectPacket connect)
        {
            _connectSeen = true;
            var held = keepAlive.Apply(connect.KeepAlivePeriod);
            if (held != connect.KeepAlivePeriod)
            {
                connect.KeepAlivePeriod = held;
                _serverKeepAlive = held;
            }
        }

        return packet;
    }

    public void ResetStatistics() => inner.ResetStatistics();

    /// <summary>
    /// Sends the PUBACK of the QoS 1 PUBLISH being handled now, from the handler itself, with the answer MQTTnet would give.
    /// MQTTnet queues its PUBACK for the connection's send loop, which a busy thread pool reaches late (docs/performance.md,
    /// "The PUBACK from the handler"); the copy it offers later is dropped (<see cref="SendPacketAsync"/>). The
    /// PUBLISH is known by its topic, the very string the handler was given: false, and nothing sent, when this connection
    /// is not handling that message (a connection that took over the client id meanwhile) or the connection fails; MQTTnet's
    /// own PUBACK then follows its usual way.
    /// </summary>
    public async ValueTask<bool> TryAnswerAsync(string? topic, MqttPubAckReasonCode reasonCode, string? reasonString, List<MqttUserProperty>? userProperties, CancellationToken cancellationToken)
    {
        var publish = Interlocked.Exchange(ref _unanswered, null);
        if (publish is null || !ReferenceEquals(publish.Topic, topic))
        {
            return false;
        }

        try
        {
            await inner.SendPacketAsync(
                new MqttPubAckPacket { PacketIdentifier = publish.PacketIdentifier, ReasonCode = reasonCode, ReasonString = reasonString, UserProperties = userProperties },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttCommunicationException or IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }

        lock (_answeredEarly)
        {
            _answeredEarly.Enqueue(publish.PacketIdentifier);
        }

        return true;
    }

    public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        if (packet is MqttPubAckPacket pubAck && WasAnsweredEarly(pubAck.PacketIdentifier))
        {
            return Task.CompletedTask;
        }

        if (packet is MqttConnAckPacket connAck && PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
        {
            connAck.MaximumPacketSize = (uint)maxPacketBytes;
            if (_serverKeepAlive is { } held)
            {
                connAck.ServerKeepAlive = held;
            }
        }

        return inner.SendPacketAsync(packet, cancellationToken);
    }

    /// <summary>MQTTnet offers its PUBACKs in the order of their PUBLISHes, so an early answer is always the first in line.</summary>
    private bool WasAnsweredEarly(ushort packetIdentifier)
    {
        lock (_answeredEarly)
        {
            if (_answeredEarly.TryPeek(out var first) && first == packetIdentifier)
            {
                _answeredEarly.Dequeue();
                return true;
            }

            return false;
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref Closed, null)?.Invoke();
        inner.Dispose();
    }
}
