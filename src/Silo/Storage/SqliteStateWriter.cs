using System.Globalization;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace CityOps.Silo.Storage;

/// <summary>
/// The one writer of grain state to a SQLite file. SQLite lets one writer in at a time, and each commit waits for the
/// disk (WAL with synchronous FULL): about 1,500 commits a second on a common disk, while a city coming online or
/// falling silent writes a state for every device. So the writes that arrive while a commit is on the disk are
/// committed together in the next transaction (group commit). Each write still commits before its caller hears of
/// it; a transaction that fails is tried again write by write, so a bad write fails alone. The statements are
/// Orleans' own (db/sqlite/02-persistence.sql): its clear as the <c>OrleansQuery</c> table holds it, its write as
/// its two cases apart (see <see cref="Statements"/>), with their answer kept as Orleans' ADO.NET provider reads it.
/// </summary>
public sealed partial class SqliteStateWriter(string connectionString, string serviceId, ILogger<SqliteStateWriter> logger) : IAsyncDisposable
{
    /// <summary>The most writes one transaction commits: a few milliseconds of statements, so no write waits long behind it.</summary>
    private const int MostPerCommit = 512;

    private readonly Channel<StateWrite> _queue = Channel.CreateUnbounded<StateWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _loop;
    private Statements? _statements;

    /// <summary>Writes the state's payload over <paramref name="version"/> (null: the first write); the version stored, as Orleans' provider reads it.</summary>
    public Task<string?> WriteAsync(StoredStateKey key, int? version, byte[] payload) => Enqueue(new StateWrite(key, version, payload));

    /// <summary>Clears the state's payload, keeping its row and version sequence; the version stored, as Orleans' provider reads it.</summary>
    public Task<string?> ClearAsync(StoredStateKey key, int? version) => Enqueue(new StateWrite(key, version, Payload: null));

    private Task<string?> Enqueue(StateWrite write)
    {
        if (_queue.Writer.TryWrite(write))
        {
            EnsureLoop();
        }
        else
        {
            // After disposal (the container disposes singletons while the last grains may still write on their way
            // out), each write commits on its own.
            _ = Task.Run(() => Commit([write]));
        }

        return write.Done.Task;
    }

    private void EnsureLoop()
    {
        if (_loop is null)
        {
            lock (_gate)
            {
                _loop ??= Task.Run(RunAsync);
            }
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<StateWrite>(MostPerCommit);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MostPerCommit && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }

            Commit(batch);
            batch.Clear();
        }
    }

    /// <summary>Commits the writes in one transaction; when it fails, each in its own.</summary>
    private void Commit(List<StateWrite> batch)
    {
        lock (_gate)
        {
            try
            {
                var stored = Execute(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(stored[i]);
                }

                return;
            }
            catch (Exception e) when (batch.Count > 1)
            {
                LogBatchFailed(e, batch.Count);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
                return;
            }

            foreach (var write in batch)
            {
                try
                {
                    write.Done.TrySetResult(Execute([write])[0]);
                }
                catch (Exception e)
                {
                    write.Done.TrySetException(e);
                }
            }
        }
    }

    private string?[] Execute(List<StateWrite> writes)
    {
        var statements = _statements ??= Statements.Open(connectionString);
        try
        {
            var stored = new string?[writes.Count];
            using var transaction = statements.Connection.BeginTransaction();
            for (var i = 0; i < writes.Count; i++)
            {
                stored[i] = statements.Run(transaction, writes[i], serviceId);
            }

            transaction.Commit();
            return stored;
        }
        catch (SqliteException)
        {
            // A connection in an unknown state is not used again.
            _statements = null;
            statements.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        lock (_gate)
        {
            _statements?.Dispose();
            _statements = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A commit of {Count} grain states failed; writing them one by one")]
    private partial void LogBatchFailed(Exception exception, int count);

    private sealed record StateWrite(StoredStateKey Key, int? Version, byte[]? Payload)
    {
        public TaskCompletionSource<string?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// The writer's connection and its statements, prepared once: Orleans' clear, and Orleans' write run as its two
    /// cases apart (<c>WriteToStorageKey</c> in db/sqlite/02-persistence.sql: an update of the version the grain holds,
    /// or a first insert), so that a write runs one statement rather than four. Each answers the new version in one
    /// row, or no row on a conflict, when the write answers what Orleans' own statement would have.
    /// </summary>
    private sealed class Statements : IDisposable
    {
        private const string KeyMatches = """
              GrainIdHash = @GrainIdHash
              AND GrainTypeHash = @GrainTypeHash
              AND ServiceId = @ServiceId
              AND GrainIdN0 = @GrainIdN0
              AND GrainIdN1 = @GrainIdN1
              AND GrainTypeString = @GrainTypeString
              AND GrainIdExtensionString IS @GrainIdExtensionString
            """;

        private const string UpdateText = $"""
            UPDATE OrleansStorage
            SET PayloadBinary = @PayloadBinary, ModifiedOn = strftime('%Y-%m-%d %H:%M:%f', 'now'), Version = Version + 1
            WHERE {KeyMatches}
              AND Version = @GrainStateVersion
            RETURNING Version
            """;

        private const string InsertText = $"""
            INSERT INTO OrleansStorage
                (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
            SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
                   @ServiceId, @PayloadBinary, strftime('%Y-%m-%d %H:%M:%f', 'now'), 1
            WHERE NOT EXISTS (SELECT 1 FROM OrleansStorage WHERE {KeyMatches})
            RETURNING Version
            """;

        private readonly SqliteCommand _update;
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _clear;

        private Statements(SqliteConnection connection, string clearText)
        {
            Connection = connection;
            _update = Command(connection, UpdateText, withPayload: true, withVersion: true);
            _insert = Command(connection, InsertText, withPayload: true, withVersion: false);
            _clear = Command(connection, clearText, withPayload: false, withVersion: true);
        }

        public SqliteConnection Connection { get; }

        public static Statements Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                return new Statements(connection, SqliteStatements.QueryText(connection, "ClearStorageKey"));
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Runs the write or clear; the version as Orleans' provider reads it: the new one, or on a conflict the
        /// version the grain sent (empty for none, Orleans' NULL).
        /// </summary>
        public string? Run(SqliteTransaction transaction, StateWrite write, string serviceId)
        {
            var command = write.Payload is null ? _clear : write.Version is null ? _insert : _update;
            command.Transaction = transaction;
            var key = write.Key;
            SqliteStatements.BindKey(command, key, serviceId);
            var p = command.Parameters;
            if (command != _insert)
            {
                p["@GrainStateVersion"].Value = (object?)write.Version ?? DBNull.Value;
            }

            if (write.Payload is not null)
            {
                p["@PayloadBinary"].Value = write.Payload;
            }

            string? stored = null;
            var rows = 0;
            using (var reader = command.ExecuteReader())
            {
                do
                {
                    while (reader.Read())
                    {
                        rows++;
                        stored = reader.IsDBNull(0) ? string.Empty : reader.GetInt32(0).ToString(CultureInfo.InvariantCulture);
                    }
                }
                while (reader.NextResult());
            }

            if (rows > 1)
            {
                throw new InvalidOperationException($"The storage answered {rows} versions for one write of '{key.GrainTypeString}'.");
            }

            return rows == 1 || command == _clear ? stored : write.Version?.ToString(CultureInfo.InvariantCulture) ?? string.Empty;
        }

        public void Dispose()
        {
            _update.Dispose();
            _insert.Dispose();
            _clear.Dispose();
            Connection.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, string text, bool withPayload, bool withVersion)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            SqliteStatements.AddKeyParameters(command);

            if (withVersion)
            {
                command.Parameters.Add(new SqliteParameter("@GrainStateVersion", DBNull.Value));
            }

            if (withPayload)
            {
                command.Parameters.Add(new SqliteParameter("@PayloadBinary", SqliteType.Blob));
            }

            return command;
        }
    }
}
