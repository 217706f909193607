using CityOps.Silo.Storage;
using Microsoft.Data.Sqlite;

namespace CityOps.Silo.Tests.Storage;

/// <summary>A SQLite file in a fresh temporary folder that does not exist yet; deleted on dispose.</summary>
public sealed class SqliteTestDatabase : IAsyncDisposable
{
    private readonly string root;

    public SqliteTestDatabase()
    {
        root = Path.Combine(Path.GetTempPath(), "cityops-storage-tests", Guid.NewGuid().ToString("N"));
        FilePath = Path.Combine(root, "data", "cityops.db");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = FilePath }.ToString();
    }

    public string FilePath { get; }

    public string ConnectionString { get; }

    /// <summary>The invariant name Orleans' providers accept for SQLite.</summary>
    public static string OrleansInvariant => AdoNetInvariants.Sqlite;

    public Task ApplySchemaAsync() =>
        DatabaseSchema.ApplyAsync(AdoNetInvariants.SqliteDriver, ConnectionString, DatabaseSchema.ScriptsDirectory, CancellationToken.None);

    public AdoNetClusterSettings ClusterSettings(string serviceId) =>
        new(OrleansInvariant, ConnectionString, serviceId);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them before deleting it.
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder must not fail a test.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The PostgreSQL server that ./scripts/test.sh starts. Its connection string comes from the
/// environment variable CITYOPS_TEST_POSTGRES; without it the PostgreSQL tests fail on purpose.
/// </summary>
public static class PostgresTestDatabase
{
    public const string EnvironmentVariable = "CITYOPS_TEST_POSTGRES";

    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{EnvironmentVariable} is not set, so there is no PostgreSQL server to test against. " +
                    "Run the tests with ./scripts/test.sh, which starts a throwaway PostgreSQL server and sets " +
                    $"{EnvironmentVariable} (e.g. Host=127.0.0.1;Port=55432;Database=cityops_test;Username=cityops;Password=cityops).");
            }

            return value;
        }
    }

    /// <summary>Applies the project's PostgreSQL scripts (idempotent) and returns the connection string.</summary>
    public static async Task<string> PrepareAsync()
    {
        var connectionString = ConnectionString;
        await DatabaseSchema.ApplyAsync(AdoNetInvariants.PostgreSql, connectionString, DatabaseSchema.ScriptsDirectory, CancellationToken.None);
        return connectionString;
    }

    public static AdoNetClusterSettings ClusterSettings(string connectionString) =>
        new(AdoNetInvariants.PostgreSql, connectionString, "cityops-test-" + Guid.NewGuid().ToString("N"));
}
