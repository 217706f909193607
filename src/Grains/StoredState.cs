using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace CityOps.Grains;

/// <summary>
/// One named state of a grain in grain storage, read and written when the grain says: what Orleans'
/// <see cref="IPersistentState{TState}"/> does, in one small object that takes no part in the grain's lifecycle, so the
/// grain decides whether each state is read at all. Device twins use it: three states through IPersistentState cost
/// each twin about 900 bytes of bookkeeping, a million twins a gigabyte (docs/performance.md). What every grain's
/// state of one name shares (the storage, the name, the log) is held once, by its <see cref="StateStore"/>; the
/// grain's id is asked of the grain at each call rather than kept.
/// </summary>
public sealed class StoredState<TState>(StateStore store, IAddressable owner) : IPersistentState<TState>, IGrainState<TState>
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

    public Task ReadStateAsync(CancellationToken cancellationToken) => store.ReadAsync(owner.GetGrainId(), this, cancellationToken);

    public Task WriteStateAsync(CancellationToken cancellationToken) => store.WriteAsync(owner.GetGrainId(), this, cancellationToken);

    public async Task ClearStateAsync(CancellationToken cancellationToken)
    {
        await store.ClearAsync(owner.GetGrainId(), this, cancellationToken);
        State = new();
    }
}

/// <summary>
/// One named state in grain storage, shared by the <see cref="StoredState{TState}"/> of every grain that has it. Failures
/// are logged with the state and grain and thrown as they came (an <see cref="InconsistentStateException"/> stays one).
/// </summary>
public sealed partial class StateStore(IGrainStorage storage, string name, ILogger logger)
{
    public string Name => name;

    public Task ReadAsync<TState>(GrainId grainId, IGrainState<TState> state, CancellationToken cancellationToken) =>
        LoggedAsync("read", grainId, () => storage.ReadStateAsync(name, grainId, state, cancellationToken));

    public Task WriteAsync<TState>(GrainId grainId, IGrainState<TState> state, CancellationToken cancellationToken) =>
        LoggedAsync("write", grainId, () => storage.WriteStateAsync(name, grainId, state, cancellationToken));

    public Task ClearAsync<TState>(GrainId grainId, IGrainState<TState> state, CancellationToken cancellationToken) =>
        LoggedAsync("clear", grainId, () => storage.ClearStateAsync(name, grainId, state, cancellationToken));

    private async Task LoggedAsync(string operation, GrainId grainId, Func<Task> call)
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
