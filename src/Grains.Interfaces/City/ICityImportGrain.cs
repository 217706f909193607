namespace CityOps.Grains.Interfaces.City;

/// <summary>
/// Remembers which version of a city's files was imported, so that a restart does not
/// re-provision every device. Keyed by the import's name (e.g. <c>devices</c>).
/// </summary>
public interface ICityImportGrain : IGrainWithStringKey
{
    ValueTask<string?> GetFingerprint();

    Task SetFingerprint(string fingerprint);
}
