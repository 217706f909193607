using System.Globalization;
using Orleans.Storage;

namespace CityOps.Silo.Storage;

/// <summary>
/// Grain storage for SQLite (the embedded profile). Reads run Orleans' own statement on the thread pool, on connections
/// that keep it prepared (<see cref="SqliteStateReader"/>; Microsoft.Data.Sqlite runs its "async" calls synchronously,
/// and Orleans' scheduler has one thread a core), and answer as Orleans' ADO.NET provider does. Writes
/// and clears go to the file's one <see cref="SqliteStateWriter"/>, which commits those waiting together; a state is
/// serialized on the thread pool before it waits, so large states (a registry shard of a thousand devices) are
/// serialized side by side. Versions and conflicts are Orleans' own: a write over a version another activation
/// replaced, or a first write of a state another activation stored, is refused with <see cref="InconsistentStateException"/>.
/// </summary>
public sealed class SqliteGrainStorage(SqliteStateReader reader, SqliteStateWriter writer, GrainStateFormat format, string name, string serviceId)
    : IGrainStorage, IAsyncDisposable
{
    /// <summary>
    /// As Orleans' provider reads: no row is a new state without a version; a cleared row, a new state with its version,
    /// so that the grain's next write continues the sequence; only a payload makes the record exist.
    /// </summary>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var row = await reader.ReadAsync(StoredStateKey.Of(stateName, grainId)).ConfigureAwait(false);
        var payload = row?.Payload;
        grainState.State = (payload is null ? default : format.Deserialize<T>(new BinaryData(payload))) ?? Activator.CreateInstance<T>();
        grainState.ETag = row?.Version?.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = payload is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var state = grainState.State;
        var payload = await Task.Run(() => format.Serialize(state).ToArray()).ConfigureAwait(false);
        var version = grainState.ETag;
        var stored = await writer.WriteAsync(StoredStateKey.Of(stateName, grainId), Version(version), payload).ConfigureAwait(false);
        ThrowOnConflict("WriteState", stored, version, stateName, grainId);
        grainState.ETag = stored;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var version = grainState.ETag;
        var stored = await writer.ClearAsync(StoredStateKey.Of(stateName, grainId), Version(version)).ConfigureAwait(false);
        ThrowOnConflict("ClearState", stored, version, stateName, grainId);
        grainState.ETag = stored;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        return writer.DisposeAsync();
    }

    private static int? Version(string? etag) => string.IsNullOrWhiteSpace(etag) ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    /// <summary>Orleans' rule: nothing changed when the storage answers no version, a NULL one, or the version the grain held.</summary>
    private void ThrowOnConflict(string operation, string? stored, string? held, string stateName, GrainId grainId)
    {
        if (stored == held || stored == string.Empty || (stored is null && held is not null))
        {
            throw new InconsistentStateException(
                $"Version conflict ({operation}): ServiceId={serviceId} ProviderName={name} GrainType={stateName} GrainId={grainId} ETag={held}.");
        }
    }
}
