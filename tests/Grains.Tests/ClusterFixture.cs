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
    public async Task<DeviceTwinState> StoredTwinAsync(IDeviceTwinGrain twin) => (await StoredAsync<DeviceTwinState>(twin, DeviceTwinGrain.TwinStateName)).State!;

    /// <summary>What storage holds of one of a grain's named states now.</summary>
    public async Task<GrainState<TState>> StoredAsync<TState>(IAddressable grain, string stateName)
        where TState : new()
    {
        var stored = new GrainState<TState>(new TState());
        await Storage.ReadStateAsync(stateName, grain.GetGrainId(), stored);
        stored.State ??= new TState();
        return stored;
    }

    /// <summary>Writes one of a grain's named states behind its back, as an earlier run of the engine could have left it.</summary>
    public Task StoreAsync<TState>(IAddressable grain, string stateName, TState state) =>
        Storage.WriteStateAsync(stateName, grain.GetGrainId(), new GrainState<TState>(state));

    private IGrainStorage Storage => ((InProcessSiloHandle)Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>("Default");

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
