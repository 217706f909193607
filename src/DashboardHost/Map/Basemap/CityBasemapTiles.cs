using System.Collections.Concurrent;
using System.Text.Json;
using CityOps.DashboardHost.Grid;
using CityOps.Grid;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using NetTopologySuite.Simplify;

namespace CityOps.DashboardHost.Map.Basemap;

/// <summary>
/// Mapbox vector tiles cut on request from a city's basemap GeoJSON (the generator's
/// <c>basemap.geojson</c>: features with <c>layer</c>, <c>class</c> and <c>name</c> in the
/// OpenMapTiles schema), each clipped to its tile, simplified for its zoom and kept once cut.
/// Small features appear only from the zoom where they can be seen (<see cref="MinZoomOf"/>).
/// </summary>
public sealed class CityBasemapTiles
{
    public const int MinZoom = 8;

    /// <summary>Beyond this the map scales the last tiles up; 0.5 m per pixel is enough for blocks and streets.</summary>
    public const int MaxZoom = 16;

    public const uint Extent = 4096;

    /// <summary>A city's tiles at zooms 8–16 number a few thousand; past this the cache starts again.</summary>
    private const int MaxCachedTiles = 20_000;

    private readonly STRtree<Entry> _index = new();
    private readonly ConcurrentDictionary<(int Z, int X, int Y), byte[]> _cache = new();

    private sealed record Entry(string Layer, string Class, string? Name, Geometry Geometry);

    private CityBasemapTiles(IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            _index.Insert(entry.Geometry.EnvelopeInternal, entry);
        }

        _index.Build();
        Count = entries.Count;
        Bounds = entries.Aggregate(new Envelope(), (e, f) => { e.ExpandToInclude(f.Geometry.EnvelopeInternal); return e; });
    }

    /// <summary>How many features the basemap holds.</summary>
    public int Count { get; }

    /// <summary>The area the basemap covers, in degrees.</summary>
    public Envelope Bounds { get; }

    /// <summary>Reads a basemap GeoJSON FeatureCollection.</summary>
    /// <exception cref="InvalidDataException">The file is not a FeatureCollection whose features name their layer.</exception>
    public static CityBasemapTiles Load(string path)
    {
        using var stream = File.OpenRead(path);
        var collection = JsonSerializer.Deserialize<FeatureCollection>(stream, GridJson.Options)
            ?? throw new InvalidDataException($"{path} is not a GeoJSON FeatureCollection.");
        var entries = new List<Entry>(collection.Count);
        foreach (var feature in collection)
        {
            var attributes = feature.Attributes;
            if (attributes?.GetOptionalValue("layer") is not string layer || feature.Geometry is null || feature.Geometry.IsEmpty)
            {
                throw new InvalidDataException($"{path}: every feature needs a geometry and a \"layer\" property.");
            }

            entries.Add(new Entry(layer, attributes.GetOptionalValue("class") as string ?? layer, attributes.GetOptionalValue("name") as string, feature.Geometry));
        }

        return new CityBasemapTiles(entries);
    }

    /// <summary>The zoom from which a feature of this layer and class is drawn.</summary>
    public static int MinZoomOf(string layer, string @class) => (layer, @class) switch
    {
        ("building", _) => 14,
        ("transportation", "minor" or "service" or "path") => 13,
        ("transportation", "secondary" or "tertiary") => 11,
        ("park", _) => 10,
        _ => MinZoom,
    };

    /// <summary>The encoded tile (uncompressed protobuf); an empty tile outside the basemap.</summary>
    public byte[] Tile(int z, int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(z);
        if (_cache.TryGetValue((z, x, y), out var cached))
        {
            return cached;
        }

        var bytes = Cut(z, x, y);
        if (_cache.Count >= MaxCachedTiles)
        {
            _cache.Clear();
        }

        _cache[(z, x, y)] = bytes;
        return bytes;
    }

    private byte[] Cut(int z, int x, int y)
    {
        var tile = new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, z);
        var envelope = TileEnvelope(z, x, y);
        // A margin of 1/16 of the tile keeps line joins and polygon edges from showing at tile seams.
        var margin = envelope.Width / 16;
        var clip = GridJson.Factory.ToGeometry(new Envelope(envelope.MinX - margin, envelope.MaxX + margin, envelope.MinY - (envelope.Height / 16), envelope.MaxY + (envelope.Height / 16)));
        var tolerance = envelope.Width / 1024;
        var layers = new Dictionary<string, Layer>(StringComparer.Ordinal);
        foreach (var entry in _index.Query(clip.EnvelopeInternal))
        {
            if (z < MinZoomOf(entry.Layer, entry.Class))
            {
                continue;
            }

            var geometry = clip.EnvelopeInternal.Contains(entry.Geometry.EnvelopeInternal) ? entry.Geometry : entry.Geometry.Intersection(clip);
            if (z < MaxZoom && entry.Layer != "building")
            {
                geometry = TopologyPreservingSimplifier.Simplify(geometry, tolerance);
            }

            if (geometry.IsEmpty || geometry is GeometryCollection { NumGeometries: > 0 } and not (MultiPolygon or MultiLineString or MultiPoint))
            {
                continue;
            }

            var attributes = new AttributesTable { { "class", entry.Class } };
            if (entry.Name is not null)
            {
                attributes.Add("name", entry.Name);
            }

            if (!layers.TryGetValue(entry.Layer, out var layer))
            {
                layer = new Layer { Name = entry.Layer };
                layers[entry.Layer] = layer;
            }

            layer.Features.Add(new Feature(geometry, attributes));
        }

        var vectorTile = new VectorTile { TileId = tile.Id };
        foreach (var layer in layers.Values)
        {
            vectorTile.Layers.Add(layer);
        }

        using var stream = new MemoryStream();
        vectorTile.Write(stream, MapboxTileWriter.DefaultMinLinealExtent, MapboxTileWriter.DefaultMinPolygonalExtent, Extent);
        return stream.ToArray();
    }

    /// <summary>A web-mercator tile's bounds in degrees.</summary>
    public static Envelope TileEnvelope(int z, int x, int y)
    {
        var n = Math.Pow(2, z);
        static double Latitude(double yn) => Math.Atan(Math.Sinh(Math.PI * (1 - (2 * yn)))) * 180 / Math.PI;
        return new Envelope((x / n * 360) - 180, ((x + 1) / n * 360) - 180, Latitude((y + 1) / n), Latitude(y / n));
    }
}
