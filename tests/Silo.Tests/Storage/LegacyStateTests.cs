using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Storage;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Data.Sqlite;

namespace CityOps.Silo.Tests.Storage;

/// <summary>
/// An engine upgraded in place: started on a data folder an earlier version wrote (grain state in
/// Newtonsoft JSON with .NET type names, a compiler-generated one among them), it serves that state
/// and stores it in the current format on the next write.
/// </summary>
public sealed class LegacyStateTests
{
    private const string Pole = "POLE-990103-00001";
    private const string PoleCell = "9901030010040296";

    [Fact]
    public async Task A_city_stored_by_the_earlier_format_reads_back_and_is_rewritten_in_the_current_one()
    {
        await using var engine = await Engine.StartAsync(prepareData: data =>
            File.Copy(GrainStateFormatTests.LegacyDatabase, Path.Combine(data, "cityops.db")));
        using var http = engine.Http(await engine.TokenAsync("operator"));

        var cell = await http.GetFromJsonAsync<JsonElement>($"/api/grid/cells/{PoleCell}");
        cell.GetProperty("situation").GetProperty("health").GetString().Should().Be("critical");
        var pole = await engine.GetDeviceAsync(Pole, await engine.TokenAsync("operator"));
        pole.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("kind").GetString()).Should().Contain("sos");
        var sos = await http.GetFromJsonAsync<JsonElement>("/api/events/E20261206-000001");
        sos.GetProperty("category").GetString().Should().Be("sos");
        sos.GetProperty("state").GetString().Should().Be("dispatched");

        var register = await http.PostAsJsonAsync("/api/events/E20261206-000003/actions", new { action = "register" });
        register.StatusCode.Should().Be(HttpStatusCode.OK);
        var audit = await http.PostAsync(new Uri("/api/events/E20261206-000003/audit/verify", UriKind.Relative), null);
        (await audit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isValid").GetBoolean().Should().BeTrue();

        await engine.StopAsync();
        StoredPayload(engine.DataPath, "urbanEvent", "E20261206-000003").Should().NotBeNull()
            .And.Subject.Should().Match<byte[]>(p => !GrainStateFormat.IsLegacyJson(p), "the case was written again after the upgrade");
    }

    private static byte[]? StoredPayload(string dataPath, string stateName, string key)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataPath, "cityops.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = $state AND GrainIdExtensionString = $key";
        command.Parameters.AddWithValue("$state", stateName);
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as byte[];
    }
}
