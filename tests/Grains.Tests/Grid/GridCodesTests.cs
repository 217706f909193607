using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Grid;

public class GridCodesTests
{
    [Theory]
    [InlineData("9901", 3, "990103")]
    [InlineData("990101", 12, "990101012")]
    [InlineData("990101001001", 12, "9901010010010012")]
    public void A_child_code_is_its_parents_code_and_its_number_in_the_digits_of_its_level(string parent, int number, string child)
    {
        var code = GridCodes.ChildCode(parent, number);

        code.Should().Be(child);
        GridCodes.ParentOf(code).Should().Be(parent);
    }

    [Fact]
    public void A_level_numbers_as_many_children_as_its_digits_hold()
    {
        GridCodes.MaxChildren(GridLevel.District).Should().Be(99);
        GridCodes.MaxChildren(GridLevel.Street).Should().Be(999);
        GridCodes.MaxChildren(GridLevel.Cell).Should().Be(9_999);

        var act = () => GridCodes.ChildCode("9901", 100);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void A_cell_has_no_children_and_a_malformed_code_none_either()
    {
        var ofCell = () => GridCodes.ChildCode("9901010010010001", 1);
        var ofMalformed = () => GridCodes.ChildCode("99a1", 1);

        ofCell.Should().Throw<ArgumentException>();
        ofMalformed.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Messages_name_the_lengths_of_region_codes()
    {
        GridCodes.RegionLengths.Should().Be("4, 6, 9 or 12");
    }
}
