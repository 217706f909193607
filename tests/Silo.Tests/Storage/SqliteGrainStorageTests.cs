using CityOps.Silo.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// The embedded profile's grain storage: reads with Orleans' statement kept prepared (<see cref="SqliteStateReader"/>),
/// writes committed together by the file's one writer (<see cref="SqliteStateWriter"/>), on Orleans' rows and with its
/// versions.
/// </summary>
public sealed class SqliteGrainStorageTests
{
    private const string StateName = "probe";

    [Fact]
    public async Task Many_states_written_at_once_are_each_stored_and_read_back()
    {
        await using var database = new SqliteTestDatabase();
        await using var cluster = await StartAsync(database);
        var storage = cluster.GetDefaultGrainStorage();
        var grains = Enumerable.Range(0, 500).Select(i => GrainId.Create("storageprobe", $"NS-{i}")).ToList();

        await Task.WhenAll(grains.Select(id => storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Value = $"{id.Key}" }))));

        foreach (var id in grains)
        {
            var read = new GrainState<ProbeState>(new ProbeState());
            await storage.ReadStateAsync(StateName, id, read);
            read.State?.Value.Should().Be($"{id.Key}");
            read.ETag.Should().Be("1");
        }
    }

    [Fact]
    public async Task States_read_many_at_once_are_each_their_own_grains()
    {
        await using var database = new SqliteTestDatabase();
        await using var cluster = await StartAsync(database);
        var storage = cluster.GetDefaultGrainStorage();
        var grains = Enumerable.Range(0, 300).Select(i => GrainId.Create("storageprobe", $"RD-{i}")).ToList();
        await Task.WhenAll(grains.Select(id => storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Value = $"{id.Key}" }))));

        var reads = grains.Select(_ => new GrainState<ProbeState>(new ProbeState())).ToList();
        await Task.WhenAll(grains.Select((id, i) => storage.ReadStateAsync(StateName, id, reads[i])));

        reads.Select(r => r.State?.Value).Should().Equal(grains.Select(id => $"{id.Key}"));
        reads.Should().OnlyContain(r => r.ETag == "1" && r.RecordExists);
    }

    [Theory]
    [InlineData("no row")]
    [InlineData("stored")]
    [InlineData("cleared")]
    public async Task A_state_reads_as_Orleans_own_provider_reads_it(string stored)
    {
        await using var database = new SqliteTestDatabase();
        await using var cluster = await StartAsync(database);
        var storage = cluster.GetDefaultGrainStorage();
        var orleans = OrleansOwnProvider(cluster);
        var id = GrainId.Create("storageprobe", "SL-3");
        if (stored != "no row")
        {
            var written = new GrainState<ProbeState>(new ProbeState { Value = "stored" });
            await storage.WriteStateAsync(StateName, id, written);
            if (stored == "cleared")
            {
                await storage.ClearStateAsync(StateName, id, written);
            }
        }

        var engine = new GrainState<ProbeState>(new ProbeState { Value = "held before the read" });
        var theirs = new GrainState<ProbeState>(new ProbeState { Value = "held before the read" });
        await storage.ReadStateAsync(StateName, id, engine);
        await orleans.ReadStateAsync(StateName, id, theirs);

        (engine.State?.Value, engine.ETag, engine.RecordExists).Should().Be((theirs.State?.Value, theirs.ETag, theirs.RecordExists));
        engine.ETag.Should().Be(stored switch { "no row" => null, "stored" => "1", _ => "2" });
    }

    [Fact]
    public async Task A_stale_write_among_many_is_refused_alone()
    {
        await using var database = new SqliteTestDatabase();
        await using var cluster = await StartAsync(database);
        var storage = cluster.GetDefaultGrainStorage();
        var contested = GrainId.Create("storageprobe", "WL-1");
        await storage.WriteStateAsync(StateName, contested, new GrainState<ProbeState>(new ProbeState { Value = "stored" }));
        var others = Enumerable.Range(0, 200).Select(i => GrainId.Create("storageprobe", $"MH-{i}")).ToList();

        var stale = storage.WriteStateAsync(StateName, contested, new GrainState<ProbeState>(new ProbeState { Value = "lost update" }));
        var fine = Task.WhenAll(others.Select(id => storage.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Value = "ok" }))));

        await stale.Invoking(t => t).Should().ThrowAsync<InconsistentStateException>();
        await fine;
        (await database.ScalarAsync<long>("SELECT count(*) FROM OrleansStorage WHERE Version = 1")).Should().Be(201);
        var read = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, contested, read);
        read.State?.Value.Should().Be("stored");
    }

    public static TheoryData<string> GrainKeys => ["string", "guid", "integer", "guid+extension", "integer+extension"];

    [Theory]
    [MemberData(nameof(GrainKeys))]
    public async Task A_state_Orleans_own_provider_wrote_is_the_one_the_engine_writes_on(string keyKind)
    {
        await using var database = new SqliteTestDatabase();
        await using var cluster = await StartAsync(database);
        var storage = cluster.GetDefaultGrainStorage();
        var orleans = OrleansOwnProvider(cluster);
        var id = keyKind switch
        {
            "string" => GrainId.Create("storageprobe", "POLE-17"),
            "guid" => GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b"))),
            "integer" => GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateIntegerKey(20261207)),
            "guid+extension" => GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b"), "310104")),
            _ => GrainId.Create(GrainType.Create("probe"), GrainIdKeyExtensions.CreateIntegerKey(20261207, "310104")),
        };
        await orleans.WriteStateAsync(StateName, id, new GrainState<ProbeState>(new ProbeState { Value = "written by Orleans" }));
        var read = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, id, read);

        read.State = new ProbeState { Value = "written by the engine" };
        await storage.WriteStateAsync(StateName, id, read);

        read.ETag.Should().Be("2");
        var again = new GrainState<ProbeState>(new ProbeState());
        await orleans.ReadStateAsync(StateName, id, again);
        again.State?.Value.Should().Be("written by the engine");
        again.ETag.Should().Be("2");
        (await database.ScalarAsync<long>("SELECT count(*) FROM OrleansStorage")).Should().Be(1);
    }

    [Fact]
    public async Task A_write_after_the_writer_was_disposed_is_still_committed()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        var writer = new SqliteStateWriter(database.ConnectionString, "cityops", NullLogger<SqliteStateWriter>.Instance);
        var key = StoredStateKey.Of(StateName, GrainId.Create("storageprobe", "HY-9"));
        (await writer.WriteAsync(key, null, [1, 2, 3])).Should().Be("1");

        await writer.DisposeAsync();

        (await writer.WriteAsync(key, 1, [4, 5, 6])).Should().Be("2");
        (await database.ScalarAsync<long>("SELECT Version FROM OrleansStorage")).Should().Be(2);
    }

    [Fact]
    public async Task A_read_after_the_reader_was_disposed_still_answers()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        var key = StoredStateKey.Of(StateName, GrainId.Create("storageprobe", "HY-10"));
        await using (var writer = new SqliteStateWriter(database.ConnectionString, "cityops", NullLogger<SqliteStateWriter>.Instance))
        {
            await writer.WriteAsync(key, null, [1, 2, 3]);
        }

        var reader = new SqliteStateReader(database.ConnectionString, "cityops");
        reader.Dispose();

        (await reader.ReadAsync(key)).Should().BeEquivalentTo(new StoredState([1, 2, 3], 1));
    }

    /// <summary>Orleans' own ADO.NET provider, registered beside the engine's on the same rows.</summary>
    private static IGrainStorage OrleansOwnProvider(TestCluster cluster) =>
        cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress)
            .GetRequiredKeyedService<IGrainStorage>(CityGrainStorage.ReaderOf(StorageProbeGrain.StorageName));

    private static async Task<TestCluster> StartAsync(SqliteTestDatabase database)
    {
        await database.ApplySchemaAsync();
        return await AdoNetTestCluster.StartAsync(database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")));
    }
}
