using CityOps.DashboardHost.Map.Basemap;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using VectorTileDefinition = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace CityOps.DashboardHost.Tests.Map;

/// <summary>The sample city's basemap cut into vector tiles, read back as the map library reads them.</summary>
public class CityBasemapTilesTests
{
    private static readonly CityBasemapTiles Tiles = CityBasemapTiles.Load(Path.Combine(SampleCity.Path, "basemap.geojson"));

    private static (int X, int Y) TileAt(double lon, double lat, int z)
    {
        var n = Math.Pow(2, z);
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - (Math.Log(Math.Tan(rad) + (1 / Math.Cos(rad))) / Math.PI)) / 2 * n));
    }

    private static Dictionary<string, int> Layers(int z, double lon, double lat)
    {
        var (x, y) = TileAt(lon, lat, z);
        using var stream = new MemoryStream(Tiles.Tile(z, x, y));
        var tile = new MapboxTileReader().Read(stream, new VectorTileDefinition(x, y, z));
        return tile.Layers.ToDictionary(l => l.Name, l => l.Features.Count);
    }

    [Fact]
    public void A_city_zoom_tile_carries_water_and_main_roads_but_no_buildings()
    {
        var layers = Layers(11, Tiles.Bounds.Centre.X, Tiles.Bounds.Centre.Y);

        layers.Should().ContainKey("water").WhoseValue.Should().BePositive();
        layers.Should().ContainKey("transportation").WhoseValue.Should().BePositive();
        layers.Should().NotContainKey("building", "blocks are too small to see at city zoom");
    }

    [Fact]
    public void A_street_zoom_tile_carries_buildings_and_minor_streets_too()
    {
        // Street zoom over the middle of the city's southern half, where the blocks are densest.
        var centre = Tiles.Bounds.Centre;
        var layers = Enumerable.Range(0, 8)
            .Select(k => Layers(15, centre.X + ((k - 4) * 0.004), centre.Y - 0.01))
            .SelectMany(l => l)
            .GroupBy(l => l.Key)
            .ToDictionary(g => g.Key, g => g.Sum(l => l.Value));

        layers.Should().ContainKey("building").WhoseValue.Should().BePositive();
        layers.Should().ContainKey("transportation").WhoseValue.Should().BePositive();
    }

    [Fact]
    public void A_tile_outside_the_city_is_empty()
    {
        var layers = Layers(14, 0, 0);

        layers.Should().BeEmpty();
    }

    [Fact]
    public void Buildings_and_minor_streets_start_at_street_zoom_and_water_at_every_zoom()
    {
        CityBasemapTiles.MinZoomOf("building", "building").Should().BeGreaterThan(CityBasemapTiles.MinZoomOf("transportation", "minor"));
        CityBasemapTiles.MinZoomOf("transportation", "minor").Should().BeGreaterThan(CityBasemapTiles.MinZoomOf("transportation", "primary"));
        CityBasemapTiles.MinZoomOf("water", "river").Should().Be(CityBasemapTiles.MinZoom);
    }
}

/// <summary>The committed sample city, found from the test's folder upwards.</summary>
internal static class SampleCity
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "samples", "city");
            if (File.Exists(System.IO.Path.Combine(candidate, "basemap.geojson")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("samples/city not found above the test's folder.");
    }
}
