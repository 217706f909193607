using System.Text.Json.Nodes;

namespace CityOps.Grid.Tests;

public class GridValidatorTests
{
    private readonly TestGrid _grid = new();

    private static void SetGeometry(JsonObject feature, JsonArray coordinates) => feature["geometry"] = TestGrid.Polygon(coordinates);

    [Fact]
    public void A_sound_grid_is_accepted_with_its_regions_and_cells()
    {
        var validation = _grid.Validate();

        validation.Errors.Should().BeEmpty();
        validation.Model!.Cells.Should().HaveCount(9);
        validation.Model.Regions.Should().HaveCount(4);
        validation.Model.City.Code.Should().Be("9901");
    }

    [Fact]
    public void A_ring_that_is_not_closed_is_an_invalid_polygon()
    {
        SetGeometry(_grid.Cell(5), TestGrid.Ring((114.01, 27.01), (114.02, 27.01), (114.02, 27.02), (114.01, 27.02)));

        var errors = _grid.Validate().Errors;

        errors.Should().ContainSingle(e => e.Source == "cells" && e.Feature == 4 && e.Code == TestGrid.CellCode(5))
            .Which.Message.Should().StartWith("invalid polygon");
        _grid.Validate().Model.Should().BeNull();
    }

    [Fact]
    public void A_geometry_that_is_not_a_polygon_is_refused()
    {
        _grid.Cell(2)["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(114.015, 27.005) };

        _grid.Validate().Errors.Should().ContainSingle(e => e.Code == TestGrid.CellCode(2))
            .Which.Message.Should().Contain("Point, not a Polygon");
    }

    [Fact]
    public void A_self_intersecting_bow_tie_is_refused_where_it_crosses()
    {
        SetGeometry(_grid.Cell(5), TestGrid.Ring((114.01, 27.01), (114.02, 27.02), (114.02, 27.01), (114.01, 27.02), (114.01, 27.01)));

        var error = _grid.Validate().Errors.Should().ContainSingle(e => e.Code == TestGrid.CellCode(5)).Which;

        error.Message.Should().Contain("Self-intersection");
        error.At![0].Should().BeApproximately(114.015, 1e-9);
        error.At[1].Should().BeApproximately(27.015, 1e-9);
    }

    [Fact]
    public void Overlapping_cells_are_refused_with_the_overlap_located()
    {
        // Cell 5 pushed 0.005° east: it covers half of cell 6 and leaves a gap in its own place.
        SetGeometry(_grid.Cell(5), TestGrid.Square(114.015, 27.01, 0.01));

        var errors = _grid.Validate().Errors;

        var overlap = errors.Should().ContainSingle(e => e.Message.Contains("overlaps")).Which;
        overlap.Code.Should().Be(TestGrid.CellCode(6));
        overlap.Message.Should().Contain($"cell {TestGrid.CellCode(5)}");
        overlap.At![0].Should().BeInRange(114.02, 114.025);
    }

    [Fact]
    public void A_cell_inside_another_is_an_overlap()
    {
        var features = _grid.Cells["features"]!.AsArray();
        features.Add(new JsonObject
        {
            ["type"] = "Feature",
            ["properties"] = new JsonObject { ["code"] = "9901010010010010", ["community"] = "990101001001" },
            ["geometry"] = TestGrid.Polygon(TestGrid.Square(114.012, 27.012, 0.002)),
        });

        _grid.Validate().Errors.Should().ContainSingle(e => e.Message.Contains("overlaps"))
            .Which.Code.Should().Be("9901010010010010");
    }

    [Fact]
    public void A_gap_larger_than_the_tolerance_is_refused_where_it_is()
    {
        // Cell 5 shrunk to its south-west quarter leaves about 0.75 of a 1 km² cell uncovered.
        SetGeometry(_grid.Cell(5), TestGrid.Square(114.01, 27.01, 0.005));

        var gap = _grid.Validate().Errors.Should().ContainSingle().Which;

        gap.Code.Should().Be("990101001001");
        gap.Source.Should().Be("regions");
        gap.Message.Should().Contain("gap").And.Contain("cells");
        gap.At![0].Should().BeInRange(114.01, 114.02);
        gap.At[1].Should().BeInRange(27.01, 27.02);
    }

    [Fact]
    public void A_sliver_below_the_tolerance_is_accepted()
    {
        // The east edge of cell 5 falls short by 1e-9° (about 0.1 mm): a sliver of about 0.1 m².
        SetGeometry(_grid.Cell(5), TestGrid.Ring((114.01, 27.01), (114.019999999, 27.01), (114.019999999, 27.02), (114.01, 27.02), (114.01, 27.01)));

        _grid.Validate(toleranceSquareMetres: 1).Errors.Should().BeEmpty();
    }

    [Fact]
    public void The_same_sliver_is_a_gap_under_a_stricter_tolerance()
    {
        SetGeometry(_grid.Cell(5), TestGrid.Ring((114.01, 27.01), (114.019999999, 27.01), (114.019999999, 27.02), (114.01, 27.02), (114.01, 27.01)));

        _grid.Validate(toleranceSquareMetres: 0.01).Errors.Should().ContainSingle(e => e.Message.Contains("gap"));
    }

    [Fact]
    public void A_cell_code_that_does_not_nest_in_its_community_is_refused()
    {
        _grid.Cell(3)["properties"]!["code"] = "9901010010020003";

        var error = _grid.Validate().Errors.Should().ContainSingle(e => e.Code == "9901010010020003").Which;

        error.Message.Should().Be("code does not nest in its community 990101001001");
        error.Feature.Should().Be(2);
    }

    [Fact]
    public void A_region_code_that_does_not_nest_in_its_parent_is_refused()
    {
        _grid.Region("990101001")["properties"]!["code"] = "990102001";

        _grid.Validate().Errors.Should().Contain(e => e.Code == "990102001" && e.Message == "code does not nest in its parent 990101");
    }

    [Fact]
    public void A_parent_missing_from_the_import_is_refused()
    {
        _grid.Cell(1)["properties"]!["community"] = "990101001002";
        _grid.Cell(1)["properties"]!["code"] = "9901010010020001";

        _grid.Validate().Errors.Should().Contain(e => e.Code == "9901010010020001" && e.Message == "community 990101001002 is not a region of the import");
    }

    [Fact]
    public void A_code_of_the_wrong_length_for_its_level_is_refused()
    {
        _grid.Cell(4)["properties"]!["code"] = "990101001001004";

        _grid.Validate().Errors.Should().Contain(e => e.Code == "990101001001004" && e.Message.StartsWith("code is not a cell code of 16 digits"));
    }

    [Fact]
    public void A_coordinate_outside_wgs84_is_refused()
    {
        SetGeometry(_grid.Cell(9), TestGrid.Ring((114.02, 27.02), (200.0, 27.02), (114.03, 27.03), (114.02, 27.03), (114.02, 27.02)));

        _grid.Validate().Errors.Should().ContainSingle(e => e.Code == TestGrid.CellCode(9))
            .Which.Message.Should().Contain("(200, 27.02) is outside WGS 84");
    }

    [Fact]
    public void A_latitude_beyond_the_pole_is_refused()
    {
        SetGeometry(_grid.Region("9901"), TestGrid.Square(114.0, 89.99, 0.03));

        _grid.Validate().Errors.Should().Contain(e => e.Code == "9901" && e.Message.Contains("outside WGS 84"));
    }

    [Fact]
    public void Duplicate_codes_are_refused_naming_the_first_use()
    {
        _grid.Cell(8)["properties"]!["code"] = TestGrid.CellCode(7);

        _grid.Validate().Errors.Should().ContainSingle(e => e.Message.StartsWith("duplicate"))
            .Which.Should().BeEquivalentTo(new { Source = "cells", Feature = 7, Code = TestGrid.CellCode(7), Message = "duplicate code, already used by cells[6]" });
    }

    [Fact]
    public void A_grid_without_a_city_is_refused()
    {
        _grid.Regions["features"]!.AsArray().RemoveAt(0);

        _grid.Validate().Errors.Should().Contain(e => e.Source == "regions" && e.Feature == null && e.Message == "has no region of level city");
    }

    [Fact]
    public void A_cell_reaching_outside_its_community_is_refused()
    {
        SetGeometry(_grid.Cell(3), TestGrid.Square(114.02, 27.00, 0.011));

        _grid.Validate().Errors.Should().Contain(e => e.Code == TestGrid.CellCode(3) && e.Message.Contains("outside its community 990101001001"));
    }

    [Fact]
    public void Something_that_is_not_a_feature_collection_is_refused()
    {
        var validation = new GridValidator(new GridOptions()).Validate(TestGrid.Element(_grid.Regions), TestGrid.Element(new JsonArray()));

        validation.Errors.Should().Contain(e => e.Source == "cells" && e.Message == "is not a GeoJSON FeatureCollection");
    }

    [Fact]
    public void Every_error_is_reported_not_just_the_first()
    {
        _grid.Cell(8)["properties"]!["code"] = TestGrid.CellCode(7);
        SetGeometry(_grid.Cell(9), TestGrid.Ring((114.02, 27.02), (200.0, 27.02), (114.03, 27.03), (114.02, 27.03), (114.02, 27.02)));
        _grid.Cell(3)["properties"]!["code"] = "9901010010020003";

        _grid.Validate().Errors.Select(e => e.Feature).Should().Contain([7, 8, 2]);
    }

    [Fact]
    public void An_error_reads_with_its_place()
    {
        var error = new GridError("cells", 4, "9901010010010005", "invalid polygon: Self-intersection", [114.015, 27.015]);

        error.ToString().Should().Be("cells[4] 9901010010010005: invalid polygon: Self-intersection at (114.015, 27.015)");
    }
}
