using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CityOps.Grid;

/// <summary>
/// Loads the grid as the host starts, so an invalid grid stops the start with its errors; then follows
/// the grid other nodes import, every <see cref="FollowInterval"/>.
/// </summary>
public sealed partial class GridStartup(GridRegistry registry, ILogger<GridStartup> logger) : BackgroundService
{
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(10);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FollowInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await registry.FollowAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The cluster unreachable for a moment: the next tick asks again.
                LogFollowFailed(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the cluster for its grid; trying again")]
    private partial void LogFollowFailed(Exception exception);
}
