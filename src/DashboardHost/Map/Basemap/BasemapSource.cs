using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CityOps.DashboardHost.Map.Basemap;

/// <summary>Where the situation map's basemap comes from.</summary>
public enum BasemapKind
{
    /// <summary>No basemap: the map shows the grid's outlines only.</summary>
    None,

    /// <summary>Tiles cut by the engine from the city's <c>basemap.geojson</c>.</summary>
    City,

    /// <summary>A PMTiles archive (for example an OpenStreetMap extract), read by the page in ranges.</summary>
    PmTiles,

    /// <summary>An MBTiles file (SQLite), whose tiles the engine serves.</summary>
    MbTiles,
}

/// <summary>
/// The basemap in force: <c>Map:Basemap</c> names a <c>.pmtiles</c> or <c>.mbtiles</c> file (for a real
/// city's extract in the OpenMapTiles schema) or a basemap GeoJSON; without it, the city folder's
/// <c>basemap.geojson</c> when there is one. Every tile is served by the engine: nothing leaves the machine.
/// </summary>
public sealed partial class BasemapSource : IDisposable
{
    public const string Setting = "Map:Basemap";

    private readonly CityBasemapTiles? _city;
    private readonly SqliteConnection? _mbtiles;
    private readonly Lock _mbtilesLock = new();

    public BasemapSource(IConfiguration configuration, ILogger<BasemapSource> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[Setting];
        var path = configured is { Length: > 0 } ? Path.GetFullPath(configured)
            : configuration["City:Path"] is { Length: > 0 } city ? Path.Combine(city, "basemap.geojson") : null;
        if (path is null || !File.Exists(path))
        {
            if (configured is { Length: > 0 })
            {
                throw new InvalidOperationException($"{Setting} names '{configured}', which does not exist.");
            }

            LogNoBasemap(logger);
            return;
        }

        FilePath = path;
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".pmtiles":
                Kind = BasemapKind.PmTiles;
                break;
            case ".mbtiles":
                Kind = BasemapKind.MbTiles;
                _mbtiles = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString());
                _mbtiles.Open();
                (MinZoom, MaxZoom) = (ReadZoom("minzoom") ?? 0, ReadZoom("maxzoom") ?? 14);
                break;
            default:
                Kind = BasemapKind.City;
                _city = CityBasemapTiles.Load(path);
                (MinZoom, MaxZoom) = (CityBasemapTiles.MinZoom, CityBasemapTiles.MaxZoom);
                break;
        }

        LogBasemap(logger, Kind, path);
    }

    public BasemapKind Kind { get; }

    public string? FilePath { get; }

    public int MinZoom { get; }

    public int MaxZoom { get; } = 14;

    /// <summary>A tile: its bytes and whether they are gzip-compressed (MBTiles usually store them so); null where there is none.</summary>
    public (byte[] Bytes, bool Gzipped)? Tile(int z, int x, int y)
    {
        if (z < 0 || z > 24 || x < 0 || y < 0 || x >= 1 << z || y >= 1 << z)
        {
            return null;
        }

        if (_city is not null)
        {
            return z < MinZoom || z > MaxZoom ? null : (_city.Tile(z, x, y), false);
        }

        if (_mbtiles is null)
        {
            return null;
        }

        lock (_mbtilesLock)
        {
            using var command = _mbtiles.CreateCommand();
            // MBTiles number rows from the south (TMS); the map asks from the north (XYZ).
            command.CommandText = "SELECT tile_data FROM tiles WHERE zoom_level = $z AND tile_column = $x AND tile_row = $y";
            command.Parameters.AddWithValue("$z", z);
            command.Parameters.AddWithValue("$x", x);
            command.Parameters.AddWithValue("$y", (1 << z) - 1 - y);
            return command.ExecuteScalar() is byte[] bytes ? (bytes, bytes is [0x1f, 0x8b, ..]) : null;
        }
    }

    private int? ReadZoom(string name)
    {
        using var command = _mbtiles!.CreateCommand();
        command.CommandText = "SELECT value FROM metadata WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() is string text && int.TryParse(text, out var zoom) ? zoom : null;
    }

    public void Dispose() => _mbtiles?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Basemap: {Kind} from {Path}")]
    private static partial void LogBasemap(ILogger logger, BasemapKind kind, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "No basemap: set Map:Basemap or add basemap.geojson to the city folder")]
    private static partial void LogNoBasemap(ILogger logger);
}
