using BenchmarkDotNet.Attributes;
using CityOps.Silo.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace CityOps.Benchmarks;

/// <summary>
/// What reading grain states costs the embedded profile's SQLite file, as a restarted city reads a twin's state for
/// each device that speaks: a thousand states asked for at once. As Orleans' ADO.NET provider reads (a pooled
/// connection, a new command with its parameters and the statement parsed for every read), against
/// <see cref="SqliteStateReader"/> (the statement kept prepared on a few connections).
/// </summary>
[MemoryDiagnoser]
public class SqliteStateReaderBenchmarks : IAsyncDisposable
{
    private const int States = 1000;
    private const string ServiceId = "cityops";

    private string _folder = "";
    private string _connectionString = "";
    private string _readText = "";
    private StoredStateKey[] _keys = [];
    private SqliteStateReader? _reader;

    /// <summary>A twin's state (300 B) and a twin's chart history (2,000 B).</summary>
    [Params(300, 2000)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "cityops-bench-sqlite-" + Guid.NewGuid().ToString("N"));
        _connectionString = $"Data Source={Path.Combine(_folder, "cityops.db")}";
        await DatabaseSchema.ApplyAsync(AdoNetInvariants.SqliteDriver, _connectionString, DatabaseSchema.ScriptsDirectory, CancellationToken.None);
        _keys = [.. Enumerable.Range(0, States).Select(i => StoredStateKey.Of("device", GrainId.Create("noise", $"NS-990103-{i:D5}")))];
        var payload = new byte[PayloadBytes];
        Random.Shared.NextBytes(payload);
        await using (var writer = new SqliteStateWriter(_connectionString, ServiceId, NullLogger<SqliteStateWriter>.Instance))
        {
            await Task.WhenAll(_keys.Select(key => writer.WriteAsync(key, null, payload)));
        }

        await using (var connection = new SqliteConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'ReadFromStorageKey'";
            _readText = (string)(await command.ExecuteScalarAsync())!;
        }

        _reader = new SqliteStateReader(_connectionString, ServiceId);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _reader = null;
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    [Benchmark(Baseline = true)]
    public async Task<long> ParsedForEachRead()
    {
        var reads = new Task<int>[States];
        for (var i = 0; i < States; i++)
        {
            var key = _keys[i];
            reads[i] = Task.Run(() => ReadAnew(key));
        }

        return Bytes(await Task.WhenAll(reads));
    }

    [Benchmark]
    public async Task<long> KeptPrepared()
    {
        var reads = new Task<StoredState?>[States];
        for (var i = 0; i < States; i++)
        {
            reads[i] = _reader!.ReadAsync(_keys[i]);
        }

        return Bytes((await Task.WhenAll(reads)).Select(r => r?.Payload?.Length ?? throw new InvalidOperationException("A state was not found.")).ToArray());
    }

    private static long Bytes(int[] lengths) => lengths.Sum(l => (long)l);

    private int ReadAnew(StoredStateKey key)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = _readText;
        command.Parameters.AddWithValue("@GrainIdHash", key.GrainIdHash);
        command.Parameters.AddWithValue("@GrainIdN0", key.GrainIdN0);
        command.Parameters.AddWithValue("@GrainIdN1", key.GrainIdN1);
        command.Parameters.AddWithValue("@GrainTypeHash", key.GrainTypeHash);
        command.Parameters.AddWithValue("@GrainTypeString", key.GrainTypeString);
        command.Parameters.AddWithValue("@GrainIdExtensionString", (object?)key.GrainIdExtensionString ?? DBNull.Value);
        command.Parameters.AddWithValue("@ServiceId", ServiceId);
        using var reader = command.ExecuteReader();
        return reader.Read() && !reader.IsDBNull(0) ? ((byte[])reader.GetValue(0)).Length : throw new InvalidOperationException("A state was not found.");
    }
}
