using Orleans.Storage;

namespace CityOps.Silo.Storage;

/// <summary>
/// Grain storage for SQLite. SQLite lets one writer in at a time and Microsoft.Data.Sqlite runs its
/// "async" calls synchronously, so a burst of writes (thousands of devices coming online at once)
/// would hold Orleans' scheduler threads — one per core — blocked on the file lock. This decorator
/// runs each call on the thread pool and lets one write through at a time, so grains wait for
/// storage asynchronously and everything else keeps moving.
/// </summary>
public sealed class SerializedGrainStorage(IGrainStorage inner) : IGrainStorage, IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        OneWriterAsync(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        OneWriterAsync(() => inner.ClearStateAsync(stateName, grainId, grainState));

    public void Dispose() => _writer.Dispose();

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
