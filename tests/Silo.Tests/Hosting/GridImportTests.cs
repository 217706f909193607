using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>A successful grid import, on an engine of its own because it replaces the grid.</summary>
public class GridImportTests
{
    [Fact]
    public async Task An_imported_grid_replaces_the_old_one_at_once_and_after_a_restart()
    {
        await using var engine = await Engine.StartAsync();
        var regions = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Engine.CityPath, "regions.geojson")))!;
        var cells = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Engine.CityPath, "cells.geojson")))!;
        regions["features"]!.AsArray().Single(f => (string?)f!["properties"]!["code"] == "990101")!["properties"]!["name"] = "江北新区";
        using (var admin = engine.Http(await engine.TokenAsync("admin")))
        {
            var response = await admin.PostAsJsonAsync("/api/grid/import", new { regions, cells });

            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("cells").GetInt32().Should().Be(10_004);
            body.GetProperty("regions").GetInt32().Should().Be(80);
            (await admin.GetFromJsonAsync<JsonElement>("/api/regions/990101")).GetProperty("name").GetString().Should().Be("江北新区");
        }

        await engine.StopAsync();
        await engine.StartAgainAsync();

        using var http = engine.Http(await engine.TokenAsync("operator"));
        (await http.GetFromJsonAsync<JsonElement>("/api/regions/990101")).GetProperty("name").GetString().Should().Be("江北新区");
    }
}
