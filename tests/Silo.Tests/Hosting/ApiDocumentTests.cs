using System.Text.Json.Nodes;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>
/// The pages' types are generated from the OpenAPI document the build writes (docs/architecture.md#client-types);
/// that document must be the one the running engine serves.
/// </summary>
[Collection(EngineTests.Name)]
public class ApiDocumentTests(EngineFixture fixture)
{
    [Fact]
    public async Task The_committed_api_document_describes_the_routes_and_schemas_the_engine_serves()
    {
        using var http = fixture.Engine.Http();
        var served = JsonNode.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;
        var committedPath = Path.Combine(Engine.CityPath, "..", "..", "src", "DashboardHost", "frontend", "src", "api", "openapi.json");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(committedPath))!;

        // The served document also names the server it came from; the committed one is written without one.
        JsonNode.DeepEquals(served["info"], committed["info"]).Should().BeTrue();
        JsonNode.DeepEquals(served["paths"], committed["paths"]).Should().BeTrue("the routes served are the routes committed");
        JsonNode.DeepEquals(served["components"], committed["components"]).Should().BeTrue("the schemas served are the schemas committed");
        served["paths"]!.AsObject().Should().ContainKey("/api/events/{id}");
        committed["components"]!["schemas"]!.AsObject().Should().ContainKey("SituationFrame");
    }
}
