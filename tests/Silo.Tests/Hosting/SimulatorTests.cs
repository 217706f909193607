using System.Net.Http.Json;
using System.Text.Json;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The embedded start runs the device simulator: real MQTT clients logging in as the sample devices.</summary>
public class SimulatorTests
{
    [Fact]
    public async Task Simulated_devices_log_in_and_their_readings_reach_the_twins()
    {
        await using var engine = await Engine.StartAsync(new Dictionary<string, string?>
        {
            ["Simulator:Enabled"] = "true",
            ["Simulator:MaxDevices"] = "40",
            ["Simulator:TimeScale"] = "120",
            ["Simulator:Seed"] = "7",
        });
        using var http = engine.Http(await engine.TokenAsync("operator"));
        var fastest = Engine.Devices.Where(d => d.ExpectedIntervalSeconds <= 60).Take(200).ToList();

        var reported = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (reported.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            foreach (var device in fastest)
            {
                var twin = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{device.Id}");
                if (twin.GetProperty("values").EnumerateObject().Any())
                {
                    reported.Add(device.Id);
                }
            }
        }

        reported.Should().NotBeEmpty("the simulator publishes telemetry for the sample devices it runs");
    }
}
