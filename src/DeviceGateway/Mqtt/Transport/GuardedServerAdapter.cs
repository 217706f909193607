using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CityOps.DeviceGateway.Payloads;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>
/// The broker's listeners (plain TCP and, with a certificate, TLS) in place of MQTTnet's own, so that a connection is
/// held to limits from its first byte: the connection caps (<see cref="ConnectionLimiter"/>) decide before anything is
/// read; a connection beyond them is answered with a CONNACK refusal when it sends a CONNECT promptly, and closed
/// otherwise; the TLS handshake and the whole CONNECT must arrive within <see cref="GatewayOptions.ConnectTimeout"/>;
/// packets above the limits are cut off before they are buffered (<see cref="PacketLimitStream"/>); the keep-alive is
/// held to its bounds (<see cref="GuardedChannelAdapter"/>). Every refusal is counted in <see cref="GatewayMetrics"/>.
/// </summary>
public sealed partial class GuardedServerAdapter : IMqttServerAdapter
{
    /// <summary>Refusals answered with a CONNACK at the same time; beyond them a refused socket is closed at once.</summary>
    private const int MaxAnsweredRefusals = 32;

    /// <summary>
    /// The first size of a connection's send buffer. A device is sent CONNACKs, PUBACKs and commands of a few hundred
    /// bytes; MQTTnet's 4 KiB default, for every one of 10,000 connections, is 40 MB that each new connection's sessions
    /// carry through the young collections. A larger packet grows the buffer (up to <c>WriterBufferSizeMax</c>).
    /// </summary>
    private const int FirstSendBufferBytes = 256;

    /// <summary>How long a refused connection is given to send the CONNECT that its refusal answers.</summary>
    private static readonly TimeSpan RefusalWait = TimeSpan.FromSeconds(2);

    private readonly GatewayOptions _options;
    private readonly ConnectionLimiter _limiter;
    private readonly GatewayMetrics _metrics;
    private readonly X509Certificate2? _certificate;
    private readonly KeepAliveBounds _keepAlive;
    private readonly LogThrottle _logThrottle;
    private readonly ILogger _logger;
    private readonly List<Socket> _listeners = [];
    private readonly KeepAliveWatch _keepAliveWatch = new();
    private CancellationTokenSource? _stopping;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger _mqttLogger = MqttNetNullLogger.Instance;
    private int _refusing;

    public GuardedServerAdapter(GatewayOptions options, ConnectionLimiter limiter, GatewayMetrics metrics, X509Certificate2? certificate, TimeProvider clock, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _limiter = limiter;
        _metrics = metrics;
        _certificate = certificate;
        _keepAlive = KeepAliveBounds.From(options);
        _logThrottle = new LogThrottle(clock);
        _logger = logger;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The ports actually listened on (a configured port 0 is given one by the system).</summary>
    public int? PlainPort { get; private set; }

    public int? TlsPort { get; private set; }

    /// <summary>Open connections whose keep-alive the broker watches.</summary>
    public int WatchedConnections => _keepAliveWatch.Count;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _serverOptions = options;
        _mqttLogger = logger;
        _stopping = new CancellationTokenSource();
        _keepAliveWatch.Start();
        var address = IPAddress.Parse(_options.BindAddress);
        if (_certificate is null || !_options.Tls.RequireTls)
        {
            PlainPort = Listen(address, _options.Port, tls: false);
        }

        if (_certificate is not null)
        {
            TlsPort = Listen(address, _options.Tls.Port, tls: true);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _stopping?.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopAsync().GetAwaiter().GetResult();
        _stopping?.Dispose();
        _keepAliveWatch.Dispose();
    }

    private int Listen(IPAddress address, int port, bool tls)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listeners.Add(socket);
        var stopping = _stopping!.Token;
        _ = Task.Run(() => AcceptAsync(socket, tls, stopping), CancellationToken.None);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private async Task AcceptAsync(Socket listener, bool tls, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors and the like: wait a little rather than spin.
                if (_logThrottle.ShouldLog("accept"))
                {
                    LogAcceptFailed(ex.SocketErrorCode.ToString());
                }

                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            _ = Task.Run(() => ServeAsync(client, tls, stopping), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket socket, bool tls, CancellationToken stopping)
    {
        if (socket.RemoteEndPoint is not IPEndPoint remote)
        {
            socket.Dispose();
            return;
        }

        var admission = _limiter.TryAcquire(remote.Address);
        if (admission != ConnectionAdmission.Admitted)
        {
            await RefuseAsync(socket, tls, admission).ConfigureAwait(false);
            return;
        }

        try
        {
            await ServeAdmittedAsync(socket, remote, tls, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away, failed its handshake or was cut off: nothing is left to do for it.
        }
        catch (Exception ex)
        {
            if (_logThrottle.ShouldLog("serve"))
            {
                LogServeFailed(ex, remote.ToString());
            }
        }
        finally
        {
            socket.Dispose();
            _limiter.Release(remote.Address);
        }
    }

    private async Task ServeAdmittedAsync(Socket socket, IPEndPoint remote, bool tls, CancellationToken stopping)
    {
        socket.NoDelay = true;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        PacketLimitStream? guard = null;
        var timedOut = 0;

        // Until the handshake and the whole CONNECT are in, the deadline closes the socket; after that the keep-alive watch does.
        await using var onDeadline = deadline.Token.UnsafeRegister(_ =>
        {
            if (!(guard?.ConnectReceived ?? false) && !stopping.IsCancellationRequested && Interlocked.Exchange(ref timedOut, 1) == 0)
            {
                _metrics.Rejected(RejectReason.ConnectTimeout);
                socket.Dispose();
            }
        }, null).ConfigureAwait(false);
        deadline.CancelAfter(_options.ConnectTimeout);

        guard = await OpenAsync(socket, tls, _options.MaxConnectPacketBytes, _options.MaxPacketBytes, deadline.Token).ConfigureAwait(false);
        await using (guard.ConfigureAwait(false))
        {
            guard.OnConnectReceived = () => deadline.CancelAfter(Timeout.InfiniteTimeSpan);
            try
            {
                if (ClientHandler is { } handler)
                {
                    // MQTTnet never disposes the adapter it is handed: disposing it here takes the connection out of the
                    // keep-alive watch, which would otherwise hold a closed connection's objects until its silence ran out.
                    using var connection = new GuardedChannelAdapter(NewAdapter(guard, socket, remote), guard, _keepAlive, _options.MaxPacketBytes, tls, _keepAliveWatch, socket.Dispose);
                    await handler(connection).ConfigureAwait(false);
                }
            }
            finally
            {
                CountBreach(guard);
            }
        }
    }

    /// <summary>
    /// A connection beyond a cap: when few refusals are under way, its CONNECT (if it comes promptly) is answered with
    /// the reason (MQTT 5 <c>Server busy</c> or <c>Quota exceeded</c>; MQTT 3.1.1 <c>Server unavailable</c>); otherwise,
    /// and for a socket that sends nothing, it is simply closed.
    /// </summary>
    private async Task RefuseAsync(Socket socket, bool tls, ConnectionAdmission admission)
    {
        var reason = admission == ConnectionAdmission.TooManyConnections ? RejectReason.ConnectionLimit : RejectReason.AddressConnectionLimit;
        _metrics.Rejected(reason);
        if (_logThrottle.ShouldLog(reason.Name()))
        {
            LogRefused(socket.RemoteEndPoint?.ToString() ?? "?", reason.Name());
        }

        try
        {
            if (Interlocked.Increment(ref _refusing) > MaxAnsweredRefusals)
            {
                return;
            }

            using var wait = new CancellationTokenSource(RefusalWait);
            await using var onWait = wait.Token.UnsafeRegister(s => ((Socket)s!).Dispose(), socket).ConfigureAwait(false);
            var guard = await OpenAsync(socket, tls, _options.MaxConnectPacketBytes, _options.MaxConnectPacketBytes, wait.Token).ConfigureAwait(false);
            await using (guard.ConfigureAwait(false))
            {
                using var adapter = NewAdapter(guard, socket, (IPEndPoint)socket.RemoteEndPoint!);
                if (await adapter.ReceivePacketAsync(wait.Token).ConfigureAwait(false) is MqttConnectPacket)
                {
                    var code = admission == ConnectionAdmission.TooManyConnections ? MqttConnectReasonCode.ServerBusy : MqttConnectReasonCode.QuotaExceeded;
                    await adapter.SendPacketAsync(
                        new MqttConnAckPacket { ReasonCode = code, ReturnCode = MqttConnectReturnCode.ConnectionRefusedServerUnavailable },
                        wait.Token).ConfigureAwait(false);
                    socket.Shutdown(SocketShutdown.Both);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException
            or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // A refused client that does not play along is simply closed.
        }
        finally
        {
            Interlocked.Decrement(ref _refusing);
            socket.Dispose();
        }
    }

    private async Task<PacketLimitStream> OpenAsync(Socket socket, bool tls, int maxConnectPacketBytes, int maxPacketBytes, CancellationToken deadline)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (tls)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        ClientCertificateRequired = false,
                        EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    },
                    deadline).ConfigureAwait(false);
            }
            catch
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            stream = ssl;
        }

        return new PacketLimitStream(stream, maxConnectPacketBytes, maxPacketBytes);
    }

    private MqttChannelAdapter NewAdapter(PacketLimitStream stream, Socket socket, IPEndPoint remote)
    {
        var options = _serverOptions ?? new MqttServerOptions();
        var channel = new MqttTcpChannel(stream, socket.LocalEndPoint, remote, null);
        var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(Math.Min(options.WriterBufferSize, FirstSendBufferBytes), options.WriterBufferSizeMax));
        return new MqttChannelAdapter(channel, formatter, _mqttLogger) { AllowPacketFragmentation = true };
    }

    private void CountBreach(PacketLimitStream guard)
    {
        switch (guard.Breach)
        {
            case PacketLimitBreach.TooLarge:
                _metrics.Rejected(RejectReason.PacketTooLarge);
                break;
            case PacketLimitBreach.Malformed:
                _metrics.Rejected(RejectReason.MalformedPacket);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an MQTT connection from {Remote}: {Reason}")]
    private partial void LogRefused(string remote, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accepting MQTT connections failed ({Error}); retrying")]
    private partial void LogAcceptFailed(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Serving the MQTT connection from {Remote} failed")]
    private partial void LogServeFailed(Exception exception, string remote);
}
