using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Data.Sqlite;

namespace CityOps.Silo.Tests.Events;

/// <summary>
/// A case's change is written as four rows (follow-ups, audit trail, anchor, the case itself), the
/// case last. These tests put the database in the state a crash between the trail and the case
/// leaves, and check that the case, started again, holds no trace of the change that was never stored.
/// </summary>
public sealed class CaseCommitTests
{
    [Fact]
    public async Task Audit_entries_of_a_change_whose_case_was_never_stored_are_dropped_and_the_retried_change_recorded_once()
    {
        await using var engine = await Engine.StartAsync();
        var cases = new CaseClient(engine);
        var id = await cases.ReportAsync();
        var before = await cases.GetAsync(id);
        await engine.StopAsync();
        var stored = Row(engine.DataPath, id);

        await engine.StartAgainAsync();
        await cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await engine.StopAsync();
        // The crash: the trail and anchor hold the registration, the case's own row does not.
        Restore(engine.DataPath, id, stored);
        await engine.StartAgainAsync();

        var after = await cases.GetAsync(id);
        after.GetProperty("state").GetString().Should().Be("reported");
        after.GetProperty("timeline").GetArrayLength().Should().Be(before.GetProperty("timeline").GetArrayLength());
        await cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        var registered = await cases.GetAsync(id);
        registered.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "register").Should().Be(1);
        using var http = await cases.AsAsync(CaseClient.Operator);
        var verify = await http.PostAsync(new Uri($"/api/events/{id}/audit/verify", UriKind.Relative), null);
        (await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isValid").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task A_case_whose_opening_was_never_stored_opens_once_when_its_report_is_sent_again()
    {
        await using var engine = await Engine.StartAsync();
        var cases = new CaseClient(engine);
        using var http = await cases.AsAsync(CaseClient.Operator);
        var body = new { category = "street_light_damaged", location = CaseClient.NewPlace(), description = "路灯不亮" };
        var key = Guid.NewGuid().ToString("N");
        var id = await ReportWithKeyAsync(http, body, key);
        await engine.StopAsync();
        // The crash: the trail and anchor of the opening were written, the case's own row was not.
        Delete(engine.DataPath, id);
        await engine.StartAgainAsync();

        using var again = await cases.AsAsync(CaseClient.Operator);
        (await ReportWithKeyAsync(again, body, key)).Should().Be(id);

        var opened = await cases.GetAsync(id);
        opened.GetProperty("timeline").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "report").Should().Be(1);
        var verify = await again.PostAsync(new Uri($"/api/events/{id}/audit/verify", UriKind.Relative), null);
        (await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isValid").GetBoolean().Should().BeTrue();
    }

    private static async Task<string> ReportWithKeyAsync(HttpClient http, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static void Delete(string dataPath, string id)
    {
        using var connection = Open(dataPath);
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM OrleansStorage WHERE GrainTypeString = 'urbanEvent' AND GrainIdExtensionString = $id";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery().Should().Be(1);
    }

    private static (byte[] Payload, long Version) Row(string dataPath, string id)
    {
        using var connection = Open(dataPath);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT PayloadBinary, Version FROM OrleansStorage WHERE GrainTypeString = 'urbanEvent' AND GrainIdExtensionString = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        return ((byte[])reader.GetValue(0), reader.GetInt64(1));
    }

    private static void Restore(string dataPath, string id, (byte[] Payload, long Version) row)
    {
        using var connection = Open(dataPath);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE OrleansStorage SET PayloadBinary = $payload, Version = $version WHERE GrainTypeString = 'urbanEvent' AND GrainIdExtensionString = $id";
        command.Parameters.AddWithValue("$payload", row.Payload);
        command.Parameters.AddWithValue("$version", row.Version);
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery().Should().Be(1);
    }

    private static SqliteConnection Open(string dataPath)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataPath, "cityops.db")};Pooling=False");
        connection.Open();
        return connection;
    }
}
