using System.Buffers;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>The result of handling one device message.</summary>
public readonly record struct MessageOutcome(RejectReason? Reason, string? Detail)
{
    public static MessageOutcome Accepted { get; } = new(null, null);

    public bool IsAccepted => Reason is null;

    public static MessageOutcome Reject(RejectReason reason, string? detail) => new(reason, detail);
}

/// <summary>
/// Turns one message from an identified device into a call on its twin, whichever way it arrived
/// (the embedded broker or a bridge from an external one). Parsing is strict; refusals are counted
/// per reason and logged at a bounded rate; nothing here throws at the caller.
/// </summary>
public sealed partial class DeviceMessageHandler(
    IOptions<GatewayOptions> options,
    TelemetryIntake intake,
    GatewayMetrics metrics,
    TimeProvider clock,
    ILogger<DeviceMessageHandler> logger)
{
    private readonly TelemetryParser _telemetry = new(clock, options.Value.MaxPayloadBytes);
    private readonly DeviceEventParser _events = new(clock, options.Value.MaxPayloadBytes);
    private readonly LogThrottle _logThrottle = new(clock);

    public async ValueTask<MessageOutcome> HandleAsync(IDeviceTwinGrain twin, DeviceTopic topic, ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(twin);
        MessageOutcome outcome;
        try
        {
            outcome = topic.Channel switch
            {
                DeviceChannel.Telemetry => await TelemetryAsync(topic.DeviceId, twin, payload),
                DeviceChannel.Status => await StatusAsync(twin, payload),
                DeviceChannel.Alarm => await DeviceEventAsync(twin, payload),
                DeviceChannel.Detections => await DetectionAsync(twin, payload),
                DeviceChannel.CommandAck => await AckAsync(twin, payload),
                _ => MessageOutcome.Reject(RejectReason.UnknownTopic, "devices do not publish commands"),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = MessageOutcome.Reject(RejectReason.ProcessingFailed, ex.Message);
            if (_logThrottle.ShouldLog("processing"))
            {
                LogProcessingFailed(ex, topic.DeviceId);
            }
        }

        Count(outcome, topic);
        return outcome;
    }

    /// <summary>Counts a refusal decided before a message reached the handler (ACL, throttling).</summary>
    public void Refused(RejectReason reason, string source, string detail) =>
        Count(MessageOutcome.Reject(reason, detail), source);

    /// <summary>A reading is acknowledged once the intake holds it; the intake applies it to the twin.</summary>
    private async ValueTask<MessageOutcome> TelemetryAsync(string deviceId, IDeviceTwinGrain twin, ReadOnlySequence<byte> payload)
    {
        var report = _telemetry.Parse(payload);
        if (!report.IsOk)
        {
            return MessageOutcome.Reject(report.Reason!.Value, report.Detail);
        }

        return await intake.OfferAsync(deviceId, twin, report.Value!)
            ? MessageOutcome.Accepted
            : MessageOutcome.Reject(RejectReason.Overloaded, "the engine's telemetry intake is full");
    }

    private async ValueTask<MessageOutcome> StatusAsync(IDeviceTwinGrain twin, ReadOnlySequence<byte> payload)
    {
        var status = StatusParser.Parse(payload);
        if (!status.IsOk)
        {
            return MessageOutcome.Reject(status.Reason!.Value, status.Detail);
        }

        await twin.ReportStatus(status.Value!.Online, clock.GetUtcNow());
        return MessageOutcome.Accepted;
    }

    private async ValueTask<MessageOutcome> DeviceEventAsync(IDeviceTwinGrain twin, ReadOnlySequence<byte> payload)
    {
        var report = _events.Parse(payload);
        if (!report.IsOk)
        {
            return MessageOutcome.Reject(report.Reason!.Value, report.Detail);
        }

        await twin.ReportDeviceEvent(report.Value!);
        return MessageOutcome.Accepted;
    }

    /// <summary>A detection is acknowledged once its channel has judged and recorded it (a raised one stored).</summary>
    private async ValueTask<MessageOutcome> DetectionAsync(IDeviceTwinGrain twin, ReadOnlySequence<byte> payload)
    {
        var detection = _events.Parse(payload);
        if (!detection.IsOk)
        {
            return MessageOutcome.Reject(detection.Reason!.Value, detection.Detail);
        }

        await ReportDetectionAsync(twin, detection.Value!);
        return MessageOutcome.Accepted;
    }

    /// <summary>
    /// A detection, however it arrived (an MQTT topic, a GB/T 28181 alarm notification), judged and recorded by its
    /// channel's twin (confidence threshold and de-duplication window): the one entry every detection takes.
    /// </summary>
    public static async ValueTask<DetectionOutcome> ReportDetectionAsync(IDeviceTwinGrain twin, DeviceEventReport detection)
    {
        ArgumentNullException.ThrowIfNull(twin);
        return await twin.ReportDetection(detection);
    }

    private static async ValueTask<MessageOutcome> AckAsync(IDeviceTwinGrain twin, ReadOnlySequence<byte> payload)
    {
        var ack = CommandAckParser.Parse(payload);
        if (!ack.IsOk)
        {
            return MessageOutcome.Reject(ack.Reason!.Value, ack.Detail);
        }

        await twin.AcknowledgeCommand(ack.Value!.Id, ack.Value.Ok, ack.Value.Error);
        return MessageOutcome.Accepted;
    }

    private void Count(MessageOutcome outcome, DeviceTopic topic)
    {
        if (outcome.IsAccepted)
        {
            metrics.Accepted(topic.Channel);
            return;
        }

        Count(outcome, $"{topic.DeviceId}/{topic.Channel}");
    }

    private void Count(MessageOutcome outcome, string source)
    {
        var reason = outcome.Reason!.Value;
        metrics.Rejected(reason);
        if (_logThrottle.ShouldLog(reason.Name()))
        {
            LogRefused(reason.Name(), source, outcome.Detail ?? "");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused device message ({Reason}) from {Source}: {Detail}")]
    private partial void LogRefused(string reason, string source, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing a message from '{DeviceId}' failed")]
    private partial void LogProcessingFailed(Exception exception, string deviceId);
}
