using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Map;

/// <summary>A device provisioned over HTTP, outside the city's files, is on the map like a registered one.</summary>
[Collection(EngineTests.Name)]
public class ProvisionedDeviceMapTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task A_device_provisioned_over_http_appears_on_the_map_where_it_was_placed()
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));
        var model = Engine.Device(DeviceKind.WaterLevel);
        var id = $"WL-MAP-{Guid.NewGuid():N}"[..20];

        // Beside the sample device, not on top of it: the map tests click that one.
        double[] location = [model.Location[0] + 0.0002, model.Location[1] + 0.0001];
        (await admin.PostAsJsonAsync("/api/devices", new { id, kind = "waterLevel", name = "地图测试水位计", location, cellCode = model.CellCode }))
            .StatusCode.Should().Be(HttpStatusCode.Created);

        // The map reads the cells' devices again every DeviceAtlas.StatesFor (10 s).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement marks;
        do
        {
            await Task.Delay(500);
            marks = await admin.GetFromJsonAsync<JsonElement>("/api/map/devices");
        }
        while (!marks.GetProperty("id").EnumerateArray().Any(d => d.GetString() == id) && DateTime.UtcNow < deadline);

        var i = marks.GetProperty("id").EnumerateArray().Select(d => d.GetString()).ToList().IndexOf(id);
        marks.GetProperty("longitude")[i].GetDouble().Should().Be(location[0]);
        marks.GetProperty("latitude")[i].GetDouble().Should().Be(location[1]);
        marks.GetProperty("cell")[i].GetString().Should().Be(model.CellCode);
        marks.GetProperty("kinds")[marks.GetProperty("kind")[i].GetInt32()].GetString().Should().Be("waterLevel");
    }
}
