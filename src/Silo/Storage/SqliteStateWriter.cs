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
/// Orleans' own, read from the <c>OrleansQuery</c> table (db/sqlite/02-persistence.sql), with their answer kept as
/// Orleans' ADO.NET provider reads it.
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

    /// <summary>The writer's connection and Orleans' write and clear statements on it, prepared once.</summary>
    private sealed class Statements : IDisposable
    {
        private readonly SqliteCommand _write;
        private readonly SqliteCommand _clear;

        private Statements(SqliteConnection connection, string writeText, string clearText)
        {
            Connection = connection;
            _write = Command(connection, writeText, withPayload: true);
            _clear = Command(connection, clearText, withPayload: false);
        }

        public SqliteConnection Connection { get; }

        public static Statements Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                return new Statements(connection, QueryText(connection, "WriteToStorageKey"), QueryText(connection, "ClearStorageKey"));
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Runs the write or clear; its one answer row's version as Orleans reads it: null without a row, empty for NULL.</summary>
        public string? Run(SqliteTransaction transaction, StateWrite write, string serviceId)
        {
            var command = write.Payload is null ? _clear : _write;
            command.Transaction = transaction;
            var key = write.Key;
            var p = command.Parameters;
            p["@GrainIdHash"].Value = key.GrainIdHash;
            p["@GrainIdN0"].Value = key.GrainIdN0;
            p["@GrainIdN1"].Value = key.GrainIdN1;
            p["@GrainTypeHash"].Value = key.GrainTypeHash;
            p["@GrainTypeString"].Value = key.GrainTypeString;
            p["@GrainIdExtensionString"].Value = (object?)key.GrainIdExtensionString ?? DBNull.Value;
            p["@ServiceId"].Value = serviceId;
            p["@GrainStateVersion"].Value = (object?)write.Version ?? DBNull.Value;
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

            return rows <= 1 ? stored : throw new InvalidOperationException($"The storage answered {rows} versions for one write of '{key.GrainTypeString}'.");
        }

        public void Dispose()
        {
            _write.Dispose();
            _clear.Dispose();
            Connection.Dispose();
        }

        private static SqliteCommand Command(SqliteConnection connection, string text, bool withPayload)
        {
            var command = connection.CreateCommand();
            command.CommandText = text;
            foreach (var name in (string[])["@GrainIdHash", "@GrainIdN0", "@GrainIdN1", "@GrainTypeHash", "@GrainTypeString", "@GrainIdExtensionString", "@ServiceId", "@GrainStateVersion"])
            {
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }

            if (withPayload)
            {
                command.Parameters.Add(new SqliteParameter("@PayloadBinary", SqliteType.Blob));
            }

            return command;
        }

        private static string QueryText(SqliteConnection connection, string key)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key";
            command.Parameters.AddWithValue("@key", key);
            return command.ExecuteScalar() as string
                ?? throw new InvalidOperationException($"The database has no '{key}' query; apply db/sqlite first.");
        }
    }
}
