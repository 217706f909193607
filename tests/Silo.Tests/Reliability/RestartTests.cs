using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using FluentAssertions.Execution;
using MQTTnet;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace CityOps.Silo.Tests.Reliability;

/// <summary>Standing alarms and the grid cells that count them across a graceful stop (SIGTERM) and a start on the same data.</summary>
[Collection(ReliabilityTests.Name)]
[Trait("Category", "Reliability")]
public class RestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cells_holding_devices_with_standing_alarms_read_back_with_the_same_counts_after_a_restart()
    {
        // Only the test's devices speak, so nothing else moves the counts.
        await using var engine = new EngineProcess("restart");
        await engine.StartAsync();

        // Two poles sharing a cell, two more elsewhere, and a water-level sensor in a cell of its own.
        var poles = Engine.Devices.Where(d => d.Kind == DeviceKind.SmartPole && d.Modules?.Contains("sos") == true).ToList();
        var shared = poles.GroupBy(p => p.CellCode).First(g => g.Count() >= 2).Take(2).ToList();
        var others = poles.Where(p => p.CellCode != shared[0].CellCode).DistinctBy(p => p.CellCode).Take(2).ToList();
        var pressed = shared.Concat(others).ToList();
        var sensor = Engine.Devices.First(d => d.Kind == DeviceKind.WaterLevel && pressed.TrueForAll(p => p.CellCode != d.CellCode));
        var devices = pressed.Append(sensor).ToList();
        foreach (var pole in pressed)
        {
            using var client = await engine.ConnectDeviceAsync(pole);
            (await CityLoad.PublishSosAsync(client, pole)).Should().BeTrue($"{pole.Id}'s SOS is acknowledged");
        }

        using (var client = await engine.ConnectDeviceAsync(sensor))
        {
            var breach = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"city/{sensor.Id}/telemetry")
                .WithPayload(Encoding.UTF8.GetBytes("""{"values":{"waterLevelCm":31}}"""))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            breach.IsSuccess.Should().BeTrue("the water-level reading is acknowledged");
        }

        var token = await engine.TokenAsync("operator");
        using (var http = engine.Http(token))
        {
            await CaseClient.EventuallyAsync(async () =>
                (await Task.WhenAll(devices.Select(d => ReadAsync(http, $"/api/devices/{d.Id}"))))
                    .All(r => r.Body is { } body && body.GetProperty("alarms").GetArrayLength() > 0));
        }

        var before = await ReadAllAsync(engine, token, devices);
        Print("before", before);
        before.Cells[shared[0].CellCode].GetProperty("situation").GetProperty("alarms").GetProperty("critical").GetInt32()
            .Should().BeGreaterThanOrEqualTo(2, "both poles of the shared cell have a standing SOS");

        var stopped = await engine.StopAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"SIGTERM to exit took {stopped.Elapsed.TotalSeconds:0.0} s, exit code {stopped.ExitCode?.ToString() ?? "none (killed)"}");
        await engine.StartAsync();
        var after = await ReadAllAsync(engine, await engine.TokenAsync("operator"), devices);
        Print("after", after);

        using var all = new AssertionScope();
        foreach (var (cell, situation) in before.Cells)
        {
            after.Status[$"cell {cell}"].Should().Be(HttpStatusCode.OK, $"GET /api/grid/cells/{cell} answers after the restart");
            if (after.Cells.TryGetValue(cell, out var again))
            {
                Alarms(again).Should().Be(Alarms(situation), $"cell {cell} counts the same standing alarms after the restart");
            }
        }

        foreach (var (id, twin) in before.Devices)
        {
            after.Status[$"device {id}"].Should().Be(HttpStatusCode.OK, $"GET /api/devices/{id} answers after the restart");
            if (after.Devices.TryGetValue(id, out var again))
            {
                again.GetProperty("alarms").GetRawText().Should().Be(twin.GetProperty("alarms").GetRawText(), $"device {id} has the same standing alarms after the restart");
            }
        }
    }

    private sealed record Reading(Dictionary<string, JsonElement> Cells, Dictionary<string, JsonElement> Devices, Dictionary<string, HttpStatusCode> Status);

    private static async Task<Reading> ReadAllAsync(EngineProcess engine, string token, List<DeviceRecord> devices)
    {
        using var http = engine.Http(token);
        var reading = new Reading([], [], []);
        foreach (var cell in devices.Select(d => d.CellCode).Distinct())
        {
            var (status, body) = await ReadAsync(http, $"/api/grid/cells/{cell}");
            reading.Status[$"cell {cell}"] = status;
            if (body is { } found)
            {
                reading.Cells[cell] = found;
            }
        }

        foreach (var device in devices)
        {
            var (status, body) = await ReadAsync(http, $"/api/devices/{device.Id}");
            reading.Status[$"device {device.Id}"] = status;
            if (body is { } found)
            {
                reading.Devices[device.Id] = found;
            }
        }

        return reading;
    }

    private static async Task<(HttpStatusCode Status, JsonElement? Body)> ReadAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null);
    }

    /// <summary>A cell's alarm counts by severity, as the API spells them.</summary>
    private static string Alarms(JsonElement cell) => cell.GetProperty("situation").GetProperty("alarms").GetRawText();

    private void Print(string when, Reading reading)
    {
        foreach (var (cell, body) in reading.Cells)
        {
            output.WriteLine($"{when}: cell {cell} alarms {Alarms(body)}");
        }

        foreach (var (id, body) in reading.Devices)
        {
            output.WriteLine($"{when}: device {id} alarms {body.GetProperty("alarms").GetRawText()}");
        }

        foreach (var (what, status) in reading.Status.Where(s => s.Value != HttpStatusCode.OK))
        {
            output.WriteLine($"{when}: {what} answered {(int)status}");
        }
    }
}
