using Microsoft.Extensions.Hosting;

namespace CityOps.Grid;

/// <summary>Loads the grid as the host starts, so an invalid grid stops the start with its errors.</summary>
public sealed class GridStartup(GridRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => registry.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
