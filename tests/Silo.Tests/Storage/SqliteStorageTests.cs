using Orleans.Runtime;
using Orleans.Storage;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// The embedded profile: grain state and reminders in a SQLite file through Orleans' ADO.NET
/// providers, with the schema from db/sqlite.
/// </summary>
public sealed class SqliteStorageTests
{
    private const string StateName = "probe";

    [Fact]
    public async Task Applying_the_schema_creates_the_database_folder_and_registers_every_query()
    {
        await using var database = new SqliteTestDatabase();

        await database.ApplySchemaAsync();

        File.Exists(database.FilePath).Should().BeTrue();
        var keys = await database.ScalarAsync<string>(
            "SELECT group_concat(QueryKey, ',') FROM (SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey)");
        keys!.Split(',').Should().BeEquivalentTo(
            "ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey",
            "DeleteReminderRowKey", "DeleteReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "ReadReminderRowKey", "ReadReminderRowsKey", "UpsertReminderRowKey");
    }

    [Fact]
    public async Task The_database_file_uses_write_ahead_logging()
    {
        await using var database = new SqliteTestDatabase();

        await database.ApplySchemaAsync();

        (await database.ScalarAsync<string>("PRAGMA journal_mode")).Should().Be("wal");
    }

    [Fact]
    public async Task Applying_the_schema_again_restores_changed_query_texts()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        var original = await database.ScalarAsync<string>("SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'");
        await database.ExecuteAsync("UPDATE OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'WriteToStorageKey'");

        await database.ApplySchemaAsync();

        (await database.ScalarAsync<string>("SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'"))
            .Should().Be(original);
        (await database.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery")).Should().Be(11);
    }

    [Fact]
    public async Task Applying_the_schema_twice_keeps_the_stored_grain_state()
    {
        await using var database = new SqliteTestDatabase();
        var settings = database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N"));
        await database.ApplySchemaAsync();
        await using (var cluster = await AdoNetTestCluster.StartAsync(settings))
        {
            await cluster.GrainFactory.GetGrain<IStorageProbeGrain>("WL-0001").SetValueAsync("12.5 cm");
        }

        await database.ApplySchemaAsync();

        await using var restarted = await AdoNetTestCluster.StartAsync(settings);
        (await restarted.GrainFactory.GetGrain<IStorageProbeGrain>("WL-0001").GetValueAsync()).Should().Be("12.5 cm");
    }

    [Fact]
    public async Task Grain_state_written_before_the_cluster_stopped_is_read_back_by_a_new_cluster_on_the_same_file()
    {
        await using var database = new SqliteTestDatabase();
        var settings = database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N"));
        await database.ApplySchemaAsync();
        await using (var cluster = await AdoNetTestCluster.StartAsync(settings))
        {
            var grain = cluster.GrainFactory.GetGrain<IStorageProbeGrain>("pole-17");
            await grain.SetValueAsync("first");
            await grain.SetValueAsync("second");
        }

        await using var restarted = await AdoNetTestCluster.StartAsync(settings);

        (await restarted.GrainFactory.GetGrain<IStorageProbeGrain>("pole-17").GetValueAsync()).Should().Be("second");
    }

    [Fact]
    public async Task Clearing_the_state_removes_it_from_storage()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        await using var cluster = await AdoNetTestCluster.StartAsync(database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")));
        var grain = cluster.GrainFactory.GetGrain<IStorageProbeGrain>("manhole-3");
        await grain.SetValueAsync("displaced");

        await grain.ClearAsync();
        await grain.DeactivateAsync();

        (await grain.GetValueAsync()).Should().BeNull();
        (await database.ScalarAsync<long>("SELECT count(*) FROM OrleansStorage WHERE PayloadBinary IS NOT NULL")).Should().Be(0);
    }

    [Fact]
    public async Task A_grain_can_write_again_after_clearing_its_state()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        await using var cluster = await AdoNetTestCluster.StartAsync(database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")));
        var grain = cluster.GrainFactory.GetGrain<IStorageProbeGrain>("gas-8");
        await grain.SetValueAsync("leak");
        await grain.ClearAsync();

        await grain.SetValueAsync("normal");
        await grain.DeactivateAsync();

        (await grain.GetValueAsync()).Should().Be("normal");
    }

    [Fact]
    public async Task A_first_write_is_refused_when_another_activation_already_stored_the_grain()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        await using var cluster = await AdoNetTestCluster.StartAsync(database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")));
        var storage = cluster.GetDefaultGrainStorage();
        var grainId = GrainId.Create("storageprobe", "split-brain");
        var first = new GrainState<ProbeState>(new ProbeState());
        var second = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, grainId, first);
        await storage.ReadStateAsync(StateName, grainId, second);
        first.State = new ProbeState { Value = "first" };
        await storage.WriteStateAsync(StateName, grainId, first);

        second.State = new ProbeState { Value = "second" };
        var write = () => storage.WriteStateAsync(StateName, grainId, second);

        await write.Should().ThrowAsync<InconsistentStateException>();
        var stored = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, grainId, stored);
        stored.State?.Value.Should().Be("first");
    }

    [Fact]
    public async Task A_write_based_on_an_outdated_version_is_refused()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        await using var cluster = await AdoNetTestCluster.StartAsync(database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")));
        var storage = cluster.GetDefaultGrainStorage();
        var grainId = GrainId.Create("storageprobe", "stale-writer");
        await storage.WriteStateAsync(StateName, grainId, new GrainState<ProbeState>(new ProbeState { Value = "v1" }));
        var current = new GrainState<ProbeState>(new ProbeState());
        var stale = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, grainId, current);
        await storage.ReadStateAsync(StateName, grainId, stale);
        current.State = new ProbeState { Value = "v2" };
        await storage.WriteStateAsync(StateName, grainId, current);

        stale.State = new ProbeState { Value = "lost update" };
        var write = () => storage.WriteStateAsync(StateName, grainId, stale);

        await write.Should().ThrowAsync<InconsistentStateException>();
        var stored = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, grainId, stored);
        stored.State?.Value.Should().Be("v2");
    }

    [Fact]
    public async Task A_clear_based_on_an_outdated_version_is_refused()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        await using var cluster = await AdoNetTestCluster.StartAsync(database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")));
        var storage = cluster.GetDefaultGrainStorage();
        var grainId = GrainId.Create("storageprobe", "stale-clearer");
        var current = new GrainState<ProbeState>(new ProbeState { Value = "v1" });
        await storage.WriteStateAsync(StateName, grainId, current);
        var stale = new GrainState<ProbeState>(new ProbeState());
        await storage.ReadStateAsync(StateName, grainId, stale);
        current.State = new ProbeState { Value = "v2" };
        await storage.WriteStateAsync(StateName, grainId, current);

        var clear = () => storage.ClearStateAsync(StateName, grainId, stale);

        await clear.Should().ThrowAsync<InconsistentStateException>();
    }

    [Fact]
    public async Task Every_write_gives_the_state_a_new_version()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        await using var cluster = await AdoNetTestCluster.StartAsync(database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")));
        var storage = cluster.GetDefaultGrainStorage();
        var grainId = GrainId.Create("storageprobe", "versions");
        var state = new GrainState<ProbeState>(new ProbeState { Value = "a" });

        await storage.WriteStateAsync(StateName, grainId, state);
        var afterFirst = state.ETag;
        await storage.WriteStateAsync(StateName, grainId, state);

        afterFirst.Should().Be("1");
        state.ETag.Should().Be("2");
        state.RecordExists.Should().BeTrue();
    }

    [Fact]
    public async Task A_registered_reminder_is_found_again_after_the_cluster_restarts()
    {
        await using var database = new SqliteTestDatabase();
        var settings = database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")) with { Reminders = true };
        await database.ApplySchemaAsync();
        await using (var cluster = await AdoNetTestCluster.StartAsync(settings))
        {
            await cluster.GrainFactory.GetGrain<IStorageProbeGrain>("E20261122-000123").RegisterReminderAsync("overdue-check");
        }

        await using var restarted = await AdoNetTestCluster.StartAsync(settings);

        (await restarted.GrainFactory.GetGrain<IStorageProbeGrain>("E20261122-000123").HasReminderAsync("overdue-check"))
            .Should().BeTrue();
    }

    [Fact]
    public async Task An_unregistered_reminder_is_gone()
    {
        await using var database = new SqliteTestDatabase();
        await database.ApplySchemaAsync();
        await using var cluster = await AdoNetTestCluster.StartAsync(
            database.ClusterSettings("cityops-" + Guid.NewGuid().ToString("N")) with { Reminders = true });
        var grain = cluster.GrainFactory.GetGrain<IStorageProbeGrain>("E20261122-000124");
        await grain.RegisterReminderAsync("overdue-check");

        await grain.UnregisterReminderAsync("overdue-check");

        (await grain.HasReminderAsync("overdue-check")).Should().BeFalse();
        (await database.ScalarAsync<long>("SELECT count(*) FROM OrleansRemindersTable")).Should().Be(0);
    }
}
