using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using CityOps.Grid.Tests;
using NetTopologySuite.Geometries;

namespace CityOps.DashboardHost.Tests.Grid;

public class GridMapTests
{
    private readonly GridModel _model = new TestGrid().Model();

    private static Dictionary<string, GridSituation> NoSituations => [];

    [Fact]
    public void Zoomed_out_a_region_is_drawn_as_its_child_regions()
    {
        var map = GridMap.Build(_model, _model.City, 10, null, NoSituations);

        map.Select(f => f.Attributes["code"]).Should().Equal("990101");
        map[0].Attributes["level"].Should().Be("district");
        map[0].Attributes["name"].Should().Be("区域 990101");
    }

    [Fact]
    public void Zoomed_in_a_region_is_drawn_as_its_cells()
    {
        var map = GridMap.Build(_model, _model.City, GridMap.CellZoom, null, NoSituations);

        map.Should().HaveCount(9);
        map.Select(f => f.Attributes["level"]).Should().AllBeEquivalentTo("cell");
    }

    [Fact]
    public void A_community_is_drawn_as_its_cells_at_any_zoom() =>
        GridMap.Build(_model, _model.Region("990101001001")!, 5, null, NoSituations).Should().HaveCount(9);

    [Fact]
    public void Only_cells_in_the_viewport_are_drawn()
    {
        var view = new Envelope(114.012, 114.018, 27.012, 27.018);

        var map = GridMap.Build(_model, _model.City, 16, view, NoSituations);

        map.Select(f => f.Attributes["code"]).Should().Equal(TestGrid.CellCode(5));
    }

    [Fact]
    public void Each_feature_carries_its_live_status()
    {
        var counts = new GridCounts(new Dictionary<DeviceKind, int> { [DeviceKind.Gas] = 4 }, 3, new AlarmCounts(0, 0, 2), new EventCounts(5, 1, 0, 0), new HealthCounts(0, 0, 0, 1));
        var situations = new Dictionary<string, GridSituation> { [TestGrid.CellCode(1)] = new(TestGrid.CellCode(1), counts, HealthLevel.Critical, null) };

        var feature = GridMap.Build(_model, _model.City, 15, null, situations)[0];

        feature.Attributes["health"].Should().Be("critical");
        feature.Attributes["devices"].Should().Be(4);
        feature.Attributes["onlineRatio"].Should().Be(0.75);
        feature.Attributes["alarmsCritical"].Should().Be(2);
        feature.Attributes["openEvents"].Should().Be(5);
        feature.Attributes["overdueEvents"].Should().Be(1);
    }

    [Fact]
    public void A_feature_nobody_reported_on_is_normal_with_no_devices()
    {
        var feature = GridMap.Build(_model, _model.City, 15, null, NoSituations)[0];

        feature.Attributes["health"].Should().Be("normal");
        feature.Attributes["devices"].Should().Be(0);
        feature.Attributes["onlineRatio"].Should().BeNull();
    }

    [Fact]
    public void Zooming_out_coarsens_the_tolerance_and_the_decimals()
    {
        GridMap.PixelDegrees(10).Should().BeGreaterThan(GridMap.PixelDegrees(16));
        GridMap.Decimals(8).Should().Be(3);
        GridMap.Decimals(12).Should().Be(4);
        GridMap.Decimals(16).Should().Be(5);
        GridMap.Decimals(22).Should().Be(7);
    }

    [Fact]
    public void A_detailed_outline_loses_the_vertices_a_screen_pixel_cannot_show()
    {
        // A square whose edges carry 400 steps of 1e-5°: visible at zoom 18, below a pixel at zoom 10.
        var coordinates = new List<Coordinate>();
        for (var i = 0; i <= 400; i++)
        {
            coordinates.Add(new Coordinate(114.0 + (i * 0.0001), 27.0 + (i % 2 * 0.00001)));
        }

        coordinates.AddRange([new Coordinate(114.04, 27.04), new Coordinate(114.0, 27.04), new Coordinate(114.0, 27.0)]);
        var outline = GridJson.Factory.CreatePolygon([.. coordinates]);

        var far = GridMap.Simplify(outline, 10);
        var near = GridMap.Simplify(outline, 18);

        far.NumPoints.Should().BeLessThan(10);
        near.NumPoints.Should().BeGreaterThan(300);
        far.IsValid.Should().BeTrue();
        far.Coordinates.Should().OnlyContain(c => Math.Round(c.X, GridMap.Decimals(10)) == c.X);
    }
}
