using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using CityOps.DeviceGateway.Mqtt.Transport;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// The embedded MQTT broker: holds connections to the transport limits (<see cref="GuardedServerAdapter"/>),
/// authenticates devices against their accounts, enforces the topic ACL, admits each message
/// (<see cref="DeviceAdmission"/>: revocation, flood budget, allowed alarm kinds) and hands it to
/// <see cref="DeviceMessageHandler"/>. Each client's messages are handled in order; a slow or hostile
/// client holds up only itself. It also delivers the engine's downlink commands.
/// </summary>
public sealed partial class MqttBroker(
    IOptions<GatewayOptions> options,
    IGrainFactory grains,
    DeviceMessageHandler handler,
    AggregatorHandler aggregators,
    TelemetryIntake intake,
    DeviceDirectory directory,
    DeviceAdmission admission,
    GatewayMetrics metrics,
    TimeProvider clock,
    ILogger<MqttBroker> logger) : IHostedService, IDisposable
{
    private const string EngineClientId = "cityops-engine";

    private readonly GatewayOptions _options = options.Value;
    private readonly LogThrottle _logThrottle = new(clock);
    /// <summary>How long a stop waits for messages already being handled to be answered.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(15);

    private readonly ConnectedDevices _connected = new();

    private MqttServer? _server;
    private GuardedServerAdapter? _listeners;

    /// <summary>Set when the engine stops: no new connection or message is taken in from then on.</summary>
    private volatile bool _stopping;

    /// <summary>Messages being handled (their acknowledgement not yet sent).</summary>
    private int _inFlight;

    public bool IsRunning => _server?.IsStarted ?? false;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The listeners are the engine's own, so that every connection is held to the limits from its first byte.
        var limiter = ConnectionLimiter.From(_options);
        metrics.ObserveOpenConnections(() => limiter.Open);
        _listeners = new GuardedServerAdapter(_options, limiter, metrics, MqttCertificate.Load(_options.Tls), clock, logger);
        _server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().Build(), [_listeners]);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        _server.ClientConnectedAsync += args =>
        {
            if (args.SessionItems[DeviceSession.Key] is DeviceSession session)
            {
                _connected.Connected(session.DeviceId, args.ClientId);
            }

            return Task.CompletedTask;
        };
        _server.ClientDisconnectedAsync += args =>
        {
            if (args.SessionItems[DeviceSession.Key] is DeviceSession session)
            {
                _connected.Disconnected(session.DeviceId, args.ClientId);
            }

            return Task.CompletedTask;
        };
        await _server.StartAsync();
        if (_listeners.PlainPort is { } plain)
        {
            LogStarted(_options.BindAddress, plain);
        }

        if (_listeners.TlsPort is { } tls)
        {
            LogStartedTls(_options.BindAddress, tls);
        }
    }

    /// <summary>
    /// The first step of an ordered stop: refuse new connections, close the connection of any client
    /// that publishes from now on without acknowledging it (so the device sends it again to the
    /// engine's next start), answer every message already being handled, then close the broker.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _inFlight) > 0 && waited.Elapsed < DrainTimeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        LogDrained(Volatile.Read(ref _inFlight), waited.Elapsed.TotalMilliseconds);
        if (_server is { IsStarted: true })
        {
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();

    public async Task SendAsync(string deviceId, DeviceCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var server = _server ?? throw new InvalidOperationException("The MQTT broker is not running.");
        var payload = JsonSerializer.Serialize(new { id = command.Id, name = command.Name, args = JsonDocument.Parse(command.Args).RootElement });
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(DeviceTopic.Format(_options.TopicRoot, deviceId, DeviceChannel.Commands))
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = EngineClientId }, cancellationToken);
    }

    public async Task<GatewayStats> StatsAsync() => new(
        _server is { IsStarted: true } server ? (await server.GetClientsAsync()).Count : 0,
        metrics.AcceptedTotals,
        metrics.RejectedTotals,
        metrics.ThrottledDevices,
        metrics.DuplicateTotal,
        intake.Queued,
        metrics.UndeliveredTotal);

    public async Task DisconnectAsync(string deviceId)
    {
        // Its messages through an aggregator or an external broker are refused from now on too.
        directory.MarkRevoked(deviceId);
        if (_server is not { IsStarted: true } server)
        {
            return;
        }

        foreach (var clientId in _connected.ClientsOf(deviceId))
        {
            try
            {
                await server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized });
            }
            catch (InvalidOperationException)
            {
                // It closed meanwhile.
            }
        }
    }

    /// <summary>Whether the device holds a connection to this broker, so that a command sent here reaches it.</summary>
    public bool Holds(string deviceId) => _connected.Holds(deviceId);

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        if (_stopping)
        {
            args.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            return;
        }

        var deviceId = args.UserName;
        var secret = args.Password;

        // Before any refusal too, so that a client without an id hears why it was refused.
        ClientIdAssignment.AssignIfMissing(args, deviceId ?? "anonymous");
        DeviceKind? kind = null;
        if (!string.IsNullOrEmpty(deviceId) && !string.IsNullOrEmpty(secret) && args.ClientId != EngineClientId)
        {
            kind = await grains.GetGrain<IDeviceAccountGrain>(deviceId).Authenticate(secret);
        }

        // Not a device: perhaps an aggregator (NB-IoT/LoRa platform) forwarding for many devices.
        var aggregator = kind is null && !string.IsNullOrEmpty(deviceId) && !string.IsNullOrEmpty(secret) && args.ClientId != EngineClientId
            && await aggregators.TryAuthenticateAsync(deviceId, secret);

        // A client id names an MQTT session; tying it to the login keeps one device from taking
        // over another's session, and with it that device's identity and commands.
        if ((kind is not null || aggregator) && !OwnsClientId(deviceId!, args.ClientId))
        {
            args.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            metrics.Rejected(RejectReason.ForeignTopic);
            return;
        }

        if (aggregator)
        {
            args.SessionItems[AggregatorSession.Key] = new AggregatorSession(deviceId!);
            return;
        }

        if (kind is not { } deviceKind)
        {
            args.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            metrics.Rejected(RejectReason.NotAuthenticated);
            if (_logThrottle.ShouldLog("auth"))
            {
                LogRefusedConnection(deviceId ?? "", args.RemoteEndPoint?.ToString() ?? "?");
            }

            return;
        }

        var twin = DeviceTwins.Get(grains, deviceKind, deviceId!);
        var snapshot = await twin.GetSnapshot();
        await twin.ReportConnected(args.CleanSession ?? true);
        var session = new DeviceSession(deviceId!, deviceKind, twin, snapshot?.ExpectedIntervalSeconds ?? DeviceDirectory.DefaultExpectedIntervalSeconds);
        args.SessionItems[DeviceSession.Key] = session;
        if (args.ChannelAdapter is GuardedChannelAdapter connection)
        {
            connection.DevicePublishes = new OwnTopicPublishes(this, session, _options.TopicRoot);
        }
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            if (_stopping)
            {
                // No acknowledgement: the device keeps the message and sends it again after reconnecting.
                args.ProcessPublish = false;
                args.CloseConnection = true;
                return;
            }

            await HandlePublishAsync(args);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandlePublishAsync(InterceptingPublishEventArgs args)
    {
        var message = args.ApplicationMessage;

        // The engine's own downlink commands; a device cannot pose as the engine, whose session items are the server's.
        if (args.ClientId == EngineClientId && ReferenceEquals(args.SessionItems, _server?.ServerSessionItems))
        {
            return;
        }

        if (args.SessionItems[AggregatorSession.Key] is AggregatorSession aggregator)
        {
            if (!AggregatorTopic.TryParse(_options.TopicRoot, message.Topic, out var gatewayId) || gatewayId != aggregator.GatewayId)
            {
                Refuse(args, RejectReason.ForeignTopic, MqttPubAckReasonCode.NotAuthorized, $"{aggregator.GatewayId} → {message.Topic}");
                return;
            }

            Answer(args, await aggregators.HandleAsync(gatewayId, message.Payload));
            return;
        }

        if (args.SessionItems[DeviceSession.Key] is not DeviceSession session)
        {
            Refuse(args, RejectReason.NotAuthenticated, MqttPubAckReasonCode.NotAuthorized, message.Topic);
            return;
        }

        if (!DeviceTopic.TryParse(_options.TopicRoot, message.Topic, out var topic, session.DeviceId) || topic.Channel == DeviceChannel.Commands)
        {
            Refuse(args, RejectReason.UnknownTopic, MqttPubAckReasonCode.TopicNameInvalid, $"{session.DeviceId} → {message.Topic}");
            return;
        }

        if (topic.DeviceId != session.DeviceId)
        {
            Refuse(args, RejectReason.ForeignTopic, MqttPubAckReasonCode.NotAuthorized, $"{session.DeviceId} → {message.Topic}");
            return;
        }

        var answer = await AnswerDeviceAsync(session, topic, message.Payload);
        args.ProcessPublish = false;
        args.Response.ReasonCode = answer.ReasonCode;
        args.CloseConnection = answer.CloseConnection;
    }

    /// <summary>
    /// A message a device sent on one of its own topics, read by its connection (<see cref="GuardedChannelAdapter"/>)
    /// rather than by MQTTnet: taken in and answered as <see cref="InterceptPublishAsync"/> does.
    /// </summary>
    private async ValueTask<PublishAnswer> AnswerOwnTopicAsync(DeviceSession session, DeviceTopic topic, ReadOnlySequence<byte> payload)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            // No acknowledgement: the device keeps the message and sends it again after reconnecting.
            return _stopping ? new PublishAnswer(MqttPubAckReasonCode.UnspecifiedError, CloseConnection: true) : await AnswerDeviceAsync(session, topic, payload);
        }
        catch (Exception ex)
        {
            // MQTTnet would close the connection for an interceptor's failure; a device is told instead, and sends again.
            metrics.Rejected(RejectReason.ProcessingFailed);
            if (_logThrottle.ShouldLog("ownTopic"))
            {
                LogOwnTopicFailed(ex, session.DeviceId, topic.Channel);
            }

            return new PublishAnswer(MqttPubAckReasonCode.ImplementationSpecificError);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>
    /// Admits a device's message with the checks of <see cref="DeviceAdmission"/>, the same as on the other paths, and
    /// hands it to <see cref="DeviceMessageHandler"/>. A revoked device (its account read again every
    /// <see cref="GatewayOptions.RevocationCheckInterval"/>, so also one revoked on another process) is refused and
    /// disconnected; a device over its flood budget, shared by all its connections, is answered <c>Quota exceeded</c>;
    /// an alarm kind its kind may not raise, <c>Not authorized</c>.
    /// </summary>
    private async ValueTask<PublishAnswer> AnswerDeviceAsync(DeviceSession session, DeviceTopic topic, ReadOnlySequence<byte> payload)
    {
        var revoked = await directory.IsRevokedAsync(session.DeviceId);
        var refusal = admission.Admit(session.DeviceId, session.Kind, revoked, session.ExpectedIntervalSeconds, topic.Channel, payload);
        if (refusal is { } reason)
        {
            return new PublishAnswer(
                reason == RejectReason.RateLimited ? MqttPubAckReasonCode.QuotaExceeded : MqttPubAckReasonCode.NotAuthorized,
                CloseConnection: reason == RejectReason.Revoked);
        }

        return new PublishAnswer(ReasonCode(await handler.HandleAsync(session.Twin, topic, payload)));
    }

    private static void Answer(InterceptingPublishEventArgs args, MessageOutcome outcome)
    {
        // The engine consumes device messages; no other client may subscribe to them.
        args.ProcessPublish = false;
        args.Response.ReasonCode = ReasonCode(outcome);
    }

    private static MqttPubAckReasonCode ReasonCode(MessageOutcome outcome) => outcome.Reason switch
    {
        null => MqttPubAckReasonCode.Success,
        RejectReason.UnknownTopic => MqttPubAckReasonCode.TopicNameInvalid,
        RejectReason.ProcessingFailed => MqttPubAckReasonCode.ImplementationSpecificError,
        RejectReason.Overloaded => MqttPubAckReasonCode.QuotaExceeded,
        _ => MqttPubAckReasonCode.PayloadFormatInvalid,
    };

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        // A device may listen only to its own downlink commands.
        var allowed = args.SessionItems[DeviceSession.Key] is DeviceSession session
            && args.TopicFilter.Topic == DeviceTopic.Format(_options.TopicRoot, session.DeviceId, DeviceChannel.Commands);
        if (!allowed)
        {
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            handler.Refused(RejectReason.ForeignTopic, args.ClientId, $"subscribe {args.TopicFilter.Topic}");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A login may use its own id as client id, its id followed by '-' and anything, or none at all
    /// (the broker then assigns one of that form).
    /// </summary>
    private static bool OwnsClientId(string username, string clientId) =>
        clientId.Length == 0
        || clientId == username
        || (clientId.Length > username.Length + 1 && clientId.StartsWith(username, StringComparison.Ordinal) && clientId[username.Length] == '-');

    private void Refuse(InterceptingPublishEventArgs args, RejectReason reason, MqttPubAckReasonCode code, string detail)
    {
        args.ProcessPublish = false;
        args.Response.ReasonCode = code;
        handler.Refused(reason, args.ClientId, detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker listening on {Address}:{Port}")]
    private partial void LogStarted(string address, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker listening for TLS on {Address}:{Port}")]
    private partial void LogStartedTls(string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused MQTT connection for '{DeviceId}' from {Remote}: bad credentials")]
    private partial void LogRefusedConnection(string deviceId, string remote);

    [LoggerMessage(LogLevel.Information, "MQTT intake stopped: {Left} messages still unanswered after {Milliseconds:F0} ms of draining")]
    private partial void LogDrained(int left, double milliseconds);

    [LoggerMessage(LogLevel.Error, "A message of '{DeviceId}' on {Channel} could not be taken in")]
    private partial void LogOwnTopicFailed(Exception ex, string deviceId, DeviceChannel channel);

    /// <summary>The topics of one connected device that its connection answers itself: <c>{root}/{deviceId}/{channel}</c>, commands excepted.</summary>
    private sealed class OwnTopicPublishes(MqttBroker broker, DeviceSession session, string root) : IDevicePublishes
    {
        private readonly byte[] _prefix = Encoding.UTF8.GetBytes($"{root}/{session.DeviceId}/");

        public bool TryMatch(ReadOnlySpan<byte> topic, out DeviceChannel channel)
        {
            channel = default;
            if (!topic.StartsWith(_prefix))
            {
                return false;
            }

            var name = topic[_prefix.Length..];
            DeviceChannel? matched =
                name.SequenceEqual("telemetry"u8) ? DeviceChannel.Telemetry
                : name.SequenceEqual("status"u8) ? DeviceChannel.Status
                : name.SequenceEqual("alarm"u8) ? DeviceChannel.Alarm
                : name.SequenceEqual("detections"u8) ? DeviceChannel.Detections
                : name.SequenceEqual("commands/ack"u8) ? DeviceChannel.CommandAck
                : null;
            channel = matched.GetValueOrDefault();
            return matched is not null;
        }

        public ValueTask<PublishAnswer> AnswerAsync(DeviceChannel channel, ReadOnlySequence<byte> payload) =>
            broker.AnswerOwnTopicAsync(session, new DeviceTopic(session.DeviceId, channel), payload);
    }
}
