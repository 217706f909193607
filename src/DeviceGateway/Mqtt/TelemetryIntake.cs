using System.Runtime.InteropServices;
using System.Threading.Channels;
using CityOps.DeviceGateway.Payloads;
using CityOps.Grains.Interfaces.Cluster;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>
/// The gateway's bounded queue of accepted telemetry readings (one per process). A reading is
/// acknowledged to its device once it is in the queue; the queue delivers readings to the twins in
/// batches, one call per device per batch, many calls at once, so neither the device's
/// acknowledgement nor the broker's thread waits on a twin. When the twins fall behind, the queue
/// fills: an offer then waits up to <see cref="GatewayOptions.IntakeWait"/> (the device's
/// acknowledgements slow down), and after that the reading is refused with <see cref="RejectReason.Overloaded"/>,
/// which the device hears in its PUBACK. Memory is bounded by <see cref="GatewayOptions.IntakeCapacity"/>.
/// A reading that may raise a threshold alarm (<see cref="IAlarmThresholds"/>) does not queue: it is
/// applied to its twin, and its alarm stored, before its acknowledgement, as are alarms, detections
/// and status changes (see docs/reliability.md). Without thresholds to ask (a gateway running apart
/// from the grains' rules), every reading is applied before its acknowledgement.
/// </summary>
public sealed partial class TelemetryIntake : IHostedService, IDisposable
{
    /// <summary>How long a stop waits for the queue to be delivered.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(20);

    private readonly GatewayOptions _options;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<TelemetryIntake> _logger;
    private readonly LogThrottle _logThrottle;
    private readonly Channel<QueuedReading> _queue;
    private readonly SemaphoreSlim _calls;
    private readonly int _maxCalls;
    private Task? _delivery;
    private int _queued;

    private readonly IAlarmThresholds? _thresholds;

    public TelemetryIntake(
        IOptions<GatewayOptions> options,
        GatewayMetrics metrics,
        TimeProvider clock,
        ILogger<TelemetryIntake> logger,
        IAlarmThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _thresholds = thresholds;
        _metrics = metrics;
        _logger = logger;
        _logThrottle = new LogThrottle(clock);
        _queue = Channel.CreateBounded<QueuedReading>(new BoundedChannelOptions(Math.Max(1, _options.IntakeCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _maxCalls = Math.Max(1, _options.IntakeConcurrentCalls);
        _calls = new SemaphoreSlim(_maxCalls);
        metrics.ObserveIntake(() => Volatile.Read(ref _queued));
    }

    /// <summary>Readings acknowledged and not yet applied to their twins.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// Takes one reading of a device: applies it at once when it may raise an alarm, else queues it.
    /// False when the queue stayed full for <see cref="GatewayOptions.IntakeWait"/> or the engine is
    /// stopping (the reading is then not acknowledged). A twin's failure on a reading applied at once
    /// reaches the caller, which refuses the message.
    /// </summary>
    public async ValueTask<bool> OfferAsync(string deviceId, IDeviceTwinGrain twin, TelemetryReport report)
    {
        ArgumentNullException.ThrowIfNull(twin);
        ArgumentNullException.ThrowIfNull(report);
        if (_thresholds?.MayRaise(report) != false)
        {
            var applied = await twin.ApplyTelemetry([report]);
            _metrics.Duplicate(applied.Duplicates);
            if (applied.Refused > 0)
            {
                throw new InvalidOperationException($"Device '{deviceId}' would have more metrics than a twin keeps.");
            }

            return true;
        }

        var reading = new QueuedReading(deviceId, twin, report);
        if (!_queue.Writer.TryWrite(reading))
        {
            using var wait = new CancellationTokenSource(_options.IntakeWait);
            try
            {
                await _queue.Writer.WriteAsync(reading, wait.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                return false;
            }
        }

        Interlocked.Increment(ref _queued);
        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _delivery = Task.Run(DeliverAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs after the broker and the bridge have stopped taking messages in and before the silo stops:
    /// delivers what is queued, so that every reading acknowledged before a clean stop reaches its twin.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_delivery is null)
        {
            return;
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAny(_delivery, Task.Delay(DrainTimeout, cancellationToken)).ConfigureAwait(false);
        LogDrained(Volatile.Read(ref _queued), waited.Elapsed.TotalMilliseconds);
    }

    public void Dispose() => _calls.Dispose();

    private async Task DeliverAsync()
    {
        var reader = _queue.Reader;
        var byDevice = new Dictionary<string, DeviceReadings>(StringComparer.Ordinal);
        var maxBatch = Math.Max(1, _options.IntakeBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var taken = 0;
            while (taken < maxBatch && reader.TryRead(out var reading))
            {
                taken++;
                ref var device = ref CollectionsMarshal.GetValueRefOrAddDefault(byDevice, reading.DeviceId, out var known);
                if (known)
                {
                    (device.More ??= []).Add(reading.Report);
                }
                else
                {
                    device = new DeviceReadings(reading.Twin, reading.Report);
                }
            }

            foreach (var (deviceId, device) in byDevice)
            {
                await _calls.WaitAsync().ConfigureAwait(false);
                _ = SendAsync(deviceId, device.Twin, device.More is null ? [device.First] : [device.First, .. device.More]);
            }

            byDevice.Clear();
        }

        // Every call started has ended once all the permits are back.
        for (var i = 0; i < _maxCalls; i++)
        {
            await _calls.WaitAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAsync(string deviceId, IDeviceTwinGrain twin, TelemetryReport[] reports)
    {
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var applied = await twin.ApplyTelemetry(reports).ConfigureAwait(false);
                    _metrics.Duplicate(applied.Duplicates);
                    if (applied.Refused > 0)
                    {
                        _metrics.Undelivered(applied.Refused);
                        if (_logThrottle.ShouldLog("tooManyMetrics"))
                        {
                            LogBeyondMetricLimit(applied.Refused, deviceId);
                        }
                    }

                    return;
                }
                catch (Exception ex) when (ClusterFailures.IsTransient(ex) && attempt < ClusterFailures.RetryDelays.Count)
                {
                    await Task.Delay(ClusterFailures.RetryDelays[attempt]).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            _metrics.Undelivered(reports.Length);
            if (_logThrottle.ShouldLog("undelivered"))
            {
                LogUndelivered(ex, reports.Length, deviceId);
            }
        }
        finally
        {
            Interlocked.Add(ref _queued, -reports.Length);
            _calls.Release();
        }
    }

    private readonly record struct QueuedReading(string DeviceId, IDeviceTwinGrain Twin, TelemetryReport Report);

    /// <summary>One device's readings taken in one pass; a device nearly always has one, which needs no list.</summary>
    private struct DeviceReadings(IDeviceTwinGrain twin, TelemetryReport first)
    {
        public readonly IDeviceTwinGrain Twin => twin;

        public readonly TelemetryReport First => first;

        public List<TelemetryReport>? More { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} accepted readings of '{DeviceId}' could not be applied to its twin")]
    private partial void LogUndelivered(Exception exception, int count, string deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} accepted readings of '{DeviceId}' were refused by its twin: they would give it more metrics than a twin keeps")]
    private partial void LogBeyondMetricLimit(int count, string deviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telemetry intake stopped: {Left} readings still undelivered after {Milliseconds:F0} ms of draining")]
    private partial void LogDrained(int left, double milliseconds);
}
