using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Gb28181;

/// <summary>The embedded start runs the sample city's GB/T 28181 recorders: their channels come onto the situation map.</summary>
public sealed class SimulatedRecorderTests
{
    [Fact]
    public async Task The_simulated_recorders_register_and_their_channels_appear_on_the_map_online()
    {
        await using var engine = await Engine.StartAsync(new Dictionary<string, string?>
        {
            ["Simulator:Enabled"] = "true",
            ["Simulator:MaxDevices"] = "1",
            ["Sip:Enabled"] = "true",
            ["Sip:KeepaliveInterval"] = "00:00:02",
        });
        using var http = engine.Http(await engine.TokenAsync("operator"));
        var channels = SipEngineFixture.Recorders.SelectMany(r => r.Channels).Select(c => c.Id).ToHashSet();

        await CaseClient.EventuallyAsync(async () =>
        {
            var marks = await http.GetFromJsonAsync<JsonElement>("/api/map/devices?region=9901");
            var kinds = marks.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()).ToList();
            var shown = marks.GetProperty("id").EnumerateArray().Select((id, i) => (Id: id.GetString()!, Kind: kinds[marks.GetProperty("kind")[i].GetByte()],
                State: marks.GetProperty("state")[i].GetByte())).Where(m => channels.Contains(m.Id)).ToList();
            return shown.Count == channels.Count && shown.All(m => m.Kind == "camera");
        }, TimeSpan.FromSeconds(60));

        var one = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{channels.First()}");
        one.GetProperty("online").GetBoolean().Should().BeTrue();
    }
}
