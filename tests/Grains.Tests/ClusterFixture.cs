using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CityOps.Grains.Tests;

/// <summary>One in-process Orleans test cluster shared by the grain tests, with in-memory grain storage.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    /// <summary>The commands the twins sent, as the silo's device gateway would have delivered them.</summary>
    public RecordingCommandSender Commands =>
        ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredService<RecordingCommandSender>();

    /// <summary>What storage holds of a twin now (its <c>device</c> state), as a restart would read it.</summary>
    public async Task<DeviceTwinState> StoredTwinAsync(IDeviceTwinGrain twin)
    {
        var storage = ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var stored = new GrainState<DeviceTwinState>(new DeviceTwinState());
        await storage.ReadStateAsync("device", twin.GetGrainId(), stored);
        return stored.State ?? new DeviceTwinState();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        /// <summary>Short timeouts and delays and one water-level threshold, so behaviour shows within a test.</summary>
        private static readonly Dictionary<string, string?> Settings = new()
        {
            ["Devices:CommandTimeout"] = "00:00:01",
            ["Devices:CommandAttempts"] = "2",
            ["Devices:FlushDelay"] = "00:00:03",
            ["Rules:waterLevel:0:metric"] = "waterLevelCm",
            ["Rules:waterLevel:0:above"] = "15",
            ["Rules:waterLevel:0:clearBelow"] = "12",
            ["Rules:waterLevel:0:alarm"] = "waterlogging",
            ["Rules:waterLevel:0:severity"] = "Major",
            ["City:Path"] = SampleCity.Path,
        };

        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage("Default");
            siloBuilder.UseInMemoryReminderService();
            siloBuilder.Services.AddCityGrains(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());
            siloBuilder.Services.AddSingleton<RecordingCommandSender>();
            siloBuilder.Services.AddSingleton<IDeviceCommandSender>(sp => sp.GetRequiredService<RecordingCommandSender>());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterTests : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
