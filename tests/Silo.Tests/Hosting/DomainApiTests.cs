using System.Net.Http.Json;
using System.Text.Json;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>GET /api/domain: the shared rules the pages read instead of restating them.</summary>
[Collection(EngineTests.Name)]
public class DomainApiTests(EngineFixture fixture)
{
    [Fact]
    public async Task The_rules_name_the_end_states_the_actions_needing_a_reason_and_the_commands_with_their_bounds()
    {
        using var http = fixture.Engine.Http(await fixture.Engine.TokenAsync("dispatcher"));

        var rules = await http.GetFromJsonAsync<JsonElement>("/api/domain");

        Strings(rules.GetProperty("endStates")).Should().BeEquivalentTo("closed", "rejected", "merged");
        Strings(rules.GetProperty("actionsNeedingReason")).Should().BeEquivalentTo("reject", "return", "rework", "suspend", "reopen");
        Strings(rules.GetProperty("commands")).Should().Equal("setLight", "broadcast", "cameraPreset");
        rules.GetProperty("commandRules").EnumerateArray()
            .Should().Contain(r => r.GetProperty("name").GetString() == "broadcast" && r.GetProperty("module").GetString() == "broadcast");
        var limits = rules.GetProperty("commandLimits");
        (limits.GetProperty("maxLevel").GetInt32(), limits.GetProperty("maxBroadcastChars").GetInt32(), limits.GetProperty("maxPreset").GetInt32())
            .Should().Be((100, 200, 255));
        Strings(rules.GetProperty("commandRoles")).Should().BeEquivalentTo("admin", "operator");
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
