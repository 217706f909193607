using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace CityOps.Grid.Tests;

public class SampleCityGridTests(ITestOutputHelper output)
{
    private static readonly string CityPath = FindSampleCity();

    [Fact]
    public void The_sample_city_validates_with_all_its_regions_and_cells_and_locates_a_cell()
    {
        var watch = Stopwatch.StartNew();
        using var regions = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CityPath, "regions.geojson")));
        using var cells = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CityPath, "cells.geojson")));
        var validation = new GridValidator(new GridOptions()).Validate(regions.RootElement, cells.RootElement);
        output.WriteLine($"sample city read, validated and indexed in {watch.Elapsed.TotalSeconds:F2} s");

        validation.Errors.Should().BeEmpty();
        var model = validation.Model!;
        model.Cells.Should().HaveCount(10_004);
        model.Regions.Should().HaveCount(80);
        var first = model.Cell("9901010010010001")!;
        var centre = first.Geometry.Centroid;
        var location = model.Locate(centre.X, centre.Y)!;
        location.Cell.Code.Should().Be("9901010010010001");
        location.Chain.Select(r => r.Code).Should().Equal("990101001001", "990101001", "990101", "9901");
    }

    [Fact]
    public void The_districts_of_the_city_are_all_four_and_a_street_lies_in_its_own()
    {
        using var regions = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CityPath, "regions.geojson")));
        using var cells = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CityPath, "cells.geojson")));
        var model = new GridValidator(new GridOptions()).Validate(regions.RootElement, cells.RootElement).Model!;

        model.DistrictsOf("9901").Should().Equal("990101", "990102", "990103", "990104");
        model.DistrictsOf("990102003").Should().Equal("990102");
        model.DistrictsOf("9901020030030065").Should().Equal("990102");
    }

    private static string FindSampleCity()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "city", "cells.geojson");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new InvalidOperationException("The sample city (samples/city) was not found above the test's folder.");
    }
}
