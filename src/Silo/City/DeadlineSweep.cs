using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grid;

namespace CityOps.Silo.City;

/// <summary>
/// At start, wakes every open case whose deadline passed while the engine was down, so its
/// escalation is raised now rather than at its reminder's next tick. The cases' reminders keep
/// them on time from then on.
/// </summary>
public sealed partial class DeadlineSweep(GridRegistry grid, IGrainFactory grains, TimeProvider clock, ILogger<DeadlineSweep> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var districts = grid.Current.DistrictsOf(grid.Current.City.Code);
        var due = (await Task.WhenAll(districts.Select(d => grains.GetGrain<IEventIndexGrain>(d).DueBy(now)))).SelectMany(ids => ids).ToList();
        foreach (var id in due)
        {
            try
            {
                await grains.GetGrain<IUrbanEventGrain>(id).CheckDeadline();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One broken case must not keep the engine from starting; its reminder tries again.
                LogFailed(e, id);
            }
        }

        if (due.Count > 0)
        {
            LogSwept(due.Count);
        }
    }

    [LoggerMessage(LogLevel.Error, "Case {EventId}: its deadline could not be checked at start")]
    private partial void LogFailed(Exception exception, string eventId);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "{Count} open cases passed a deadline while the engine was down; their escalations are raised")]
    private partial void LogSwept(int count);
}
