using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CityOps.DeviceGateway.Mqtt;
using CityOps.DeviceGateway.Payloads;

namespace CityOps.DeviceGateway;

/// <summary>
/// Counts what the gateway accepts and refuses, per channel and per reason, as
/// System.Diagnostics.Metrics instruments (exportable with OpenTelemetry) and as totals the API can show.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "CityOps.DeviceGateway";

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly ConcurrentDictionary<string, long> _acceptedTotals = new();
    private readonly ConcurrentDictionary<string, long> _rejectedTotals = new();
    private readonly ConcurrentDictionary<string, long> _throttled = new();
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _undelivered;
    private long _duplicateTotal;
    private long _undeliveredTotal;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = _meter = meterFactory.Create(MeterName);
        _accepted = meter.CreateCounter<long>("cityops.gateway.messages.accepted", "{message}", "Device messages accepted, by channel");
        _rejected = meter.CreateCounter<long>("cityops.gateway.messages.rejected", "{message}", "Device messages and connections refused, by reason");
        _duplicates = meter.CreateCounter<long>("cityops.gateway.messages.duplicate", "{message}", "QoS 1 redeliveries recognised by their seq and not applied again");
        _undelivered = meter.CreateCounter<long>("cityops.gateway.readings.undelivered", "{reading}", "Readings acknowledged to their device that could not be applied to its twin");
    }

    /// <summary>Publishes the telemetry intake's queue length as a gauge.</summary>
    public void ObserveIntake(Func<int> queued) =>
        _meter.CreateObservableGauge("cityops.gateway.intake.queued", queued, "{reading}", "Readings accepted and not yet applied to their twins");

    /// <summary>Counts accepted readings that never reached their twin (logged with the cause).</summary>
    public void Undelivered(int readings)
    {
        _undelivered.Add(readings);
        Interlocked.Add(ref _undeliveredTotal, readings);
    }

    /// <summary>Each channel's name, looked up by value: counted for every message, and an enum's <c>ToString</c> boxes it.</summary>
    private static readonly string[] ChannelNames = Enum.GetNames<DeviceChannel>();

    public long UndeliveredTotal => Interlocked.Read(ref _undeliveredTotal);

    public void Accepted(DeviceChannel channel)
    {
        var name = ChannelNames[(int)channel];
        _accepted.Add(1, new KeyValuePair<string, object?>("channel", name));
        _acceptedTotals.AddOrUpdate(name, 1, (_, n) => n + 1);
    }

    /// <summary>A SIP message or MANSCDP body refused by the GB/T 28181 access point, counted as <c>sip.{reason}</c>.</summary>
    public void SipRefused(CityOps.Sip.SipRefusal refusal)
    {
        var name = "sip." + CityOps.Sip.SipRefusals.Name(refusal);
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", name));
        _rejectedTotals.AddOrUpdate(name, 1, (_, n) => n + 1);
    }

    /// <summary>A SIP request the access point took (register, keepalive, catalog, alarm…), counted as <c>sip.{what}</c>.</summary>
    public void SipAccepted(string what)
    {
        var name = "sip." + what;
        _accepted.Add(1, new KeyValuePair<string, object?>("channel", name));
        _acceptedTotals.AddOrUpdate(name, 1, (_, n) => n + 1);
    }

    public void Rejected(RejectReason reason)
    {
        var name = reason.Name();
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", name));
        _rejectedTotals.AddOrUpdate(name, 1, (_, n) => n + 1);
    }

    /// <summary>Reports the broker's open connections (authenticated or not) as the gauge <c>cityops.gateway.connections.open</c>.</summary>
    public void ObserveOpenConnections(Func<int> open) =>
        _meter.CreateObservableGauge("cityops.gateway.connections.open", open, "{connection}", "MQTT connections open on the embedded broker, before and after CONNECT");

    public void Duplicate(int count = 1)
    {
        if (count <= 0)
        {
            return;
        }

        _duplicates.Add(count);
        Interlocked.Add(ref _duplicateTotal, count);
    }

    /// <summary>Counts a message refused because its device floods, and flags the device.</summary>
    public void Throttled(string deviceId)
    {
        Rejected(RejectReason.RateLimited);
        _throttled.AddOrUpdate(deviceId, 1, (_, n) => n + 1);
    }

    public long DuplicateTotal => Interlocked.Read(ref _duplicateTotal);

    public IReadOnlyDictionary<string, long> ThrottledDevices => new SortedDictionary<string, long>(_throttled);

    public IReadOnlyDictionary<string, long> AcceptedTotals => new SortedDictionary<string, long>(_acceptedTotals);

    public IReadOnlyDictionary<string, long> RejectedTotals => new SortedDictionary<string, long>(_rejectedTotals);
}
