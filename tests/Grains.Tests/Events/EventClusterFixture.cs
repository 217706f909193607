using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace CityOps.Grains.Tests.Events;

/// <summary>
/// A test cluster for cases, apart from the device tests: its clock is moved by hand, so deadlines
/// expire at once, and moving it must not make other tests' devices fall silent.
/// </summary>
public sealed class EventClusterFixture : IAsyncLifetime
{
    public static ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; } = new TestClusterBuilder(1).AddSiloBuilderConfigurator<SiloConfigurator>().Build();

    public IGrainFactory Grains => Cluster.GrainFactory;

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage("Default");
            siloBuilder.UseInMemoryReminderService();
            var settings = new Dictionary<string, string?>
            {
                ["City:Path"] = SampleCity.Path,
                ["Events:UnopenedRetry"] = "00:00:01",
                // The audit checkpoints' SM2 key is generated here at first use.
                ["Storage:DataPath"] = Path.Combine(Path.GetTempPath(), "cityops-grain-tests", Guid.NewGuid().ToString("N")),
            };
            siloBuilder.Services.AddCityGrains(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            siloBuilder.Services.AddSingleton<TimeProvider>(Clock);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EventClusterTests : ICollectionFixture<EventClusterFixture>
{
    public const string Name = "events";
}
