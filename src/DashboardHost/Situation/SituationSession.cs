using System.Threading.Channels;
using CityOps.DashboardHost.Events;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Situation;
using Microsoft.Extensions.Logging;

namespace CityOps.DashboardHost.Situation;

/// <summary>Sends one frame to one client; honours the token.</summary>
public delegate Task FrameSender(string method, SituationFrame frame, CancellationToken cancellationToken);

/// <summary>Reads a region's KPIs for today.</summary>
public delegate Task<KpiResponse> KpiReader(string region, CancellationToken cancellationToken);

/// <summary>
/// One connected client's subscription and its own send loop. The feed only adds to the
/// client's <see cref="SituationBuffer"/> and wakes the loop; the loop sends at most one frame
/// per <see cref="SituationOptions.FrameInterval"/>, so a slow client gets fewer, fuller frames.
/// No shared loop ever waits on this client: a send that outlasts <see cref="SituationOptions.SendTimeout"/>
/// is abandoned and the client disconnected.
/// </summary>
public sealed partial class SituationSession : IAsyncDisposable
{
    private readonly FrameSender _send;
    private readonly Action _abort;
    private readonly KpiReader _kpis;
    private readonly SituationOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private SituationBuffer? _buffer;
    private SituationFrame? _snapshot;
    private bool _awaitingSnapshot;
    private long _seq;
    private DateTimeOffset _kpisReadAt;
    private int _sending;

    public SituationSession(string connectionId, FrameSender send, Action abort, KpiReader kpis, SituationOptions options, TimeProvider clock, ILogger logger)
    {
        ConnectionId = connectionId;
        _send = send;
        _abort = abort;
        _kpis = kpis;
        _options = options;
        _clock = clock;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public string ConnectionId { get; }

    /// <summary>A frame is on its way to the client; one that stays so is a stalled client.</summary>
    public bool IsSending => Volatile.Read(ref _sending) != 0;

    /// <summary>Raised when a client is disconnected for not taking its frames.</summary>
    public event Action? Abandoned;

    /// <summary>The region subscribed to, or null before the first subscription.</summary>
    public string? Region
    {
        get
        {
            lock (_gate)
            {
                return _buffer?.Region;
            }
        }
    }

    /// <summary>Starts (or replaces) the subscription: changes are buffered from now on, and nothing is sent until its snapshot is ready.</summary>
    /// <param name="showsEvent">Whether the client's user may see a case (<see cref="SituationBuffer"/>).</param>
    public void Start(string region, bool allDevices, Func<EventSummary, bool> showsEvent)
    {
        lock (_gate)
        {
            _buffer = new SituationBuffer(region, allDevices, _options.MaxBufferedAlarms, showsEvent);
            _snapshot = null;
            _awaitingSnapshot = true;
        }
    }

    /// <summary>Hands over the snapshot of the subscription started last; one of an older subscription is ignored.</summary>
    public void SetSnapshot(SituationFrame snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            if (_buffer?.Region != snapshot.Region)
            {
                return;
            }

            _snapshot = snapshot;
            _buffer.KpisSent(snapshot.Kpis);
            _buffer.EventsSent(snapshot.Events.Select(e => e.Id));
            _kpisReadAt = _clock.GetUtcNow();
        }

        Wake();
    }

    /// <summary>Drops the subscription (e.g. its snapshot could not be read).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _buffer = null;
            _snapshot = null;
        }
    }

    /// <summary>Called from the feed: never blocks beyond a lock held for a dictionary update.</summary>
    public void Offer(SituationChanges changes)
    {
        SituationBuffer? buffer;
        lock (_gate)
        {
            buffer = _buffer;
        }

        if (buffer is not null && buffer.Offer(changes))
        {
            Wake();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _wake.Writer.TryComplete();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping is what was asked for.
        }

        _stop.Dispose();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var lastSent = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Wake on a change, or at the KPI interval so the day's turn and late KPI reads are not missed.
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(_options.KpiRefreshInterval);
                try
                {
                    await _wake.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The periodic wake-up.
                }
                catch (ChannelClosedException)
                {
                    return;
                }
            }

            var due = lastSent + _options.FrameInterval - _clock.GetUtcNow();
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, _clock, cancellationToken);
            }

            var (method, frame) = await NextFrameAsync(cancellationToken);
            if (frame is null)
            {
                continue;
            }

            if (!await SendAsync(method, frame, cancellationToken))
            {
                return;
            }

            lastSent = _clock.GetUtcNow();

            // Changes that came while the snapshot was read or this frame was sent may have used up their wake-up.
            if (Volatile.Read(ref _buffer)?.HasChanges == true)
            {
                Wake();
            }
        }
    }

    private async Task<(string Method, SituationFrame? Frame)> NextFrameAsync(CancellationToken cancellationToken)
    {
        SituationBuffer? buffer;
        lock (_gate)
        {
            if (_snapshot is { } snapshot)
            {
                _snapshot = null;
                _awaitingSnapshot = false;
                return ("Snapshot", snapshot with { Seq = ++_seq });
            }

            // While a snapshot is being read, changes wait in the buffer: they go out after it.
            buffer = _buffer;
            if (buffer is null || _awaitingSnapshot)
            {
                return ("Delta", null);
            }
        }

        await RefreshKpisAsync(buffer, cancellationToken);
        lock (_gate)
        {
            // A new subscription may have replaced this one meanwhile; its snapshot goes first.
            return buffer == _buffer && _snapshot is null && buffer.TakeDelta(_seq + 1) is { } delta
                ? ("Delta", delta with { Seq = ++_seq })
                : ("Delta", null);
        }
    }

    private async Task RefreshKpisAsync(SituationBuffer buffer, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            var sinceRead = now - _kpisReadAt;
            if (!(sinceRead >= _options.KpiRefreshInterval && buffer.TakeEventsSeen()) && sinceRead < TimeSpan.FromMinutes(1))
            {
                return;
            }

            _kpisReadAt = now;
        }

        try
        {
            buffer.OfferKpis(await _kpis(buffer.Region, cancellationToken).WaitAsync(_options.SendTimeout, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogKpisFailed(e, buffer.Region);
        }
    }

    /// <summary>Sends one frame; false when the client is abandoned.</summary>
    private async Task<bool> SendAsync(string method, SituationFrame frame, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SendTimeout);
        Volatile.Write(ref _sending, 1);
        try
        {
            // WaitAsync as well, so that even a send that ignores its token cannot hold this loop.
            await _send(method, frame, timeout.Token).WaitAsync(_options.SendTimeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or TimeoutException)
        {
            LogAbandoned(ConnectionId, _options.SendTimeout.TotalSeconds);
            Abandoned?.Invoke();
            _abort();
            return false;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogSendFailed(e, ConnectionId);
            _abort();
            return false;
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Situation client {ConnectionId} did not take a frame within {Seconds} s; disconnected")]
    private partial void LogAbandoned(string connectionId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Situation frame to {ConnectionId} failed; disconnected")]
    private partial void LogSendFailed(Exception e, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "KPIs of {Region} could not be read for the situation stream")]
    private partial void LogKpisFailed(Exception e, string region);
}
