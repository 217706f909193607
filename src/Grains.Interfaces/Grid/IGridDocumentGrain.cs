namespace CityOps.Grains.Interfaces.Grid;

/// <summary>
/// The city's imported grid (regions and cells as GeoJSON), one for the whole cluster (key 0), so every
/// silo, gateway and dashboard host loads the same grid: a node that imports saves it here, and the others
/// see its version change and load it (<c>GridRegistry</c> in src/Grid). Until a grid is imported the
/// nodes use the city folder's files, which are the same everywhere.
/// </summary>
public interface IGridDocumentGrain : IGrainWithIntegerKey
{
    /// <summary>The version of the imported grid: 0 before any import.</summary>
    ValueTask<int> GetVersion();

    /// <summary>The imported grid, or null before any import.</summary>
    Task<GridDocument?> Get();

    /// <summary>Stores a validated grid and returns its version.</summary>
    Task<int> Save(string regions, string cells);
}

/// <summary>An imported grid: the regions' and the cells' GeoJSON feature collections as imported.</summary>
[GenerateSerializer, Immutable]
public sealed record GridDocument([property: Id(0)] int Version, [property: Id(1)] string Regions, [property: Id(2)] string Cells);
