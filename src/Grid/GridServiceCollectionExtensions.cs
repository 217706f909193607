using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Grid;

public static class GridServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grid registry and its options (section <c>Grid</c>). The host adds
    /// <see cref="GridStartup"/> where its start order wants the grid loaded.
    /// </summary>
    public static IServiceCollection AddGrid(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<GridOptions>(configuration.GetSection(GridOptions.Section));
        services.AddSingleton<GridRegistry>();
        return services;
    }
}
