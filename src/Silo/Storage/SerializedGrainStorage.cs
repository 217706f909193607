using Orleans.Storage;

namespace CityOps.Silo.Storage;

/// <summary>
/// Grain storage for SQLite. SQLite lets one writer in at a time and Microsoft.Data.Sqlite runs its
/// "async" calls synchronously, so a burst of writes (thousands of devices coming online at once)
/// would hold Orleans' scheduler threads — one per core — blocked on the file lock. This decorator
/// runs each call on the thread pool and lets one write through at a time, so grains wait for
/// storage asynchronously and everything else keeps moving.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The semaphore is deliberately never disposed; see _writer.")]
public sealed class SerializedGrainStorage(IGrainStorage inner, GrainStateFormat? format = null) : IGrainStorage
{
    /// <summary>
    /// Never disposed: the container disposes singletons while the last grains may still be writing
    /// on their way out, and a semaphore without a wait handle holds nothing that needs disposing.
    /// </summary>
    private readonly SemaphoreSlim _writer = new(1, 1);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => inner.ReadStateAsync(stateName, grainId, grainState));

    /// <summary>
    /// The state is serialized before the write waits for its turn, on the thread pool, so that the one writer
    /// spends its turn on the database alone and large states (a registry shard of a thousand devices) are
    /// serialized side by side rather than one after another.
    /// </summary>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var state = grainState.State;
        var payload = format is null ? null : await Task.Run(() => format.Serialize(state)).ConfigureAwait(false);
        using (payload is null ? null : GrainStateFormat.Serialized(state, payload))
        {
            await OneWriterAsync(() => inner.WriteStateAsync(stateName, grainId, grainState)).ConfigureAwait(false);
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        OneWriterAsync(() => inner.ClearStateAsync(stateName, grainId, grainState));

    private async Task OneWriterAsync(Func<Task> write)
    {
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.Run(write).ConfigureAwait(false);
        }
        finally
        {
            _writer.Release();
        }
    }
}
