using System.Net.Http.Json;
using System.Text.Json;

namespace CityOps.Silo.Tests.Hosting;

[Collection(EngineTests.Name)]
public class HealthTests(EngineFixture fixture)
{
    [Fact]
    public async Task Health_reports_the_silo_the_broker_and_storage_ready()
    {
        using var http = fixture.Engine.Http();

        var health = await http.GetFromJsonAsync<JsonElement>("/health");

        health.GetProperty("status").GetString().Should().Be("Healthy");
        var checks = health.GetProperty("checks");
        foreach (var part in new[] { "silo", "mqtt", "storage" })
        {
            checks.GetProperty(part).GetProperty("status").GetString().Should().Be("Healthy", part);
        }
    }
}
