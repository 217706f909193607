using CityOps.Grid;
using CityOps.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CityOps.DashboardHost;

/// <summary>
/// The dashboard host as a program of its own (<c>dotnet run --project src/DashboardHost</c>): the APIs,
/// Open311, the situation hub and the pages, joined to the cluster as an Orleans client
/// (<see cref="ClusterClient"/>), on <c>Http:Urls</c> (default <see cref="DefaultUrls"/>). Situation
/// changes reach its hub from whichever silo produced them (<c>SituationFeedListener</c>). It reads the
/// city's files from <c>City:Path</c> like a silo; in the cluster profile every host needs the same
/// <c>Auth:SigningKey</c> so that a token issued by one is good at all.
/// </summary>
public static class DashboardProgram
{
    public const string DefaultUrls = "http://localhost:5082";

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        ProgramDefaults.Apply(builder, DefaultUrls);
        configure?.Invoke(builder.Configuration);

        // Every part reads the same absolute folders, wherever the process was started from.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [CityFolder.Setting] = CityFolder.Resolve(builder.Configuration),
            ["Storage:DataPath"] = Path.GetFullPath(builder.Configuration["Storage:DataPath"] is { Length: > 0 } data ? data : "data-dashboard"),
        });
        HttpEndpoints.Configure(builder);
        builder.UseOrleansClient(client => client.UseCityCluster(builder.Configuration));
        builder.Services.AddHostedService<GridStartup>();
        builder.Services.AddDashboard(builder.Configuration);
        builder.AddCityTelemetry(Situation.SituationSessions.MeterName);

        var app = builder.Build();
        app.MapDashboard();
        app.MapCityTelemetry();
        return app;
    }
}
