namespace CityOps.Grid.Tests;

public class GridModelTests
{
    private readonly GridModel _model = new TestGrid().Model();

    [Fact]
    public void A_point_inside_a_cell_is_located_in_that_cell_with_its_chain_up_to_the_city()
    {
        var location = _model.Locate(114.015, 27.015);

        location!.Cell.Code.Should().Be(TestGrid.CellCode(5));
        location.Chain.Select(r => r.Code).Should().Equal("990101001001", "990101001", "990101", "9901");
    }

    [Fact]
    public void A_point_just_inside_a_border_belongs_to_the_cell_it_is_in()
    {
        _model.Locate(114.02 - 1e-9, 27.015)!.Cell.Code.Should().Be(TestGrid.CellCode(5));
        _model.Locate(114.02 + 1e-9, 27.015)!.Cell.Code.Should().Be(TestGrid.CellCode(6));
    }

    [Fact]
    public void A_point_on_an_edge_shared_by_two_cells_belongs_to_the_lower_code()
    {
        _model.Locate(114.02, 27.015)!.Cell.Code.Should().Be(TestGrid.CellCode(5));
        _model.Locate(114.015, 27.02)!.Cell.Code.Should().Be(TestGrid.CellCode(5));
    }

    [Fact]
    public void A_point_on_a_vertex_shared_by_four_cells_belongs_to_the_lowest_code()
    {
        _model.Locate(114.02, 27.02)!.Cell.Code.Should().Be(TestGrid.CellCode(5));
        _model.Locate(114.01, 27.01)!.Cell.Code.Should().Be(TestGrid.CellCode(1));
    }

    [Fact]
    public void The_same_border_point_is_always_located_in_the_same_cell()
    {
        var answers = Enumerable.Range(0, 20).Select(_ => _model.Locate(114.02, 27.02)!.Cell.Code).Distinct();

        answers.Should().ContainSingle();
    }

    [Fact]
    public void A_point_on_the_city_boundary_is_inside_the_city()
    {
        _model.Locate(114.00, 27.00)!.Cell.Code.Should().Be(TestGrid.CellCode(1));
        _model.Locate(114.03, 27.015)!.Cell.Code.Should().Be(TestGrid.CellCode(6));
    }

    [Fact]
    public void A_point_just_outside_the_city_is_in_no_cell()
    {
        _model.Locate(114.03 + 1e-9, 27.015).Should().BeNull();
        _model.Locate(113.5, 27.0).Should().BeNull();
    }

    [Fact]
    public void A_region_lists_its_direct_children_and_all_cells_within()
    {
        _model.ChildrenOf("990101").Should().Equal("990101001");
        _model.ChildrenOf("990101001001").Should().HaveCount(9);
        _model.CellsWithin("990101").Select(c => c.Code).Should().HaveCount(9).And.BeInAscendingOrder(StringComparer.Ordinal);
        _model.CellsWithin("990102").Should().BeEmpty();
    }

    [Fact]
    public void A_cell_keeps_its_other_properties()
    {
        _model.Cell(TestGrid.CellCode(1))!.Attributes["lowLying"].GetBoolean().Should().BeFalse();
    }
}
