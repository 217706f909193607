using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The grid over HTTP on the running engine with the sample city: locating, cells, regions, the map layer, scope.</summary>
[Collection(EngineTests.Name)]
public class GridApiTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    private static Uri Locate(double lon, double lat) =>
        new(string.Create(CultureInfo.InvariantCulture, $"/api/grid/locate?lon={lon}&lat={lat}"), UriKind.Relative);

    private async Task<HttpClient> AsAsync(string username)
    {
        var user = Engine.Users.Single(u => u.Username == username);
        return Engine.Http(await Engine.TokenAsync(user.Username, user.Password));
    }

    [Fact]
    public async Task Locating_the_centre_of_a_sample_cell_returns_that_cell_and_its_chain_up_to_the_city()
    {
        var cell = SampleGrid.Cells[5000];
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var body = await http.GetFromJsonAsync<JsonElement>(Locate(cell.Centre[0], cell.Centre[1]));

        body.GetProperty("cell").GetProperty("code").GetString().Should().Be(cell.Code);
        body.GetProperty("chain").EnumerateArray().Select(r => r.GetProperty("code").GetString()).Should().Equal(SampleGrid.ChainOf(cell.Code));
        body.GetProperty("chain")[3].GetProperty("level").GetString().Should().Be("city");
        body.GetProperty("chain")[2].GetProperty("name").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_point_on_a_vertex_shared_by_four_sample_cells_is_located_in_the_lowest_of_their_codes()
    {
        var cell = SampleGrid.Cells[5000];
        var sharing = SampleGrid.Cells.Where(c => c.Covers(cell.East, cell.North)).Select(c => c.Code).ToList();
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var body = await http.GetFromJsonAsync<JsonElement>(Locate(cell.East, cell.North));

        sharing.Should().HaveCount(4);
        body.GetProperty("cell").GetProperty("code").GetString().Should().Be(sharing.Min(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_point_outside_the_city_is_not_found_with_a_reason()
    {
        var west = SampleGrid.Cells.Min(c => c.West);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.GetAsync(Locate(west - 0.0001, SampleGrid.Cells[0].Centre[1]));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("outside");
    }

    [Theory]
    [InlineData("lon=114.3")]
    [InlineData("lat=27.6")]
    [InlineData("lon=NaN&lat=27.6")]
    [InlineData("lon=114.3&lat=Infinity")]
    [InlineData("lon=181&lat=27.6")]
    [InlineData("lon=114.3&lat=-90.5")]
    [InlineData("lon=east&lat=27.6")]
    public async Task Missing_or_impossible_coordinates_are_a_bad_request(string query)
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.GetAsync(new Uri("/api/grid/locate?" + query, UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_cell_shows_its_place_chain_attributes_and_live_situation()
    {
        var cell = SampleGrid.Cells[1234];
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var body = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/grid/cells/{cell.Code}", UriKind.Relative));

        body.GetProperty("code").GetString().Should().Be(cell.Code);
        body.GetProperty("community").GetString().Should().Be(cell.Code[..12]);
        body.GetProperty("centroid")[0].GetDouble().Should().BeApproximately(cell.Centre[0], 1e-7);
        body.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).Should().Equal(cell.West, cell.South, cell.East, cell.North);
        body.GetProperty("chain").EnumerateArray().Select(r => r.GetProperty("code").GetString()).Should().Equal(SampleGrid.ChainOf(cell.Code));
        body.GetProperty("attributes").TryGetProperty("lowLying", out _).Should().BeTrue();
        var situation = body.GetProperty("situation");
        situation.GetProperty("health").GetString().Should().BeOneOf("normal", "attention", "warning", "critical");
        situation.GetProperty("alarms").TryGetProperty("critical", out _).Should().BeTrue();
        situation.GetProperty("events").TryGetProperty("overdue", out _).Should().BeTrue();
    }

    [Fact]
    public async Task An_unknown_cell_is_not_found()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.GetAsync(new Uri("/api/grid/cells/9901999999999999", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_region_shows_its_summary_and_kpis()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var body = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/regions/990101", UriKind.Relative));

        body.GetProperty("name").GetString().Should().Be("江北区");
        body.GetProperty("level").GetString().Should().Be("district");
        body.GetProperty("parent").GetString().Should().Be("9901");
        body.GetProperty("children").GetInt32().Should().Be(4);
        body.GetProperty("cells").GetInt32().Should().Be(SampleGrid.Cells.Count(c => c.Code.StartsWith("990101", StringComparison.Ordinal)));
        body.GetProperty("chain").EnumerateArray().Select(r => r.GetProperty("code").GetString()).Should().Equal("9901");
        var kpis = body.GetProperty("situation");
        kpis.TryGetProperty("devicesByKind", out _).Should().BeTrue();
        kpis.TryGetProperty("onlineRatio", out _).Should().BeTrue();
        kpis.GetProperty("cellsByHealth").TryGetProperty("normal", out _).Should().BeTrue();
    }

    [Fact]
    public async Task The_city_has_its_districts_as_children_and_every_cell()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var body = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/regions/9901", UriKind.Relative));

        body.GetProperty("children").GetInt32().Should().Be(4);
        body.GetProperty("cells").GetInt32().Should().Be(10_004);
        body.GetProperty("chain").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Every_sample_device_is_counted_at_the_city_and_each_district_once_the_cells_have_reported()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement city;
        do
        {
            await Task.Delay(500);
            city = (await http.GetFromJsonAsync<JsonElement>(new Uri("/api/regions/9901", UriKind.Relative))).GetProperty("situation");
        }
        while (city.GetProperty("devices").GetInt32() < Engine.Devices.Count && DateTime.UtcNow < deadline);

        city.GetProperty("devices").GetInt32().Should().Be(Engine.Devices.Count);
        city.GetProperty("devicesByKind").GetProperty("waterLevel").GetInt32().Should().Be(Engine.Devices.Count(d => d.Kind == Grains.Interfaces.City.DeviceKind.WaterLevel));
        var cells = city.GetProperty("cellsByHealth");
        cells.EnumerateObject().Sum(level => level.Value.GetInt32()).Should().Be(10_004);
        var jiangbei = (await http.GetFromJsonAsync<JsonElement>(new Uri("/api/regions/990101", UriKind.Relative))).GetProperty("situation");
        jiangbei.GetProperty("devices").GetInt32().Should().Be(Engine.Devices.Count(d => d.CellCode.StartsWith("990101", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_district_operator_is_refused_another_districts_region_and_cells()
    {
        using var http = await AsAsync("operator.jiangbei");
        var elsewhere = SampleGrid.Cells.First(c => c.Code.StartsWith("990102", StringComparison.Ordinal));

        (await http.GetAsync(new Uri("/api/regions/990102", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await http.GetAsync(new Uri("/api/regions/9901", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await http.GetAsync(new Uri($"/api/grid/cells/{elsewhere.Code}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await http.GetAsync(Locate(elsewhere.Centre[0], elsewhere.Centre[1]))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await http.GetAsync(new Uri("/api/grid/map?region=990102&zoom=12", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_district_operator_sees_their_own_district()
    {
        using var http = await AsAsync("operator.jiangbei");
        var own = SampleGrid.Cells.First(c => c.Code.StartsWith("990101", StringComparison.Ordinal));

        (await http.GetAsync(new Uri("/api/regions/990101", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync(new Uri($"/api/grid/cells/{own.Code}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync(Locate(own.Centre[0], own.Centre[1]))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_map_of_the_city_zoomed_out_shows_its_districts_with_live_status()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.GetAsync(new Uri("/api/grid/map?region=9901&zoom=11", UriKind.Relative));
        var map = await response.Content.ReadFromJsonAsync<JsonElement>();

        response.Content.Headers.ContentType!.MediaType.Should().Be("application/geo+json");
        map.GetProperty("type").GetString().Should().Be("FeatureCollection");
        var features = map.GetProperty("features").EnumerateArray().ToList();
        features.Select(f => f.GetProperty("properties").GetProperty("code").GetString()).Should().BeEquivalentTo("990101", "990102", "990103", "990104");
        var properties = features[0].GetProperty("properties");
        properties.GetProperty("level").GetString().Should().Be("district");
        properties.GetProperty("health").GetString().Should().NotBeNullOrEmpty();
        properties.TryGetProperty("alarmsCritical", out _).Should().BeTrue();
        properties.TryGetProperty("overdueEvents", out _).Should().BeTrue();
    }

    [Fact]
    public async Task The_map_zoomed_in_on_a_viewport_shows_only_the_cells_in_view()
    {
        var cell = SampleGrid.Cells[5000];
        var bbox = string.Create(CultureInfo.InvariantCulture, $"{cell.West + 0.0001},{cell.South + 0.0001},{cell.East - 0.0001},{cell.North - 0.0001}");
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var map = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/grid/map?region=9901&zoom=16&bbox={bbox}", UriKind.Relative));

        var feature = map.GetProperty("features").EnumerateArray().Should().ContainSingle().Subject;
        feature.GetProperty("properties").GetProperty("code").GetString().Should().Be(cell.Code);
        feature.GetProperty("geometry").GetProperty("type").GetString().Should().Be("Polygon");
    }

    [Fact]
    public async Task The_map_rounds_coordinates_to_what_the_zoom_can_show()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var text = await http.GetStringAsync(new Uri("/api/grid/map?region=9901&zoom=8", UriKind.Relative));

        using var map = JsonDocument.Parse(text);
        var coordinates = map.RootElement.GetProperty("features")[0].GetProperty("geometry").GetProperty("coordinates")[0];
        coordinates.EnumerateArray().Should().OnlyContain(p => Math.Round(p[0].GetDouble(), 3) == p[0].GetDouble());
    }

    [Fact]
    public async Task Only_an_administrator_may_import_a_grid()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync("/api/grid/import", new { regions = new { }, cells = new { } });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_failed_import_answers_every_error_and_changes_nothing()
    {
        var regions = JsonNode(Path.Combine(Engine.CityPath, "regions.geojson"));
        var cells = JsonNode(Path.Combine(Engine.CityPath, "cells.geojson"));
        var features = cells["features"]!.AsArray();
        var moved = features[5000]!["properties"]!["code"]!.GetValue<string>();
        features[5001]!["properties"]!["code"] = moved;
        features.RemoveAt(42);
        using var http = Engine.Http(await Engine.TokenAsync("admin"));
        var cell = SampleGrid.Cells[5001];

        var response = await http.PostAsJsonAsync("/api/grid/import", new { regions, cells });

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        errors.Should().Contain(e => e.GetProperty("message").GetString()!.StartsWith("duplicate code", StringComparison.Ordinal)
            && e.GetProperty("code").GetString() == moved && e.GetProperty("source").GetString() == "cells");
        errors.Should().Contain(e => e.GetProperty("message").GetString()!.Contains("gap", StringComparison.Ordinal)
            && e.GetProperty("at").GetArrayLength() == 2);
        var located = await http.GetFromJsonAsync<JsonElement>(Locate(cell.Centre[0], cell.Centre[1]));
        located.GetProperty("cell").GetProperty("code").GetString().Should().Be(cell.Code);
        (await http.GetAsync(new Uri($"/api/grid/cells/{SampleGrid.Cells[42].Code}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static System.Text.Json.Nodes.JsonNode JsonNode(string path) => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
}
