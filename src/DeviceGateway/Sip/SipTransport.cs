using System.Buffers;
using System.Net;
using System.Net.Sockets;
using CityOps.Sip;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Sip;

/// <summary>
/// The access point's UDP and TCP listeners on <c>Sip:Port</c>. A datagram is one message; a TCP stream is framed by its
/// blank line and Content-Length, read into a buffer no larger than the message limit, with a connection cap and an idle
/// timeout. Whatever cannot be parsed is counted and dropped (a stream that cannot be framed is closed); parsed messages go
/// to <see cref="SipAccessPoint"/>.
/// </summary>
public sealed partial class SipTransport(
    IOptions<SipOptions> options, SipAccessPoint accessPoint, GatewayMetrics metrics, ILogger<SipTransport> logger) : IHostedService, IAsyncDisposable
{
    private readonly SipOptions _options = options.Value;
    private readonly SipParser _parser = new(options.Value.Limits);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private UdpClient? _udp;
    private TcpListener? _tcp;
    private int _tcpConnections;
    private int _datagramsInFlight;

    /// <summary>Datagrams being handled at once at most; beyond it they are dropped and counted (<c>rateLimited</c>).</summary>
    private const int MaxDatagramsInFlight = 1024;

    /// <summary>The UDP port bound (the configured one, or the one the system chose for port 0).</summary>
    public int UdpPort { get; private set; }

    public int TcpPort { get; private set; }

    public bool IsRunning => _udp is not null && _tcp is not null && !_stopping.IsCancellationRequested;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(_options.BindAddress);
        _udp = new UdpClient(new IPEndPoint(address, _options.Port));
        UdpPort = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
        _tcp = new TcpListener(address, _options.Port == 0 ? UdpPort : _options.Port);
        _tcp.Start();
        TcpPort = ((IPEndPoint)_tcp.LocalEndpoint).Port;
        accessPoint.Listening(new IPEndPoint(address, UdpPort));
        _loops.Add(Task.Run(() => ReceiveDatagramsAsync(_udp, _stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => AcceptAsync(_tcp, _stopping.Token), CancellationToken.None));
        LogListening(_options.BindAddress, UdpPort);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _udp?.Dispose();
        _tcp?.Stop();
        await Task.WhenAll(_loops).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        _udp?.Dispose();
        _tcp?.Dispose();
        _stopping.Dispose();
    }

    private async Task ReceiveDatagramsAsync(UdpClient udp, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await udp.ReceiveAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP port-unreachable from an earlier send surfaces here on some systems; the socket goes on.
                continue;
            }

            var remote = datagram.RemoteEndPoint;
            var peer = new SipPeer("UDP", remote, async (bytes, ct) => await udp.SendAsync(bytes, remote, ct));
            var parsed = _parser.Parse(datagram.Buffer);
            if (!parsed.IsOk)
            {
                Refused(parsed.Refusal!.Value, peer, parsed.Detail);
                continue;
            }

            // Each message on its own: a slow grain call for one device never holds the socket for others. At most
            // MaxDatagramsInFlight at once, so a flood cannot pile up work faster than the grains answer it.
            if (Interlocked.Increment(ref _datagramsInFlight) > MaxDatagramsInFlight)
            {
                Interlocked.Decrement(ref _datagramsInFlight);
                Refused(SipRefusal.RateLimited, peer, "too many datagrams under way");
                continue;
            }

            _ = Task.Run(
                async () =>
                {
                    try
                    {
                        await accessPoint.HandleAsync(parsed.Value!, peer, stopping);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _datagramsInFlight);
                    }
                },
                CancellationToken.None);
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (Interlocked.Increment(ref _tcpConnections) > _options.MaxTcpConnections)
            {
                Interlocked.Decrement(ref _tcpConnections);
                metrics.SipRefused(SipRefusal.TooLarge);
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => ServeConnectionAsync(client, stopping), CancellationToken.None);
        }
    }

    private async Task ServeConnectionAsync(TcpClient client, CancellationToken stopping)
    {
        using var _ = client;
        var stream = client.GetStream();
        var remote = (IPEndPoint)client.Client.RemoteEndPoint!;
        var writeLock = new SemaphoreSlim(1, 1);
        var peer = new SipPeer("TCP", remote, async (bytes, ct) =>
        {
            await writeLock.WaitAsync(ct);
            try
            {
                await stream.WriteAsync(bytes, ct);
            }
            finally
            {
                writeLock.Release();
            }
        });
        var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
        var max = _options.MaxMessageBytes;
        var filled = 0;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            while (true)
            {
                idle.CancelAfter(_options.TcpIdleTimeout);
                int? head;
                while (true)
                {
                    // Blank lines between messages are a stream's keep-alive (RFC 5626 double CRLF).
                    var blank = 0;
                    while (filled - blank >= 2 && buffer[blank] == '\r' && buffer[blank + 1] == '\n')
                    {
                        blank += 2;
                    }

                    if (blank > 0)
                    {
                        Buffer.BlockCopy(buffer, blank, buffer, 0, filled - blank);
                        filled -= blank;
                    }

                    if ((head = SipParser.HeadLength(buffer.AsSpan(0, filled))) is not null)
                    {
                        break;
                    }

                    if (filled == max)
                    {
                        Refused(SipRefusal.TooLarge, peer, $"no end of headers within {max} bytes");
                        return;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(filled, max - filled), idle.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var framing = _parser.ContentLengthOf(buffer.AsSpan(0, head.Value), out var bodyLength);
                if (!framing.IsOk || head.Value + bodyLength > max)
                {
                    // A stream whose next message cannot be found is closed: nothing after it can be trusted.
                    Refused(framing.IsOk ? SipRefusal.TooLarge : framing.Refusal!.Value, peer, framing.Detail ?? $"{head.Value + bodyLength} bytes");
                    return;
                }

                var total = head.Value + bodyLength;
                while (filled < total)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(filled, max - filled), idle.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    filled += read;
                }

                var parsed = _parser.Parse(buffer.AsSpan(0, total), stream: true);
                Buffer.BlockCopy(buffer, total, buffer, 0, filled - total);
                filled -= total;
                if (!parsed.IsOk)
                {
                    Refused(parsed.Refusal!.Value, peer, parsed.Detail);
                    continue;
                }

                await accessPoint.HandleAsync(parsed.Value!, peer, stopping);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Idle, closed by the device or stopping: the connection ends.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            accessPoint.ConnectionClosed(peer);
            writeLock.Dispose();
            Interlocked.Decrement(ref _tcpConnections);
        }
    }

    private void Refused(SipRefusal refusal, SipPeer peer, string? detail)
    {
        metrics.SipRefused(refusal);
        LogRefused(refusal.Name(), peer.ToString(), detail ?? "");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GB/T 28181 access point listening on {Address}:{Port} (UDP and TCP)")]
    private partial void LogListening(string address, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused SIP message ({Reason}) from {Peer}: {Detail}")]
    private partial void LogRefused(string reason, string peer, string detail);
}
