using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Data.Sqlite;

namespace CityOps.Silo.Tests.Events;

/// <summary>Cases in the embedded engine's SQLite file across a restart: their deadlines and their audit trails.</summary>
public class CaseRestartTests
{
    [Fact]
    public async Task A_deadline_that_passed_while_the_engine_was_down_escalates_on_start()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var engine = await Engine.StartAsync(clock: clock);
        var cases = new CaseClient(engine);
        // 15 minutes to register: the dispatcher at 15, the department head at 22.5, the command centre at 30.
        var id = await cases.ReportAsync("manhole_damaged");

        // Signed before the clock moves: tokens are checked against real time, which the test clock leaves behind.
        var token = await engine.TokenAsync(CaseClient.Operator.User, CaseClient.Operator.Password);
        await engine.StopAsync();
        // Less than an hour: Orleans' membership reads the same clock and takes a silo whose generation
        // lies far behind it for a dead one, which stops the whole process.
        clock.Advance(TimeSpan.FromMinutes(40));
        await engine.StartAgainAsync();

        using var http = engine.Http(token);
        var detail = await http.GetFromJsonAsync<JsonElement>($"/api/events/{id}");
        detail.GetProperty("overdue").GetBoolean().Should().BeTrue();
        detail.GetProperty("escalation").GetString().Should().Be("commandCentre");
        detail.GetProperty("escalations").EnumerateArray().Select(e => e.GetProperty("level").GetString())
            .Should().Equal("dispatcher", "departmentHead", "commandCentre");
    }

    [Fact]
    public async Task An_audit_entry_edited_in_the_database_is_reported_as_the_first_broken_link()
    {
        await using var engine = await Engine.StartAsync();
        var cases = new CaseClient(engine);
        var id = await cases.ReportAsync();
        await cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await cases.MustActAsync(CaseClient.Operator, id, new { action = "suspend", reason = "PROBE-REASON-ORIGINAL" });

        await engine.StopAsync();
        var rewritten = await RewriteAsync(Path.Combine(engine.DataPath, "cityops.db"), "PROBE-REASON-ORIGINAL", "PROBE-REASON-FORGED!!");
        await engine.StartAgainAsync();

        rewritten.Should().Be(1);
        using var http = await cases.AsAsync(CaseClient.Operator);
        var audit = await http.GetFromJsonAsync<JsonElement>($"/api/events/{id}/audit");
        audit.GetProperty("entries")[2].GetProperty("reason").GetString().Should().Be("PROBE-REASON-FORGED!!");
        var verification = audit.GetProperty("verification");
        verification.GetProperty("isValid").GetBoolean().Should().BeFalse();
        verification.GetProperty("index").GetInt32().Should().Be(2);
        verification.GetProperty("kind").GetString().Should().Be("contentChanged");
    }

    [Fact]
    public async Task A_case_reported_after_a_suspended_one_was_read_back_from_storage_starts_as_reported()
    {
        await using var engine = await Engine.StartAsync();
        var cases = new CaseClient(engine);
        var suspended = await cases.ReportAsync();
        await cases.MustActAsync(CaseClient.Operator, suspended, new { action = "register" });
        await cases.MustActAsync(CaseClient.Operator, suspended, new { action = "suspend", reason = "待汛期结束" });
        await engine.StopAsync();
        await engine.StartAgainAsync();
        (await cases.GetAsync(suspended)).GetProperty("state").GetString().Should().Be("suspended");

        var fresh = await cases.ReportAsync();

        (await cases.GetAsync(fresh)).GetProperty("state").GetString().Should().Be("reported");
    }

    /// <summary>Replaces text inside stored grain states, as someone with access to the database file could; returns the rows changed.</summary>
    private static async Task<int> RewriteAsync(string database, string original, string forged)
    {
        var (from, to) = (Encoding.UTF8.GetBytes(original), Encoding.UTF8.GetBytes(forged));
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        var rows = new List<(long RowId, byte[] Payload)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT rowid, PayloadBinary FROM OrleansStorage WHERE PayloadBinary IS NOT NULL";
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var payload = (byte[])reader[1];
                if (payload.AsSpan().IndexOf(from) >= 0)
                {
                    rows.Add((reader.GetInt64(0), payload));
                }
            }
        }

        foreach (var (rowId, payload) in rows)
        {
            var at = payload.AsSpan().IndexOf(from);
            to.CopyTo(payload, at);
            await using var write = connection.CreateCommand();
            write.CommandText = "UPDATE OrleansStorage SET PayloadBinary = $payload WHERE rowid = $rowId";
            write.Parameters.AddWithValue("$payload", payload);
            write.Parameters.AddWithValue("$rowId", rowId);
            await write.ExecuteNonQueryAsync();
        }

        return rows.Count;
    }
}
