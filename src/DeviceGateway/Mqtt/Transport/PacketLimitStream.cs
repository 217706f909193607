namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>Why a <see cref="PacketLimitStream"/> cut its connection off.</summary>
public enum PacketLimitBreach
{
    None,

    /// <summary>A packet announced more bytes than the limit allows.</summary>
    TooLarge,

    /// <summary>The first packet was not a CONNECT, or a length was malformed.</summary>
    Malformed,
}

/// <summary>
/// Reads an MQTT connection's bytes for MQTTnet and follows the packets' framing as they pass: each packet's
/// length is known from its fixed header before its body arrives, so a packet above the limit is refused before
/// a byte of it is buffered. The first packet must be a CONNECT and is held to a smaller limit. When the limit is
/// broken the connection reads as closed, and the caller closes the socket. Not for concurrent reads (MQTTnet
/// reads each connection from one loop).
/// </summary>
public sealed class PacketLimitStream(Stream inner, int maxConnectPacketBytes, int maxPacketBytes) : Stream
{
    private const byte ConnectPacketType = 1;

    private State _state = State.Header;
    private bool _first = true;
    private byte _packetType;
    private long _remaining;
    private int _lengthBytes;
    private int _shift;
    private bool _connectReceived;

    /// <summary>Set once the whole first packet, a CONNECT, has arrived.</summary>
    public bool ConnectReceived => Volatile.Read(ref _connectReceived);

    public PacketLimitBreach Breach { get; private set; }

    /// <summary>Called once, on the reading thread, when the whole CONNECT has arrived.</summary>
    public Action? OnConnectReceived { get; set; }

    private enum State
    {
        Header,
        Length,
        Body,
    }

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Breach != PacketLimitBreach.None)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Follow(buffer.Span[..read]) ? read : 0;
    }

    /// <summary>
    /// Completes once the connection has bytes to read, or has closed, without reading any (a zero-byte read: the
    /// socket's, or TLS's when it holds none decrypted). A connection waits here between packets so that reading the
    /// next one completes at once, with nothing of its own kept alive while the device is silent
    /// (<see cref="GuardedChannelAdapter.ReceivePacketAsync"/>).
    /// </summary>
    public ValueTask<int> WaitForBytesAsync(CancellationToken cancellationToken) =>
        Breach == PacketLimitBreach.None ? inner.ReadAsync(Memory<byte>.Empty, cancellationToken) : ValueTask.FromResult(0);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (Breach != PacketLimitBreach.None)
        {
            return 0;
        }

        var read = inner.Read(buffer, offset, count);
        return Follow(buffer.AsSpan(offset, read)) ? read : 0;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Follows the framing through the bytes just read; false when they break a limit.</summary>
    private bool Follow(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_state)
            {
                case State.Header:
                    _packetType = (byte)(bytes[i] >> 4);
                    if (_first && _packetType != ConnectPacketType)
                    {
                        return Cut(PacketLimitBreach.Malformed);
                    }

                    _remaining = 0;
                    _lengthBytes = 0;
                    _shift = 0;
                    _state = State.Length;
                    i++;
                    break;

                case State.Length:
                    var b = bytes[i++];
                    _remaining |= (long)(b & 0x7F) << _shift;
                    _shift += 7;
                    _lengthBytes++;
                    if ((b & 0x80) != 0)
                    {
                        if (_lengthBytes == 4)
                        {
                            return Cut(PacketLimitBreach.Malformed);
                        }

                        // Even the bytes so far announce too much: no need to wait for the rest of the length.
                        if (1 + _lengthBytes + _remaining > Limit)
                        {
                            return Cut(PacketLimitBreach.TooLarge);
                        }

                        break;
                    }

                    if (1 + _lengthBytes + _remaining > Limit)
                    {
                        return Cut(PacketLimitBreach.TooLarge);
                    }

                    if (_remaining == 0)
                    {
                        PacketEnded();
                    }
                    else
                    {
                        _state = State.Body;
                    }

                    break;

                case State.Body:
                    var take = (int)Math.Min(_remaining, bytes.Length - i);
                    _remaining -= take;
                    i += take;
                    if (_remaining == 0)
                    {
                        PacketEnded();
                    }

                    break;
            }
        }

        return true;
    }

    private long Limit => _first ? maxConnectPacketBytes : maxPacketBytes;

    private void PacketEnded()
    {
        _state = State.Header;
        if (_first)
        {
            _first = false;
            Volatile.Write(ref _connectReceived, true);
            OnConnectReceived?.Invoke();
        }
    }

    private bool Cut(PacketLimitBreach breach)
    {
        Breach = breach;
        return false;
    }
}
