using System.Buffers;
using System.Net;
using System.Net.Sockets;
using CityOps.Sip;

namespace CityOps.Samples.DeviceSimulator.Gb28181;

/// <summary>
/// A device's SIP connection to the access point, over UDP or TCP: sends bytes, and hands every message it receives to
/// <see cref="Received"/>. TCP messages are framed by their blank line and Content-Length, as the access point frames them.
/// </summary>
public sealed class SipChannel : IAsyncDisposable
{
    private readonly UdpClient? _udp;
    private readonly TcpClient? _tcp;
    private readonly IPEndPoint _server;
    private readonly SipParser _parser = new(new SipLimits());
    private readonly CancellationTokenSource _closing = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Task? _receiving;

    private SipChannel(string transport, IPEndPoint server, UdpClient? udp, TcpClient? tcp)
    {
        Transport = transport;
        _server = server;
        _udp = udp;
        _tcp = tcp;
    }

    /// <summary><c>UDP</c> or <c>TCP</c>.</summary>
    public string Transport { get; }

    public IPEndPoint Local => (IPEndPoint)(_udp?.Client.LocalEndPoint ?? _tcp!.Client.LocalEndPoint!);

    /// <summary>Called for each message received, on the receiving task.</summary>
    public Func<SipMessage, Task>? Received { get; set; }

    public static async Task<SipChannel> OpenAsync(string transport, IPEndPoint server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (transport == "TCP")
        {
            var tcp = new TcpClient(server.AddressFamily);
            await tcp.ConnectAsync(server, cancellationToken);
            return new SipChannel("TCP", server, null, tcp);
        }

        return new SipChannel("UDP", server, new UdpClient(new IPEndPoint(server.Address, 0)), null);
    }

    public void Start() => _receiving ??= Task.Run(ReceiveAsync);

    public async Task SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (_udp is not null)
        {
            await _udp.SendAsync(bytes, _server, cancellationToken);
            return;
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _tcp!.GetStream().WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _udp?.Dispose();
        _tcp?.Dispose();
        if (_receiving is not null)
        {
            await _receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _closing.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReceiveAsync()
    {
        try
        {
            if (_udp is not null)
            {
                while (!_closing.IsCancellationRequested)
                {
                    var datagram = await _udp.ReceiveAsync(_closing.Token);
                    await DeliverAsync(_parser.Parse(datagram.Buffer));
                }
            }
            else
            {
                await ReceiveStreamAsync(_tcp!.GetStream());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
            // Closed.
        }
    }

    private async Task ReceiveStreamAsync(NetworkStream stream)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var filled = 0;
        try
        {
            while (true)
            {
                int? head;
                while ((head = SipParser.HeadLength(buffer.AsSpan(0, filled))) is null)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), _closing.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                if (!_parser.ContentLengthOf(buffer.AsSpan(0, head.Value), out var length).IsOk)
                {
                    return;
                }

                while (filled < head.Value + length)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(filled), _closing.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var total = head.Value + length;
                var parsed = _parser.Parse(buffer.AsSpan(0, total), stream: true);
                Buffer.BlockCopy(buffer, total, buffer, 0, filled - total);
                filled -= total;
                await DeliverAsync(parsed);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task DeliverAsync(SipParsed<SipMessage> parsed)
    {
        if (parsed.IsOk && Received is { } received)
        {
            await received(parsed.Value!);
        }
    }
}
