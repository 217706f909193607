using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>
/// Stands between MQTTnet's server and one connection. It holds the CONNECT's keep-alive to <see cref="KeepAliveBounds"/>
/// and tells MQTT 5 clients in the CONNACK the keep-alive they are held to and the largest packet they may send. After
/// the CONNECT it reads the connection's packets itself, into one buffer of its own: a device's QoS 0 and 1 messages on
/// its own topics are answered here (<see cref="IDevicePublishes"/>, with the PUBACK written at once), and every other
/// packet is decoded with MQTTnet's formatter and handed to MQTTnet's server as before.
/// </summary>
/// <remarks>
/// Why: MQTTnet makes a dozen objects for every message it receives and acknowledges (the packet, its body, the
/// application message, the PUBACK and its queue entry, the send loop's next wait…), and with 10,000 devices those of
/// the latest message on every connection are alive at every young collection, which copies them and finds them through
/// the connections' old objects (docs/performance.md, "A device's messages read by the engine"). Read here, a message
/// costs the connection nothing that outlives it, and a connection waits for its next bytes with one pending call for
/// many messages. The order of acknowledgements (MQTT 4.6) is kept: while MQTTnet still owes the acknowledgement of a
/// message handed to it, the messages after it are handed to it too.
/// </remarks>
public sealed class GuardedChannelAdapter(
    IMqttChannelAdapter inner,
    PacketLimitStream stream,
    KeepAliveBounds keepAlive,
    int maxPacketBytes,
    bool isSecureConnection,
    KeepAliveWatch? watch = null,
    Action? abort = null)
    : IMqttChannelAdapter
{
    private const int PublishType = 3;

    /// <summary>What a connection's buffer starts at: a device's messages are a few hundred bytes; a larger packet grows it.</summary>
    private const int FirstBufferBytes = 512;

    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>The PUBACK (or DISCONNECT) this connection writes itself; at most 5 bytes.</summary>
    private readonly byte[] _answer = new byte[5];

    private bool _connectSeen;

    /// <summary>Set once the CONNACK accepting the connection is sent: only then are messages answered here.</summary>
    private volatile bool _accepted;

    /// <summary>The keep-alive the client asked for, when the server holds it to another.</summary>
    private ushort? _serverKeepAlive;

    /// <summary>Acknowledgements MQTTnet owes for QoS 1 and 2 messages handed to it.</summary>
    private int _acksOwed;

    private byte[] _buffer = new byte[FirstBufferBytes];

    /// <summary>The unread bytes are <c>_buffer[_start.._end]</c>.</summary>
    private int _start, _end;

    /// <summary>The bytes the packet at <see cref="_start"/> needs, once its length is known; 0 before.</summary>
    private int _needed;

    private long _bytesReceived, _bytesSent;

    /// <summary>When bytes last arrived (<see cref="Environment.TickCount64"/>), and how long a silence may last (0: for ever).</summary>
    private long _lastHeardMs, _silenceAllowedMs;

    /// <summary>Answers the messages of the authenticated device behind this connection; set by the broker when it accepts the device.</summary>
    public IDevicePublishes? DevicePublishes { get; set; }

    public long BytesReceived => inner.BytesReceived + Interlocked.Read(ref _bytesReceived);

    public long BytesSent => inner.BytesSent + Interlocked.Read(ref _bytesSent);

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool IsSecureConnection => isSecureConnection;

    public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    /// <summary>Whether the connection has been silent longer than its keep-alive allows at <paramref name="nowMs"/>.</summary>
    public bool IsSilentTooLong(long nowMs)
    {
        var allowed = Volatile.Read(ref _silenceAllowedMs);
        return allowed > 0 && nowMs - Volatile.Read(ref _lastHeardMs) > allowed;
    }

    /// <summary>Closes the connection under MQTTnet's feet: its read ends, and MQTTnet lets the client go.</summary>
    public void Abort() => abort?.Invoke();

    public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
    {
        if (!_connectSeen)
        {
            return await ReceiveConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        // One call reads every message answered here, however many, until a packet is for MQTTnet: the call (and the
        // state it waits with) is made once for all of them, not once a message.
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!TryFrame(out var header, out var bodyStart, out var bodyLength))
            {
                try
                {
                    // Between packets the connection waits without a buffer of its own (a zero-byte read), then reads what is there.
                    await stream.WaitForBytesAsync(cancellationToken).ConfigureAwait(false);
                    MakeRoom();
                    var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return null!;
                    }

                    _end += read;
                    Interlocked.Add(ref _bytesReceived, read);
                    Volatile.Write(ref _lastHeardMs, Environment.TickCount64);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    // Closed, cut off or stopped: MQTTnet ends the connection as for any close.
                    return null!;
                }

                continue;
            }

            var packetLength = bodyStart + bodyLength - _start;
            if (DevicePublishes is { } publishes && _accepted && Volatile.Read(ref _acksOwed) == 0 && header >> 4 == PublishType
                && TryReadPublish(header, bodyStart, bodyLength, out var qos, out var packetId, out var topic, out var payload)
                && publishes.TryMatch(_buffer.AsSpan(topic.Start, topic.Length), out var channel))
            {
                // The payload stays in the buffer until the answer is in: the buffer is only refilled after it.
                _start += packetLength;
                var answer = await publishes.AnswerAsync(channel, new ReadOnlySequence<byte>(_buffer, payload.Start, payload.Length)).ConfigureAwait(false);
                if (answer.CloseConnection)
                {
                    // As MQTTnet closes a connection its message handler asked to close: an MQTT 5 client is told why, no PUBACK.
                    if (PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
                    {
                        _answer[0] = 0xE0;
                        _answer[1] = 1;
                        _answer[2] = (byte)MqttDisconnectReasonCode.UnspecifiedError;
                        await TryWriteAnswerAsync(3, cancellationToken).ConfigureAwait(false);
                    }

                    return null!;
                }

                if (qos == 1 && !await TryWriteAnswerAsync(PubAck(packetId, answer.ReasonCode), cancellationToken).ConfigureAwait(false))
                {
                    return null!;
                }

                continue;
            }

            return Decode(header, bodyStart, bodyLength, packetLength);
        }

        return null!;
    }

    public void ResetStatistics()
    {
        inner.ResetStatistics();
        Interlocked.Exchange(ref _bytesReceived, 0);
        Interlocked.Exchange(ref _bytesSent, 0);
    }

    public async Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (packet is MqttConnAckPacket connAck && PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
        {
            connAck.MaximumPacketSize = (uint)maxPacketBytes;
            if (_serverKeepAlive is { } held)
            {
                connAck.ServerKeepAlive = held;
            }
        }

        // MQTTnet's sends and the answers written here share the connection: one at a time, whole packets.
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.SendPacketAsync(packet, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }

        switch (packet)
        {
            case MqttPubAckPacket or MqttPubRecPacket:
                Interlocked.Decrement(ref _acksOwed);
                break;
            case MqttConnAckPacket { ReasonCode: MqttConnectReasonCode.Success }:
                _accepted = true;
                break;
        }
    }

    public void Dispose()
    {
        watch?.Forget(this);
        inner.Dispose();
    }

    private async Task<MqttPacket> ReceiveConnectAsync(CancellationToken cancellationToken)
    {
        // MQTTnet reads the CONNECT itself: it learns the protocol version from it.
        var packet = await inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
        if (packet is MqttConnectPacket connect)
        {
            _connectSeen = true;
            var held = keepAlive.Apply(connect.KeepAlivePeriod);
            if (held != connect.KeepAlivePeriod)
            {
                _serverKeepAlive = held;
            }

            // MQTTnet's keep-alive monitor sees only the packets handed to it; the watch sees every byte. Without a watch,
            // MQTTnet's monitor keeps the held keep-alive.
            connect.KeepAlivePeriod = watch is null ? held : (ushort)0;
            Volatile.Write(ref _lastHeardMs, Environment.TickCount64);
            Volatile.Write(ref _silenceAllowedMs, held * 1500L);
            watch?.Watch(this);
        }

        return packet;
    }

    /// <summary>Finds the whole packet at the start of the unread bytes: its first byte, and where its body is.</summary>
    private bool TryFrame(out int header, out int bodyStart, out int bodyLength)
    {
        (header, bodyStart, bodyLength) = (0, 0, 0);
        var available = _end - _start;
        if (available < 2)
        {
            return false;
        }

        // The remaining length: 1 to 4 bytes of 7 bits (the stream below has cut off any packet with more, or too long).
        var length = 0;
        var i = 1;
        for (var shift = 0; ; shift += 7, i++)
        {
            if (i >= available || i > 4)
            {
                return false;
            }

            var b = _buffer[_start + i];
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        _needed = i + 1 + length;
        if (available < _needed)
        {
            return false;
        }

        (header, bodyStart, bodyLength) = (_buffer[_start], _start + i + 1, length);
        _needed = 0;
        return true;
    }

    /// <summary>Room after the unread bytes for the rest of the packet under way, or for a read when its length is not known yet.</summary>
    private void MakeRoom()
    {
        var unread = _end - _start;
        var needed = Math.Max(_needed, unread + 1);
        if (unread == 0 && _buffer.Length > FirstBufferBytes * 8)
        {
            // A large packet passed: the buffer shrinks back rather than stay large on a connection of small messages.
            _buffer = new byte[FirstBufferBytes];
        }
        else if (needed > _buffer.Length)
        {
            var grown = new byte[Math.Max(needed, Math.Min(_buffer.Length * 2, maxPacketBytes + 5))];
            Buffer.BlockCopy(_buffer, _start, grown, 0, unread);
            _buffer = grown;
        }
        else if (_start > 0 && (_buffer.Length - _end < needed - unread || _buffer.Length - _end < 64))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
        }
        else
        {
            return;
        }

        (_start, _end) = (0, unread);
    }

    /// <summary>
    /// Reads a PUBLISH this connection may answer itself: QoS 0 or 1 and, in MQTT 5, without properties (a topic alias and
    /// the like are MQTTnet's to handle). False for any other, which goes to MQTTnet as it is.
    /// </summary>
    private bool TryReadPublish(int header, int bodyStart, int bodyLength, out int qos, out ushort packetId, out (int Start, int Length) topic, out (int Start, int Length) payload)
    {
        (packetId, topic, payload) = (0, default, default);
        qos = (header >> 1) & 3;
        var at = bodyStart;
        var end = bodyStart + bodyLength;
        if (qos > 1 || end - at < 2)
        {
            return false;
        }

        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at, 2));
        at += 2;
        if (end - at < topicLength)
        {
            return false;
        }

        topic = (at, topicLength);
        at += topicLength;
        if (qos == 1)
        {
            if (end - at < 2)
            {
                return false;
            }

            packetId = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at, 2));
            at += 2;
            if (packetId == 0)
            {
                return false;
            }
        }

        if (PacketFormatterAdapter.ProtocolVersion == MqttProtocolVersion.V500)
        {
            if (at >= end || _buffer[at] != 0)
            {
                return false;
            }

            at++;
        }

        payload = (at, end - at);
        return true;
    }

    /// <summary>Writes a PUBACK into the answer buffer; its length. MQTT 3.1.1 has no reason code; MQTT 5 leaves out a success.</summary>
    private int PubAck(ushort packetId, MqttPubAckReasonCode reason)
    {
        _answer[0] = 0x40;
        BinaryPrimitives.WriteUInt16BigEndian(_answer.AsSpan(2, 2), packetId);
        if (reason == MqttPubAckReasonCode.Success || PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
        {
            _answer[1] = 2;
            return 4;
        }

        _answer[1] = 3;
        _answer[4] = (byte)reason;
        return 5;
    }

    private async ValueTask<bool> TryWriteAnswerAsync(int length, CancellationToken cancellationToken)
    {
        try
        {
            await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await stream.WriteAsync(_answer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writing.Release();
            }

            Interlocked.Add(ref _bytesSent, length);
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Decodes the packet for MQTTnet, with a body of its own (MQTTnet's packets keep their bytes).</summary>
    private MqttPacket Decode(int header, int bodyStart, int bodyLength, int packetLength)
    {
        var body = bodyLength == 0 ? [] : _buffer.AsSpan(bodyStart, bodyLength).ToArray();
        _start += packetLength;
        var packet = PacketFormatterAdapter.Decode(new ReceivedMqttPacket((byte)header, new ArraySegment<byte>(body), packetLength));
        if (packet is MqttPublishPacket { QualityOfServiceLevel: > MqttQualityOfServiceLevel.AtMostOnce })
        {
            Interlocked.Increment(ref _acksOwed);
        }

        return packet;
    }
}
