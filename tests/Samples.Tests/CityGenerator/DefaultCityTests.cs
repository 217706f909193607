using CityOps.Samples.CityGenerator;
using NetTopologySuite.Geometries;

namespace CityOps.Samples.Tests.CityGenerator;

/// <summary>The layout of the city generated with the default parameters (no files written).</summary>
public sealed class DefaultLayout
{
    public CityLayout Layout { get; } = CityLayout.Generate(GeneratorOptions.DefaultSeed, GeneratorOptions.DefaultCells);
}

public sealed class DefaultCityTests(DefaultLayout fixture) : IClassFixture<DefaultLayout>
{
    [Fact]
    public void The_default_city_has_at_least_3_districts_10_streets_and_40_communities()
    {
        var regions = fixture.Layout.Regions;

        regions.Count(region => region.Level == RegionLevel.City).Should().Be(1);
        regions.Count(region => region.Level == RegionLevel.District).Should().BeGreaterThanOrEqualTo(3);
        regions.Count(region => region.Level == RegionLevel.Street).Should().BeGreaterThanOrEqualTo(10);
        regions.Count(region => region.Level == RegionLevel.Community).Should().BeGreaterThanOrEqualTo(40);
    }

    [Fact]
    public void The_default_city_has_at_least_10000_cells_of_120_to_150_metres()
    {
        fixture.Layout.CellsInCodeOrder.Should().HaveCountGreaterThanOrEqualTo(10_000);

        var metresPerDegreeLat = 110_800.0;
        var metresPerDegreeLon = metresPerDegreeLat * Math.Cos(CityLayout.CentreLat * Math.PI / 180);
        (Lattice.CellWidthMicro / 1e6 * metresPerDegreeLon).Should().BeInRange(120, 150);
        (Lattice.CellHeightMicro / 1e6 * metresPerDegreeLat).Should().BeInRange(120, 150);
    }

    [Fact]
    public void The_default_city_places_exactly_the_requested_devices_in_the_default_mix()
    {
        var devices = new DevicePlacement(fixture.Layout, GeneratorOptions.DefaultSeed).Place(DevicePlacement.DefaultTotal).ToList();

        devices.Should().HaveCount(DevicePlacement.DefaultTotal);
        devices.GroupBy(device => device.Kind).ToDictionary(group => group.Key, group => group.Count())
            .Should().BeEquivalentTo(DevicePlacement.Plans.ToDictionary(plan => plan.Kind, plan => plan.DefaultCount));
    }

    [Fact]
    public void Every_default_region_is_a_valid_single_polygon() =>
        fixture.Layout.Regions.Should().OnlyContain(region => region.Boundary is Polygon && region.Boundary.IsValid);

    [Fact]
    public void The_default_city_lies_around_its_fictional_centre()
    {
        var centre = fixture.Layout.Regions[0].Boundary.EnvelopeInternal.Centre;

        centre.X.Should().BeApproximately(CityLayout.CentreLon, 0.01);
        centre.Y.Should().BeApproximately(CityLayout.CentreLat, 0.01);
    }
}
