using CityOps.DashboardHost;
using CityOps.DashboardHost.Grid;
using CityOps.DeviceGateway;
using CityOps.Grains;
using CityOps.Grid;
using CityOps.Samples.DeviceSimulator;
using CityOps.Silo.City;
using CityOps.Silo.Recovery;
using CityOps.Silo.Storage;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace CityOps.Silo.Hosting;

/// <summary>
/// Composes the engine: the Orleans silo and, in the same process, the device gateway, the HTTP
/// host (API, hub, pages) and the device simulator. Tests build it the same way with their own
/// configuration, so what they start is what <c>dotnet run</c> starts.
/// </summary>
public static class CityOpsHost
{
    /// <summary>How long a stop may take before the host gives up on what is left of it (default two minutes).</summary>
    public const string ShutdownTimeoutSetting = "Host:ShutdownTimeout";

    /// <param name="configureServices">Runs after the engine's own registrations, so a test can replace one (the clock).</param>
    public static async Task<WebApplication> BuildAsync(
        string[] args,
        Action<IConfigurationBuilder>? configure = null,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder.Configuration);
        var settings = EngineSettings.From(builder.Configuration);

        // Every part reads the same absolute folders, wherever the process was started from.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataPath"] = settings.DataPath,
            ["City:Path"] = settings.CityPath,
        });
        HttpEndpoints.Configure(builder);

        Directory.CreateDirectory(settings.DataPath);
        await DatabaseSchema.ApplyAsync(settings.StorageInvariant, settings.StorageConnectionString, DatabaseSchema.ScriptsDirectory, cancellationToken);

        builder.Services.AddSingleton(settings);

        // A clean stop writes every twin's readings still in memory; give it time to (a million twins on SQLite take
        // about 100 s: docs/reliability.md, "A clean stop").
        var stopTimeout = builder.Configuration.GetValue(ShutdownTimeoutSetting, TimeSpan.FromMinutes(2));
        if (stopTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{ShutdownTimeoutSetting} is {stopTimeout}: give the time a stop may take, such as 00:04:00.");
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = stopTimeout);
        builder.Services.AddCityGrains(builder.Configuration);
        builder.UseOrleans(silo => ConfigureSilo(silo, settings).UseCityClusterTls(builder.Configuration));

        // Hosted services start in this order: the silo, then the grid (an invalid one stops the
        // start), then the users (which refuses demo passwords beyond loopback), then the devices'
        // registration, then the recovery of work a crash left half done,
        // then the broker that authenticates against the registry, then the simulated devices that
        // connect to it. They stop in the reverse order: devices and the broker first, the silo last.
        builder.Services.AddHostedService<GridStartup>();
        builder.Services.AddHostedService<UserSeeder>();
        builder.Services.AddHostedService<DeviceSeeder>();
        builder.Services.AddSingleton<StoredStates>();
        builder.Services.AddHostedService<PendingWorkRecovery>();
        builder.Services.AddHostedService<DeadlineSweep>();
        builder.Services.AddHostedService<DailyAuditCheckpoint>();
        if (settings.RunsGateway)
        {
            builder.Services.AddDeviceGateway(builder.Configuration);
        }
        else
        {
            // The options still tell the simulator the topic root (Simulator:Brokers names the gateways).
            builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
        }

        builder.Services.AddDashboard(builder.Configuration);
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        builder.Services.AddDeviceSimulator(builder.Configuration);
        builder.Services.AddHostedService<StartupBanner>();

        builder.AddCityTelemetry(GatewayMetrics.MeterName, CityOps.Grains.Devices.DeviceMetrics.MeterName, CityOps.DashboardHost.Situation.SituationSessions.MeterName);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapDashboard();
        app.MapCityTelemetry();
        return app;
    }

    private static ISiloBuilder ConfigureSilo(ISiloBuilder silo, EngineSettings settings)
    {
        if (settings.Profile == Profile.Embedded)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);

            // One silo owns the whole grain directory: a lookup it has not cached is answered from its own partition at
            // once, so the directory cache would only hold a second entry per activation, about 150 bytes a device. The
            // size stays small because a cache table of that size is built even when unused (and must be at least 3).
            // A cluster keeps the cache.
            silo.Configure<Orleans.Configuration.GrainDirectoryOptions>(o =>
            {
                o.CachingStrategy = Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType.None;
                o.CacheSize = 1000;
            });
        }
        else
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = settings.StorageInvariant;
                o.ConnectionString = settings.StorageConnectionString;
            });
        }

        // One state format for both profiles (GrainStateFormat); SQLite commits the writes waiting together (SqliteGrainStorage).
        silo.AddCityGrainStorage("Default", settings.StorageInvariant, settings.StorageConnectionString);

        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = settings.StorageInvariant;
            o.ConnectionString = settings.StorageConnectionString;
        });
        return silo;
    }
}
