using BenchmarkDotNet.Attributes;
using CityOps.Silo.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;

namespace CityOps.Benchmarks;

/// <summary>
/// What writing grain states costs the embedded profile's SQLite file (WAL, synchronous FULL: each commit waits for
/// the disk). A thousand twins' states written one after another, each committing on its own as with one writer at a
/// time, against the same thousand written at once and committed together by <see cref="SqliteStateWriter"/>.
/// </summary>
[MemoryDiagnoser]
public class SqliteStateWriterBenchmarks : IAsyncDisposable
{
    private const int States = 1000;

    private byte[] _payload = [];
    private string _folder = "";
    private SqliteStateWriter? _writer;
    private StoredStateKey[] _keys = [];
    private int[] _versions = [];

    /// <summary>A twin's state (300 B) and a twin's chart history (2,000 B), the two a twin writes when it stops.</summary>
    [Params(300, 2000)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _payload = new byte[PayloadBytes];
        Random.Shared.NextBytes(_payload);
        _folder = Path.Combine(Path.GetTempPath(), "cityops-bench-sqlite-" + Guid.NewGuid().ToString("N"));
        var connectionString = $"Data Source={Path.Combine(_folder, "cityops.db")}";
        await DatabaseSchema.ApplyAsync(AdoNetInvariants.SqliteDriver, connectionString, DatabaseSchema.ScriptsDirectory, CancellationToken.None);
        _writer = new SqliteStateWriter(connectionString, "cityops", NullLogger<SqliteStateWriter>.Instance);
        _keys = [.. Enumerable.Range(0, States).Select(i => StoredStateKey.Of("device", GrainId.Create("noise", $"NS-990103-{i:D5}")))];
        _versions = new int[States];
        await CommittedTogether();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public async Task OneCommitEach()
    {
        for (var i = 0; i < States; i++)
        {
            _versions[i] = Stored(await _writer!.WriteAsync(_keys[i], Held(i), _payload));
        }
    }

    [Benchmark]
    public async Task CommittedTogether()
    {
        var writes = new Task<string?>[States];
        for (var i = 0; i < States; i++)
        {
            writes[i] = _writer!.WriteAsync(_keys[i], Held(i), _payload);
        }

        for (var i = 0; i < States; i++)
        {
            _versions[i] = Stored(await writes[i]);
        }
    }

    private int? Held(int i) => _versions[i] == 0 ? null : _versions[i];

    private static int Stored(string? version) =>
        int.TryParse(version, System.Globalization.CultureInfo.InvariantCulture, out var stored) ? stored : throw new InvalidOperationException($"The write was refused ({version}).");
}
