using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.City;

public sealed class CityImportGrain([PersistentState("cityImport", "Default")] IPersistentState<CityImportState> state)
    : Grain, ICityImportGrain
{
    public ValueTask<string?> GetFingerprint() => ValueTask.FromResult(state.State.Fingerprint);

    public async Task SetFingerprint(string fingerprint)
    {
        state.State.Fingerprint = fingerprint;
        await state.WriteStateAsync();
    }
}

[GenerateSerializer]
public sealed class CityImportState
{
    [Id(0)] public string? Fingerprint { get; set; }
}
