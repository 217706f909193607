using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace CityOps.Silo.Storage;

/// <summary>
/// Reads grain states from a SQLite file with Orleans' own statement (<c>ReadFromStorageKey</c> as the
/// <c>OrleansQuery</c> table holds it), on a few connections that keep it prepared. Orleans' ADO.NET provider opens a
/// connection and has SQLite parse the statement for every read: after a restart every device's twin and account is
/// read once, and that parsing was a quarter of the reads' cost (docs/performance.md, "Where a restarted city's time
/// goes"). Reads run side by side on at most <see cref="Lanes"/> connections; the others wait without holding a thread.
/// </summary>
public sealed class SqliteStateReader(string connectionString, string serviceId) : IDisposable
{
    /// <summary>Connections reading at once: SQLite reads run on the calling thread, so more than the cores only wait on each other.</summary>
    public static readonly int Lanes = Math.Max(2, Environment.ProcessorCount * 2);

    private readonly SemaphoreSlim _free = new(Lanes, Lanes);
    private readonly ConcurrentBag<Lane> _idle = [];
    private volatile bool _disposed;

    /// <summary>The state's row as Orleans' provider reads it: its payload (null once cleared) and version; null when there is no row.</summary>
    public async Task<StoredState?> ReadAsync(StoredStateKey key)
    {
        await _free.WaitAsync().ConfigureAwait(false);
        try
        {
            return await Task.Run(() => ReadOnLane(key)).ConfigureAwait(false);
        }
        finally
        {
            _free.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var lane))
        {
            lane.Dispose();
        }
    }

    private StoredState? ReadOnLane(StoredStateKey key)
    {
        if (!_idle.TryTake(out var lane))
        {
            lane = Lane.Open(connectionString);
        }

        try
        {
            var state = lane.Read(key, serviceId);
            if (_disposed)
            {
                lane.Dispose();
            }
            else
            {
                _idle.Add(lane);
            }

            return state;
        }
        catch
        {
            // A connection that failed is not trusted again; the next read opens another.
            lane.Dispose();
            throw;
        }
    }

    /// <summary>A connection with Orleans' read statement prepared on it.</summary>
    private sealed class Lane : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _read;

        private Lane(SqliteConnection connection, SqliteCommand read)
        {
            _connection = connection;
            _read = read;
        }

        public static Lane Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                var read = connection.CreateCommand();
                read.CommandText = SqliteStatements.QueryText(connection, "ReadFromStorageKey");
                SqliteStatements.AddKeyParameters(read);

                read.Prepare();
                return new Lane(connection, read);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public StoredState? Read(StoredStateKey key, string serviceId)
        {
            SqliteStatements.BindKey(_read, key, serviceId);
            using var reader = _read.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var payload = reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0);
            int? version = reader.IsDBNull(1) ? null : reader.GetInt32(1);
            return new StoredState(payload, version);
        }

        public void Dispose()
        {
            _read.Dispose();
            _connection.Dispose();
        }
    }
}

/// <summary>A grain state's row: its payload, null once cleared, and its version.</summary>
public sealed record StoredState(byte[]? Payload, int? Version);
