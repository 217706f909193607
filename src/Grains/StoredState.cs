using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace CityOps.Grains;

/// <summary>
/// One named state of a grain in grain storage, read and written when the grain says: what Orleans'
/// <see cref="IPersistentState{TState}"/> does, in one small object that takes no part in the grain's lifecycle, so the
/// grain decides whether each state is read at all. Device twins use it: three states through IPersistentState cost
/// each twin about 900 bytes of bookkeeping, a million twins a gigabyte (docs/performance.md). Failures are logged
/// with the state and grain and thrown as they came (an <see cref="InconsistentStateException"/> stays one).
/// </summary>
public sealed partial class StoredState<TState>(IGrainStorage storage, string name, GrainId grainId, ILogger logger)
    : IPersistentState<TState>, IGrainState<TState>
    where TState : class, new()
{
    private TState _state = new();

    /// <summary>The state; a provider that finds no row may set null, which reads as a new, empty state.</summary>
    public TState State { get => _state; set => _state = value ?? new(); }

    TState? IGrainState<TState>.State { get => _state; set => _state = value ?? new(); }

    public string? ETag { get; set; }

    /// <summary>Whether storage holds a row for the state (false too before it is read).</summary>
    public bool RecordExists { get; set; }

    string? Orleans.Core.IStorage.Etag => ETag;

    public Task ReadStateAsync() => ReadStateAsync(CancellationToken.None);

    public Task WriteStateAsync() => WriteStateAsync(CancellationToken.None);

    public Task ClearStateAsync() => ClearStateAsync(CancellationToken.None);

    public Task ReadStateAsync(CancellationToken cancellationToken) =>
        LoggedAsync("read", () => storage.ReadStateAsync(name, grainId, this, cancellationToken));

    public Task WriteStateAsync(CancellationToken cancellationToken) =>
        LoggedAsync("write", () => storage.WriteStateAsync(name, grainId, this, cancellationToken));

    public async Task ClearStateAsync(CancellationToken cancellationToken)
    {
        await LoggedAsync("clear", () => storage.ClearStateAsync(name, grainId, this, cancellationToken));
        State = new();
    }

    private async Task LoggedAsync(string operation, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex)
        {
            LogFailed(ex, operation, name, grainId);
            throw;
        }
    }

    [LoggerMessage(LogLevel.Error, "Storage could not {Operation} the state '{StateName}' of {GrainId}")]
    private partial void LogFailed(Exception exception, string operation, string stateName, GrainId grainId);
}
