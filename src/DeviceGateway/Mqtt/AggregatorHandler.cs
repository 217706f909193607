using System.Buffers;
using System.Collections.Concurrent;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using Microsoft.Extensions.Logging;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>The topic on which an aggregator forwards its devices' telemetry: <c>{root}/gw/{gatewayId}/telemetry</c>.</summary>
public static class AggregatorTopic
{
    public static bool TryParse(string root, string topic, out string gatewayId)
    {
        gatewayId = "";
        var parts = topic.Split('/');
        if (parts is not [var first, "gw", { Length: > 0 } id, "telemetry"] || first != root)
        {
            return false;
        }

        gatewayId = id;
        return true;
    }

    public static string Format(string root, string gatewayId) => $"{root}/gw/{gatewayId}/telemetry";
}

/// <summary>An MQTT connection authenticated as an aggregator, kept in the embedded broker's session items.</summary>
public sealed record AggregatorSession(string GatewayId)
{
    public const string Key = "cityops.aggregator";
}

/// <summary>
/// Handles aggregators (NB-IoT/LoRa platforms) whichever way they arrive, the embedded broker or the
/// bridge from an external one: authenticates them against their accounts, and applies each entry of
/// their batches to its device's twin, provided the device stands in one of the aggregator's regions and
/// passes <see cref="DeviceAdmission"/> (not revoked, within its own flood budget, the same budget as its own
/// connections). One bad entry costs only itself; each refusal is counted with its reason. Nothing here throws at the caller.
/// </summary>
public sealed partial class AggregatorHandler(
    IGrainFactory grains,
    DeviceDirectory devices,
    DeviceMessageHandler handler,
    TelemetryIntake intake,
    DeviceAdmission admission,
    GatewayMetrics metrics,
    TimeProvider clock,
    ILogger<AggregatorHandler> logger)
{
    /// <summary>How long an aggregator's regions are trusted before they are read from its account again.</summary>
    private static readonly TimeSpan RegionsFor = TimeSpan.FromMinutes(1);

    private readonly TelemetryParser _parser = new(clock);
    private readonly LogThrottle _logThrottle = new(clock);
    private readonly ConcurrentDictionary<string, (IReadOnlyList<string> Regions, DateTimeOffset Until)> _regions = new(StringComparer.Ordinal);

    /// <summary>Whether the credentials are an aggregator's (username = gateway id, password = its secret).</summary>
    public async Task<bool> TryAuthenticateAsync(string username, string password) =>
        !string.IsNullOrEmpty(username) && !string.IsNullOrEmpty(password)
        && await grains.GetGrain<IAggregatorAccountGrain>(username).Authenticate(password);

    /// <summary>
    /// Applies one batch from the aggregator <paramref name="gatewayId"/>. The outcome is accepted when at
    /// least one entry was applied (or the batch was empty); when every entry was refused it carries the
    /// first entry's reason.
    /// </summary>
    public async ValueTask<MessageOutcome> HandleAsync(string gatewayId, ReadOnlySequence<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(gatewayId);
        var source = $"gw/{gatewayId}";
        IReadOnlyList<string>? regions;
        try
        {
            regions = await RegionsAsync(gatewayId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Failed(ex, source);
        }

        if (regions is null)
        {
            return Refuse(source, RejectReason.UnknownDevice, "not a registered aggregator");
        }

        var batch = _parser.ParseBatch(payload);
        if (!batch.IsOk)
        {
            return Refuse(source, batch.Reason!.Value, batch.Detail!);
        }

        var entries = batch.Value!;
        var outcomes = new MessageOutcome[entries.Count];

        // Devices are independent, so their entries are applied side by side; one device's stay in order.
        if (HasRepeatedDevice(entries))
        {
            await Task.WhenAll(Enumerable.Range(0, entries.Count)
                .GroupBy(i => entries[i].DeviceId)
                .Select(async device =>
                {
                    foreach (var i in device)
                    {
                        outcomes[i] = await ApplyAsync(source, regions, entries[i]);
                    }
                }));
        }
        else
        {
            // Nearly every entry of a known device is decided without waiting: only the others are awaited.
            List<Task>? waiting = null;
            for (var i = 0; i < entries.Count; i++)
            {
                var apply = ApplyAsync(source, regions, entries[i]);
                if (apply.IsCompletedSuccessfully)
                {
                    outcomes[i] = apply.Result;
                }
                else
                {
                    (waiting ??= []).Add(CompleteAsync(i, apply));
                }
            }

            if (waiting is not null)
            {
                await Task.WhenAll(waiting);
            }
        }

        return outcomes.Length == 0 || outcomes.Any(o => o.IsAccepted)
            ? MessageOutcome.Accepted
            : MessageOutcome.Reject(outcomes[0].Reason!.Value, $"all {outcomes.Length} entries refused; the first: {outcomes[0].Detail}");

        async Task CompleteAsync(int i, ValueTask<MessageOutcome> apply) => outcomes[i] = await apply;
    }

    private static bool HasRepeatedDevice(IReadOnlyList<TelemetryBatchEntry> entries)
    {
        var seen = new HashSet<string?>(entries.Count, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!seen.Add(entry.DeviceId))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Covers(IReadOnlyList<string> regions, string cell)
    {
        foreach (var region in regions)
        {
            if (cell.StartsWith(region, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<MessageOutcome> ApplyAsync(string source, IReadOnlyList<string> regions, TelemetryBatchEntry entry)
    {
        // Named only when refused: an accepted entry builds no text.
        string From() => $"{source} → {entry.DeviceId ?? "?"}";
        if (!entry.Report.IsOk)
        {
            return Refuse(From(), entry.Report.Reason!.Value, entry.Report.Detail!);
        }

        try
        {
            var deviceId = entry.DeviceId!;
            if (await devices.FindAsync(deviceId) is not { } device)
            {
                return Refuse(From(), RejectReason.UnknownDevice, "no such device");
            }

            if (device.CellCode is not { } cell || !Covers(regions, cell))
            {
                return Refuse(From(), RejectReason.ForeignTopic, "the device is outside the aggregator's regions");
            }

            if (admission.Admit(deviceId, device.Kind, device.Revoked, device.ExpectedIntervalSeconds, DeviceChannel.Telemetry, default) is { } refused)
            {
                return MessageOutcome.Reject(refused, From());
            }

            if (!await intake.OfferAsync(deviceId, device.Twin, entry.Report.Value!))
            {
                return Refuse(From(), RejectReason.Overloaded, "the engine's telemetry intake is full");
            }

            metrics.Accepted(DeviceChannel.Telemetry);
            return MessageOutcome.Accepted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Failed(ex, From());
        }
    }

    private async ValueTask<IReadOnlyList<string>?> RegionsAsync(string gatewayId)
    {
        var now = clock.GetUtcNow();
        if (_regions.TryGetValue(gatewayId, out var cached) && now < cached.Until)
        {
            return cached.Regions;
        }

        // Only registered aggregators are remembered, so made-up gateway ids cannot grow the cache.
        var regions = await grains.GetGrain<IAggregatorAccountGrain>(gatewayId).GetRegions();
        if (regions is not null)
        {
            _regions[gatewayId] = (regions, now + RegionsFor);
        }

        return regions;
    }

    private MessageOutcome Refuse(string source, RejectReason reason, string detail)
    {
        handler.Refused(reason, source, detail);
        return MessageOutcome.Reject(reason, detail);
    }

    private MessageOutcome Failed(Exception exception, string source)
    {
        if (_logThrottle.ShouldLog("processing"))
        {
            LogProcessingFailed(exception, source);
        }

        return Refuse(source, RejectReason.ProcessingFailed, exception.Message);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing an aggregator's message ({Source}) failed")]
    private partial void LogProcessingFailed(Exception exception, string source);
}
