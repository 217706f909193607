using System.Net;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// The embedded MQTT broker: authenticates devices against their accounts, enforces the topic
/// ACL, parses payloads and hands them to the devices' twins. Each client's messages are handled
/// in order; a slow or hostile client holds up only itself.
/// </summary>
public sealed partial class MqttBroker(
    IOptions<GatewayOptions> options,
    IGrainFactory grains,
    GatewayMetrics metrics,
    TimeProvider clock,
    ILogger<MqttBroker> logger) : IHostedService, IDisposable
{
    private readonly GatewayOptions _options = options.Value;
    private readonly TelemetryParser _telemetry = new(clock, options.Value.MaxPayloadBytes);
    private readonly LogThrottle _logThrottle = new(clock);
    private MqttServer? _server;

    public bool IsRunning => _server?.IsStarted ?? false;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(_options.BindAddress))
            .WithDefaultEndpointPort(_options.Port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        await _server.StartAsync();
        LogStarted(_options.BindAddress, _options.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
        {
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs args)
    {
        var deviceId = args.UserName;
        var secret = args.Password;

        // Before any refusal too, so that a client without an id hears why it was refused.
        ClientIdAssignment.AssignIfMissing(args, deviceId ?? "anonymous");
        DeviceKind? kind = null;
        if (!string.IsNullOrEmpty(deviceId) && !string.IsNullOrEmpty(secret))
        {
            kind = await grains.GetGrain<IDeviceAccountGrain>(deviceId).Authenticate(secret);
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

        args.SessionItems[DeviceSession.Key] = new DeviceSession(deviceId!, deviceKind, DeviceTwins.Get(grains, deviceKind, deviceId!));
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        var message = args.ApplicationMessage;
        if (args.SessionItems[DeviceSession.Key] is not DeviceSession session)
        {
            Refuse(args, RejectReason.NotAuthenticated, MqttPubAckReasonCode.NotAuthorized, message.Topic);
            return;
        }

        if (!DeviceTopic.TryParse(_options.TopicRoot, message.Topic, out var topic) || topic.Channel == DeviceChannel.Commands)
        {
            Refuse(args, RejectReason.UnknownTopic, MqttPubAckReasonCode.TopicNameInvalid, message.Topic);
            return;
        }

        if (topic.DeviceId != session.DeviceId)
        {
            Refuse(args, RejectReason.ForeignTopic, MqttPubAckReasonCode.NotAuthorized, message.Topic);
            return;
        }

        try
        {
            switch (topic.Channel)
            {
                case DeviceChannel.Telemetry:
                    var report = _telemetry.Parse(message.Payload);
                    if (!report.IsOk)
                    {
                        Refuse(args, report.Reason!.Value, MqttPubAckReasonCode.PayloadFormatInvalid, $"{message.Topic}: {report.Detail}");
                        return;
                    }

                    await session.Twin.ReportTelemetry(report.Value!);
                    break;
                case DeviceChannel.Status:
                    var status = StatusParser.Parse(message.Payload);
                    if (!status.IsOk)
                    {
                        Refuse(args, status.Reason!.Value, MqttPubAckReasonCode.PayloadFormatInvalid, $"{message.Topic}: {status.Detail}");
                        return;
                    }

                    await session.Twin.ReportStatus(status.Value!.Online, clock.GetUtcNow());
                    break;
            }

            if (topic.Channel is DeviceChannel.Telemetry or DeviceChannel.Status)
            {
                // The engine is the consumer of these; no other client may subscribe to them.
                args.ProcessPublish = false;
                args.Response.ReasonCode = MqttPubAckReasonCode.Success;
            }

            metrics.Accepted(topic.Channel);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Refuse(args, RejectReason.ProcessingFailed, MqttPubAckReasonCode.UnspecifiedError, message.Topic);
            if (_logThrottle.ShouldLog("processing"))
            {
                LogProcessingFailed(ex, session.DeviceId);
            }
        }
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs args)
    {
        // A device may listen only to its own downlink commands.
        var allowed = args.SessionItems[DeviceSession.Key] is DeviceSession session
            && args.TopicFilter.Topic == DeviceTopic.Format(_options.TopicRoot, session.DeviceId, DeviceChannel.Commands);
        if (!allowed)
        {
            args.ProcessSubscription = false;
            args.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            metrics.Rejected(RejectReason.ForeignTopic);
        }

        return Task.CompletedTask;
    }

    private void Refuse(InterceptingPublishEventArgs args, RejectReason reason, MqttPubAckReasonCode code, string detail)
    {
        args.ProcessPublish = false;
        args.Response.ReasonCode = code;
        metrics.Rejected(reason);
        if (_logThrottle.ShouldLog(reason.Name()))
        {
            LogRefusedMessage(reason.Name(), args.ClientId, detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT broker listening on {Address}:{Port}")]
    private partial void LogStarted(string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused MQTT connection for '{DeviceId}' from {Remote}: bad credentials")]
    private partial void LogRefusedConnection(string deviceId, string remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused message ({Reason}) from client '{ClientId}': {Detail}")]
    private partial void LogRefusedMessage(string reason, string clientId, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing a message from '{DeviceId}' failed")]
    private partial void LogProcessingFailed(Exception exception, string deviceId);
}
