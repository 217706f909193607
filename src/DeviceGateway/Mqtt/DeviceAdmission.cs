using System.Buffers;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// The checks every device message passes before it is handled, whichever way it arrived (the device's own
/// connection, an aggregator's batch, the bridge from an external broker): the device's account is not revoked; the
/// device is within its flood budget (<see cref="FloodRegistry"/>, one per device); an alarm or detection is of a kind
/// the device's kind may raise (<see cref="DeviceEventKinds"/>). A refusal is counted with its reason.
/// </summary>
public sealed class DeviceAdmission(
    FloodRegistry floods,
    DeviceMessageHandler handler,
    GatewayMetrics metrics,
    TimeProvider clock,
    IOptions<GatewayOptions> options)
{
    private readonly DeviceEventParser _events = new(clock, options.Value.MaxPayloadBytes);

    /// <summary>Null when the message may be handled; otherwise the refusal, already counted.</summary>
    public RejectReason? Admit(string deviceId, DeviceKind kind, bool revoked, int expectedIntervalSeconds, DeviceChannel channel, ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        if (revoked)
        {
            handler.Refused(RejectReason.Revoked, $"{deviceId}/{channel}", "the device's account is revoked");
            return RejectReason.Revoked;
        }

        if (!floods.TryPass(deviceId, expectedIntervalSeconds))
        {
            metrics.Throttled(deviceId);
            return RejectReason.RateLimited;
        }

        if (channel is DeviceChannel.Alarm or DeviceChannel.Detections && DisallowedKind(kind, channel, payload) is { } eventKind)
        {
            handler.Refused(RejectReason.KindNotAllowed, $"{deviceId}/{channel}", $"a {kind} device may not raise '{eventKind}'");
            return RejectReason.KindNotAllowed;
        }

        return null;
    }

    /// <summary>The event's kind when the device's kind may not raise it; null when it may, or when the payload is malformed (the handler refuses that with its own reason).</summary>
    private string? DisallowedKind(DeviceKind kind, DeviceChannel channel, ReadOnlySequence<byte> payload)
    {
        var report = _events.Parse(payload);
        if (!report.IsOk)
        {
            return null;
        }

        var eventKind = report.Value!.Kind;
        var allowed = channel == DeviceChannel.Alarm ? DeviceEventKinds.MayRaiseAlarm(kind, eventKind) : DeviceEventKinds.MayDetect(kind, eventKind);
        return allowed ? null : eventKind;
    }
}
