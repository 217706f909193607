using CityOps.Samples.CityGenerator;
using NetTopologySuite.Geometries;

namespace CityOps.Samples.Tests.CityGenerator;

/// <summary>The generated city's basemap.geojson, read back from the file.</summary>
public sealed class BasemapTests(GeneratedCity city) : IClassFixture<GeneratedCity>
{
    private readonly IReadOnlyList<CityFeature> basemap = city.Basemap;

    private IEnumerable<CityFeature> Of(string layer, string? @class = null) =>
        basemap.Where(f => f.Text("layer") == layer && (@class is null || f.Text("class") == @class));

    [Fact]
    public void Roads_come_in_three_classes_and_the_main_roads_carry_the_street_names()
    {
        Of("transportation", "primary").Should().NotBeEmpty();
        Of("transportation", "secondary").Should().NotBeEmpty();
        Of("transportation", "minor").Should().NotBeEmpty();
        Of("transportation", "primary").Select(f => f.Text("name")).Should().BeEquivalentTo(city.Layout.Roads.Names);
        Of("transportation").Select(f => f.Geometry).Should().AllBeOfType<LineString>();
    }

    [Fact]
    public void The_river_and_lakes_are_water_and_parks_are_named()
    {
        Of("water", "river").Should().ContainSingle().Which.OptionalText("name").Should().Be("澜江");
        Of("water", "lake").Should().NotBeEmpty().And.OnlyContain(f => f.OptionalText("name") != null);
        Of("park").Should().NotBeEmpty().And.OnlyContain(f => f.OptionalText("name") != null);
        Of("water").Concat(Of("park")).Should().OnlyContain(f => f.Geometry is Polygon && f.Geometry.IsValid);
    }

    [Fact]
    public void No_building_stands_in_water()
    {
        var water = Of("water").Select(f => f.Geometry).ToList();
        var buildings = Of("building").Select(f => f.Geometry).ToList();

        buildings.Should().NotBeEmpty();
        buildings.Should().OnlyContain(b => water.All(w => !w.Intersects(b)));
    }

    [Fact]
    public void The_basemap_covers_the_city_and_no_more()
    {
        var whole = city.Regions.First(r => r.Text("level") == "city").Geometry.EnvelopeInternal;
        var margin = new Envelope(whole.MinX - 0.002, whole.MaxX + 0.002, whole.MinY - 0.002, whole.MaxY + 0.002);

        basemap.Should().OnlyContain(f => margin.Contains(f.Geometry.EnvelopeInternal));
    }
}
