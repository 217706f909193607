using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;

namespace CityOps.Samples.Tests.CityGenerator;

public sealed class CityHierarchyTests(GeneratedCity city) : IClassFixture<GeneratedCity>
{
    [Theory]
    [InlineData("city", 4)]
    [InlineData("district", 6)]
    [InlineData("street", 9)]
    [InlineData("community", 12)]
    public void Region_codes_have_the_length_of_their_level(string level, int digits) =>
        city.Level(level).Should().NotBeEmpty().And.OnlyContain(region => region.Text("code").Length == digits && region.Text("code").All(char.IsAsciiDigit));

    [Fact]
    public void Only_the_city_has_no_parent() =>
        city.Regions.Where(region => region.OptionalText("parent") is null).Select(region => region.Text("code")).Should().Equal("9901");

    [Fact]
    public void Every_region_code_starts_with_its_parent_code()
    {
        var codes = city.Regions.Select(region => region.Text("code")).ToHashSet();

        foreach (var region in city.Regions.Where(region => region.OptionalText("parent") is not null))
        {
            codes.Should().Contain(region.Text("parent"));
            region.Text("code").Should().StartWith(region.Text("parent"));
        }
    }

    [Fact]
    public void Every_cell_code_has_16_digits_and_starts_with_its_community_code()
    {
        var communities = city.Level("community").Select(region => region.Text("code")).ToHashSet();

        city.CellFeatures.Should().OnlyContain(cell =>
            cell.Text("code").Length == 16 && cell.Text("code").StartsWith(cell.Text("community"), StringComparison.Ordinal)
            && communities.Contains(cell.Text("community")));
    }

    [Fact]
    public void Region_and_cell_codes_are_unique()
    {
        city.Regions.Select(region => region.Text("code")).Should().OnlyHaveUniqueItems();
        city.CellFeatures.Select(cell => cell.Text("code")).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Every_region_has_a_chinese_and_an_english_name() =>
        city.Regions.Should().OnlyContain(region =>
            region.Text("name").Any(c => c >= '\u4e00' && c <= '\u9fff') && region.Text("nameEn").All(char.IsAscii));

    [Fact]
    public void Every_region_polygon_is_valid() =>
        city.Regions.Should().OnlyContain(region => region.Geometry.IsValid);

    [Fact]
    public void Every_region_is_one_contiguous_polygon() =>
        city.Regions.Should().OnlyContain(region => region.Geometry is Polygon);

    [Fact]
    public void Every_community_is_exactly_the_union_of_its_cells()
    {
        foreach (var community in city.Level("community"))
        {
            var cells = city.CellFeatures.Where(cell => cell.Text("community") == community.Text("code")).Select(cell => cell.Geometry).ToList();

            CascadedPolygonUnion.Union(cells).EqualsTopologically(community.Geometry).Should().BeTrue(community.Text("code"));
        }
    }

    [Theory]
    [InlineData("city")]
    [InlineData("district")]
    [InlineData("street")]
    public void Every_region_is_exactly_the_union_of_its_child_regions(string level)
    {
        foreach (var parent in city.Level(level))
        {
            var children = city.Regions.Where(region => region.OptionalText("parent") == parent.Text("code")).Select(region => region.Geometry).ToList();

            children.Should().NotBeEmpty();
            CascadedPolygonUnion.Union(children).EqualsTopologically(parent.Geometry).Should().BeTrue(parent.Text("code"));
        }
    }

    [Fact]
    public void Cells_of_a_community_do_not_overlap()
    {
        foreach (var community in city.CellFeatures.GroupBy(cell => cell.Text("community")))
        {
            var cells = community.Select(cell => cell.Geometry).ToList();

            CascadedPolygonUnion.Union(cells).Area.Should().BeApproximately(cells.Sum(cell => cell.Area), 1e-12, community.Key);
        }
    }

    [Fact]
    public void Children_of_a_region_do_not_overlap()
    {
        foreach (var siblings in city.Regions.Where(region => region.OptionalText("parent") is not null).GroupBy(region => region.Text("parent")))
        {
            var shapes = siblings.Select(region => region.Geometry).ToList();

            CascadedPolygonUnion.Union(shapes).Area.Should().BeApproximately(shapes.Sum(shape => shape.Area), 1e-12, siblings.Key);
        }
    }

    [Fact]
    public void Coordinates_have_at_most_six_decimals() =>
        city.Regions.Concat(city.CellFeatures).SelectMany(feature => feature.Geometry.Coordinates)
            .Should().OnlyContain(c => Math.Round(c.X, 6) == c.X && Math.Round(c.Y, 6) == c.Y);

    [Fact]
    public void Low_lying_cells_exist_and_lie_lower_than_the_rest()
    {
        var land = city.CellFeatures.Where(cell => !(bool)cell.Properties["river"]).ToList();
        var low = land.Where(cell => (bool)cell.Properties["lowLying"]).ToList();

        low.Should().NotBeEmpty();
        var highestLow = low.Max(cell => Convert.ToDouble(cell.Properties["elevationM"], System.Globalization.CultureInfo.InvariantCulture));
        land.Except(low).Should().OnlyContain(cell =>
            Convert.ToDouble(cell.Properties["elevationM"], System.Globalization.CultureInfo.InvariantCulture) >= highestLow);
    }
}
