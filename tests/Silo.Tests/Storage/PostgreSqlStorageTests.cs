using CityOps.Silo.Storage;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// The cluster profile: membership, grain state and reminders in PostgreSQL through Orleans'
/// ADO.NET providers, with the schema from db/postgresql, against the real server that
/// ./scripts/test.sh starts (CITYOPS_TEST_POSTGRES). Each test uses its own ServiceId and ClusterId.
/// </summary>
public sealed class PostgreSqlStorageTests
{
    private const string StateName = "probe";

    [Fact]
    public async Task Applying_the_schema_twice_is_harmless_and_registers_every_query()
    {
        var connectionString = await PostgresTestDatabase.PrepareAsync();

        await DatabaseSchema.ApplyAsync(AdoNetInvariants.PostgreSql, connectionString, DatabaseSchema.ScriptsDirectory, CancellationToken.None);

        var keys = await QueryKeysAsync(connectionString);
        keys.Should().BeEquivalentTo(
            "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
            "CleanupDefunctSiloEntriesKey",
            "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key",
            "ReadRangeRows2Key", "DeleteReminderRowKey", "DeleteReminderRowsKey");
    }

    [Fact]
    public async Task Silos_applying_the_schema_at_the_same_time_all_succeed()
    {
        var connectionString = PostgresTestDatabase.ConnectionString;

        var applying = Enumerable.Range(0, 4).Select(_ =>
            DatabaseSchema.ApplyAsync(AdoNetInvariants.PostgreSql, connectionString, DatabaseSchema.ScriptsDirectory, CancellationToken.None));

        await FluentActions.Awaiting(() => Task.WhenAll(applying)).Should().NotThrowAsync();
    }

    [Fact]
    public async Task Grain_state_written_before_the_cluster_stopped_is_read_back_by_a_new_cluster()
    {
        var settings = PostgresTestDatabase.ClusterSettings(await PostgresTestDatabase.PrepareAsync());
        await using (var cluster = await AdoNetTestCluster.StartAsync(settings))
        {
            var grain = cluster.GrainFactory.GetGrain<IStorageProbeGrain>("WL-0001");
            await grain.SetValueAsync("first");
            await grain.SetValueAsync("second");
        }

        await using var restarted = await AdoNetTestCluster.StartAsync(settings);

        (await restarted.GrainFactory.GetGrain<IStorageProbeGrain>("WL-0001").GetValueAsync()).Should().Be("second");
    }

    [Fact]
    public async Task Clearing_the_state_removes_it_from_storage()
    {
        var settings = PostgresTestDatabase.ClusterSettings(await PostgresTestDatabase.PrepareAsync());
        await using var cluster = await AdoNetTestCluster.StartAsync(settings);
        var grain = cluster.GrainFactory.GetGrain<IStorageProbeGrain>("manhole-3");
        await grain.SetValueAsync("displaced");

        await grain.ClearAsync();
        await grain.DeactivateAsync();

        (await grain.GetValueAsync()).Should().BeNull();
    }

    [Fact]
    public async Task A_write_based_on_an_outdated_version_is_refused()
    {
        var settings = PostgresTestDatabase.ClusterSettings(await PostgresTestDatabase.PrepareAsync());
        await using var cluster = await AdoNetTestCluster.StartAsync(settings);
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
    }

    [Fact]
    public async Task A_first_write_is_refused_when_another_activation_already_stored_the_grain()
    {
        var settings = PostgresTestDatabase.ClusterSettings(await PostgresTestDatabase.PrepareAsync());
        await using var cluster = await AdoNetTestCluster.StartAsync(settings);
        var storage = cluster.GetDefaultGrainStorage();
        var grainId = GrainId.Create("storageprobe", "split-brain");
        await storage.WriteStateAsync(StateName, grainId, new GrainState<ProbeState>(new ProbeState { Value = "first" }));

        var write = () => storage.WriteStateAsync(StateName, grainId, new GrainState<ProbeState>(new ProbeState { Value = "second" }));

        await write.Should().ThrowAsync<InconsistentStateException>();
    }

    [Fact]
    public async Task A_silo_using_PostgreSQL_membership_starts_and_serves_grain_calls()
    {
        var settings = PostgresTestDatabase.ClusterSettings(await PostgresTestDatabase.PrepareAsync()) with { Clustering = true };
        await using var cluster = await AdoNetTestCluster.StartAsync(settings);

        await cluster.GrainFactory.GetGrain<IStorageProbeGrain>("pole-17").SetValueAsync("lamp on");

        (await cluster.GrainFactory.GetGrain<IStorageProbeGrain>("pole-17").GetValueAsync()).Should().Be("lamp on");
        (await ActiveSilosAsync(settings.ConnectionString, settings.ClusterId)).Should().Be(1);
    }

    [Fact]
    public async Task A_registered_reminder_is_found_again_after_the_cluster_restarts()
    {
        var settings = PostgresTestDatabase.ClusterSettings(await PostgresTestDatabase.PrepareAsync()) with { Reminders = true };
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
        var settings = PostgresTestDatabase.ClusterSettings(await PostgresTestDatabase.PrepareAsync()) with { Reminders = true };
        await using var cluster = await AdoNetTestCluster.StartAsync(settings);
        var grain = cluster.GrainFactory.GetGrain<IStorageProbeGrain>("E20261122-000124");
        await grain.RegisterReminderAsync("overdue-check");

        await grain.UnregisterReminderAsync("overdue-check");

        (await grain.HasReminderAsync("overdue-check")).Should().BeFalse();
    }

    private static async Task<List<string>> QueryKeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task<long> ActiveSilosAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @clusterId AND Status = 3", connection);
        command.Parameters.AddWithValue("clusterId", clusterId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
