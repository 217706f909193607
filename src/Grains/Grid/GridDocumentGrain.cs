using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Grid;

/// <summary>The cluster's imported grid (<see cref="IGridDocumentGrain"/>), stored whole: a grid is imported rarely and read at each node's start.</summary>
public sealed class GridDocumentGrain([PersistentState("gridDocument", "Default")] IPersistentState<GridDocumentState> state)
    : Grain, IGridDocumentGrain
{
    public ValueTask<int> GetVersion() => ValueTask.FromResult(state.State.Document?.Version ?? 0);

    public Task<GridDocument?> Get() => Task.FromResult(state.State.Document);

    public async Task<int> Save(string regions, string cells)
    {
        ArgumentException.ThrowIfNullOrEmpty(regions);
        ArgumentException.ThrowIfNullOrEmpty(cells);
        state.State.Document = new GridDocument((state.State.Document?.Version ?? 0) + 1, regions, cells);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Storage may or may not hold it: read it again before the next call.
            DeactivateOnIdle();
            throw;
        }

        return state.State.Document.Version;
    }
}

[GenerateSerializer]
public sealed class GridDocumentState
{
    [Id(0)] public GridDocument? Document { get; set; }
}
