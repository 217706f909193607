using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.Situation;
using CityOps.Grid;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.DashboardHost.Situation;

/// <summary>
/// Registers this host's <see cref="SituationSessions"/> with every district's situation feed,
/// through Orleans, so it works the same whether this host runs inside a silo or as a cluster
/// client in its own process. Observers are not durable (a feed forgets a host that stops
/// renewing, and a feed that moved to another silo starts empty), so the registration is renewed
/// every <see cref="SituationOptions.FeedRenewInterval"/>. The first registration is awaited at
/// start, so clients of a freshly started host miss nothing.
/// </summary>
public sealed partial class SituationFeedListener(
    IGrainFactory grains,
    SituationSessions sessions,
    GridRegistry grid,
    IOptions<SituationOptions> options,
    ILogger<SituationFeedListener> logger) : IHostedService, IDisposable
{
    /// <summary>Longer than a feed's flush interval (SituationFeedGrain.FlushInterval, 100 ms) and a message's trip.</summary>
    private static readonly TimeSpan InFlightBatches = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stop = new();
    private ISituationObserver? _observer;
    private Task? _renewals;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _observer = grains.CreateObjectReference<ISituationObserver>(sessions);
        await RegisterAsync(_observer, cancellationToken);
        _renewals = RenewAsync(_observer, _stop.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_renewals is not null)
        {
            await _renewals.WaitAsync(cancellationToken);
        }

        if (_observer is not null)
        {
            // The feeds forget this host before it goes, so none sends to an observer that no longer
            // exists; a batch a feed sent just before (feeds send every 100 ms) is let arrive first.
            await UnregisterAsync(_observer, cancellationToken);
            await Task.Delay(InFlightBatches, CancellationToken.None);
            grains.DeleteObjectReference<ISituationObserver>(_observer);
        }
    }

    private async Task UnregisterAsync(ISituationObserver observer, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> districts;
        try
        {
            districts = grid.Current.DistrictsOf(grid.Current.City.Code);
        }
        catch (InvalidOperationException)
        {
            return;
        }

        try
        {
            await Task.WhenAll(districts.Select(d => grains.GetGrain<ISituationFeedGrain>(d).Unsubscribe(observer)))
                .WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A feed that did not hear it forgets this host when its registration lapses.
            LogUnregisterFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not every situation feed could be told that this host stops")]
    private partial void LogUnregisterFailed(Exception exception);

    public void Dispose() => _stop.Dispose();

    private async Task RenewAsync(ISituationObserver observer, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.Value.FeedRenewInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RegisterAsync(observer, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host stops.
        }
    }

    private async Task RegisterAsync(ISituationObserver observer, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> districts;
        try
        {
            districts = grid.Current.DistrictsOf(grid.Current.City.Code);
        }
        catch (InvalidOperationException)
        {
            LogNoGrid();
            return;
        }

        foreach (var district in districts)
        {
            try
            {
                await grains.GetGrain<ISituationFeedGrain>(district).Subscribe(observer).WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRegisterFailed(e, district, options.Value.FeedRenewInterval.TotalSeconds);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The grid is not loaded yet; the situation feeds are registered with at the next renewal")]
    private partial void LogNoGrid();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not register with the situation feed of district {District}; retrying in {Seconds} s")]
    private partial void LogRegisterFailed(Exception e, string district, double seconds);
}
