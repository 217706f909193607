using System.Data.Common;
using System.Runtime.CompilerServices;
using CityOps.Silo.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CityOps.Silo.Storage;

/// <summary>
/// Reads grain states straight from the storage table, by state name, for the start-up recovery
/// (<see cref="Recovery.PendingWorkRecovery"/>): the outboxes still holding work, and the cases to
/// check the index against. Only rows with a payload are read; a cleared outbox has none.
/// </summary>
public sealed class StoredStates(EngineSettings settings, GrainStateFormat format)
{
    private const string Query =
        "SELECT GrainIdExtensionString, PayloadBinary FROM OrleansStorage " +
        "WHERE ServiceId = @ServiceId AND GrainTypeString = @StateName AND PayloadBinary IS NOT NULL";

    /// <summary>Every stored state of the name: the grain's key extension (a string key with letters is kept there) and the state.</summary>
    public async IAsyncEnumerable<(string? KeyExtension, T State)> ReadAllAsync<T>(string stateName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = Connect();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Query;
        AddParameter(command, "ServiceId", settings.ServiceId);
        AddParameter(command, "StateName", stateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = reader.IsDBNull(0) ? null : reader.GetString(0);
            var payload = (byte[])reader.GetValue(1);
            if (format.Deserialize<T>(new BinaryData(payload)) is { } state)
            {
                yield return (key, state);
            }
        }
    }

    private DbConnection Connect() => AdoNetInvariants.IsSqlite(settings.StorageInvariant)
        ? new SqliteConnection(settings.StorageConnectionString)
        : new NpgsqlConnection(settings.StorageConnectionString);

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
