using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityOps.Silo.Storage;

/// <summary>
/// Creates (or brings up to date) the tables, functions and registered queries that Orleans'
/// ADO.NET providers need, by running the project's scripts from <c>db/</c>.
/// </summary>
/// <remarks>
/// The scripts are idempotent, so applying them at every start is safe. Each <c>*.sql</c> file of the
/// database's folder runs as one batch, in file name order. For PostgreSQL all files run in a single
/// transaction under an advisory lock, so silos that start at the same time apply them one after another
/// and a failing file leaves the database as it was.
/// </remarks>
public static class DatabaseSchema
{
    /// <summary>The folder the scripts are copied to next to the application (<c>db/</c>).</summary>
    public static string ScriptsDirectory => Path.Combine(AppContext.BaseDirectory, "db");

    /// <summary>Arbitrary, fixed key of the PostgreSQL advisory lock that serialises schema updates.</summary>
    private const long PostgreSqlSchemaLockKey = 0x4369_7479_4F70_73; // "CityOps"

    /// <summary>
    /// Applies the scripts for the database named by <paramref name="invariant"/>:
    /// <c>Microsoft.Data.Sqlite</c> / <c>System.Data.SQLite</c> run <c>{scriptsDirectory}/sqlite/*.sql</c>,
    /// <c>Npgsql</c> runs <c>{scriptsDirectory}/postgresql/*.sql</c>.
    /// For SQLite the folder of the database file is created if it does not exist.
    /// </summary>
    /// <exception cref="NotSupportedException">No scripts exist for <paramref name="invariant"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The scripts folder is missing.</exception>
    /// <exception cref="InvalidOperationException">A script failed; the message names the file.</exception>
    public static async Task ApplyAsync(string invariant, string connectionString, string scriptsDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(invariant);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(scriptsDirectory);

        if (AdoNetInvariants.IsSqlite(invariant))
        {
            var scripts = FindScripts(scriptsDirectory, "sqlite");
            await ApplySqliteAsync(connectionString, scripts, cancellationToken);
        }
        else if (AdoNetInvariants.IsPostgreSql(invariant))
        {
            var scripts = FindScripts(scriptsDirectory, "postgresql");
            await ApplyPostgreSqlAsync(connectionString, scripts, cancellationToken);
        }
        else
        {
            throw new NotSupportedException(
                $"There are no database scripts for the ADO.NET invariant '{invariant}'. Supported: " +
                $"'{AdoNetInvariants.SqliteDriver}' (or '{AdoNetInvariants.Sqlite}') and '{AdoNetInvariants.PostgreSql}'.");
        }
    }

    private static string[] FindScripts(string scriptsDirectory, string database)
    {
        var folder = Path.Combine(scriptsDirectory, database);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"The {database} schema scripts folder '{Path.GetFullPath(folder)}' does not exist " +
                "(the Silo project copies db/**/*.sql next to the application).");
        }

        var scripts = Directory.GetFiles(folder, "*.sql", SearchOption.TopDirectoryOnly);
        if (scripts.Length == 0)
        {
            throw new InvalidOperationException($"The {database} schema scripts folder '{Path.GetFullPath(folder)}' has no *.sql files.");
        }

        Array.Sort(scripts, (left, right) => string.CompareOrdinal(Path.GetFileName(left), Path.GetFileName(right)));
        return scripts;
    }

    private static async Task ApplySqliteAsync(string connectionString, string[] scripts, CancellationToken cancellationToken)
    {
        // A private, unpooled connection: when it closes, the file is released and anything a failed
        // script left open is rolled back.
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        EnsureSqliteDirectoryExists(builder);

        await using var connection = new SqliteConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var script in scripts)
        {
            await RunScriptAsync(connection, transaction: null, script, "SQLite", cancellationToken);
        }
    }

    private static async Task ApplyPostgreSqlAsync(string connectionString, string[] scripts, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", PostgreSqlSchemaLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var script in scripts)
        {
            await RunScriptAsync(connection, transaction, script, "PostgreSQL", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task RunScriptAsync(DbConnection connection, DbTransaction? transaction, string scriptPath, string database, CancellationToken cancellationToken)
    {
        try
        {
            var text = await File.ReadAllTextAsync(scriptPath, cancellationToken);
            await using var command = connection.CreateCommand();

            // The whole file is one batch: both drivers execute multi-statement text themselves and
            // understand quoted strings and $$-quoted function bodies, so it is not split here.
            command.CommandText = text;
            command.Transaction = transaction;
            command.CommandTimeout = 120;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Applying the {database} schema script '{scriptPath}' failed: {ex.Message}", ex);
        }
    }

    private static void EnsureSqliteDirectoryExists(SqliteConnectionStringBuilder builder)
    {
        var dataSource = builder.DataSource;
        if (string.IsNullOrWhiteSpace(dataSource)
            || builder.Mode == SqliteOpenMode.Memory
            || string.Equals(dataSource, ":memory:", StringComparison.Ordinal)
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        const string DataDirectoryMacro = "|DataDirectory|";
        if (dataSource.StartsWith(DataDirectoryMacro, StringComparison.OrdinalIgnoreCase))
        {
            var dataDirectory = AppDomain.CurrentDomain.GetData("DataDirectory") as string ?? AppContext.BaseDirectory;
            dataSource = Path.Combine(dataDirectory, dataSource[DataDirectoryMacro.Length..].TrimStart('/', '\\'));
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
