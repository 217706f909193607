using CityOps.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CityOps.Silo.Tests.Storage;

/// <summary>What an in-process test cluster keeps in the database.</summary>
public sealed record AdoNetClusterSettings(string Invariant, string ConnectionString, string ServiceId)
{
    public string ClusterId { get; init; } = "cityops-test-" + Guid.NewGuid().ToString("N");

    /// <summary>Reminders in the database (Orleans' ADO.NET reminder table) as well as grain state.</summary>
    public bool Reminders { get; init; }

    /// <summary>Cluster membership in the database instead of the test cluster's own.</summary>
    public bool Clustering { get; init; }
}

/// <summary>Starts Orleans' in-process <see cref="TestCluster"/> with the ADO.NET providers.</summary>
public static class AdoNetTestCluster
{
    private const string Prefix = "CityOpsTest:";
    internal const string InvariantKey = Prefix + "Invariant";
    internal const string ConnectionStringKey = Prefix + "ConnectionString";
    internal const string RemindersKey = Prefix + "Reminders";
    internal const string ClusteringKey = Prefix + "Clustering";

    public static async Task<TestCluster> StartAsync(AdoNetClusterSettings settings)
    {
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.Options.ServiceId = settings.ServiceId;
        builder.Options.ClusterId = settings.ClusterId;
        builder.Options.ConfigureFileLogging = false;
        builder.Options.UseTestClusterMembership = !settings.Clustering;
        builder.Properties[InvariantKey] = settings.Invariant;
        builder.Properties[ConnectionStringKey] = settings.ConnectionString;
        builder.Properties[RemindersKey] = settings.Reminders.ToString();
        builder.Properties[ClusteringKey] = settings.Clustering.ToString();
        builder.AddSiloBuilderConfigurator<AdoNetSiloConfigurator>();
        builder.AddClientBuilderConfigurator<AdoNetClientConfigurator>();

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silo's own "Default" grain storage provider, to drive it directly.</summary>
    public static IGrainStorage GetDefaultGrainStorage(this TestCluster cluster) =>
        cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress)
            .GetRequiredKeyedService<IGrainStorage>(StorageProbeGrain.StorageName);

    internal static bool GetFlag(IConfiguration configuration, string key) =>
        bool.TryParse(configuration[key], out var value) && value;

    internal static string GetRequired(IConfiguration configuration, string key) =>
        configuration[key] ?? throw new InvalidOperationException($"The test cluster configuration has no '{key}'.");
}

public sealed class AdoNetSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var configuration = siloBuilder.Configuration;
        var invariant = AdoNetTestCluster.GetRequired(configuration, AdoNetTestCluster.InvariantKey);
        var connectionString = AdoNetTestCluster.GetRequired(configuration, AdoNetTestCluster.ConnectionStringKey);

        // The engine's own storage configuration, state format included.
        siloBuilder.AddCityGrainStorage(StorageProbeGrain.StorageName, invariant, connectionString);

        if (AdoNetTestCluster.GetFlag(configuration, AdoNetTestCluster.RemindersKey))
        {
            siloBuilder.UseAdoNetReminderService(options =>
            {
                options.Invariant = invariant;
                options.ConnectionString = connectionString;
            });
        }

        if (AdoNetTestCluster.GetFlag(configuration, AdoNetTestCluster.ClusteringKey))
        {
            siloBuilder.UseAdoNetClustering(options =>
            {
                options.Invariant = invariant;
                options.ConnectionString = connectionString;
            });
        }
    }
}

public sealed class AdoNetClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        if (!AdoNetTestCluster.GetFlag(configuration, AdoNetTestCluster.ClusteringKey))
        {
            return;
        }

        var invariant = AdoNetTestCluster.GetRequired(configuration, AdoNetTestCluster.InvariantKey);
        var connectionString = AdoNetTestCluster.GetRequired(configuration, AdoNetTestCluster.ConnectionStringKey);
        clientBuilder.UseAdoNetClustering(options =>
        {
            options.Invariant = invariant;
            options.ConnectionString = connectionString;
        });
    }
}
