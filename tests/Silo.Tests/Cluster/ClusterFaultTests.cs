using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using CityOps.Silo.Tests.Reliability;
using CityOps.Silo.Tests.Situation;
using Xunit.Abstractions;

namespace CityOps.Silo.Tests.Cluster;

/// <summary>
/// Faults of a cluster under steady simulated load, each on a cluster of real processes
/// (<see cref="LocalCluster"/>): one program is killed with SIGKILL and the test reads, through the
/// survivors, what a city would notice. Each prints what it observed.
/// </summary>
[Collection(ReliabilityTests.Name)]
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    private const int SimulatedDevices = 120;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>A smart pole the simulator runs (it takes the sample city's first devices of each kind), reporting every few seconds.</summary>
    private static DeviceRecord Pole => Engine.Devices.First(d => d.Kind == DeviceKind.SmartPole);

    [Fact]
    public async Task Devices_of_a_killed_gateway_reconnect_to_the_other_and_commands_reach_them_there()
    {
        await using var cluster = await LocalCluster.StartAsync("gateway-fault", silos: 2, gateways: 2, dashboards: 0, simulatedDevices: SimulatedDevices);
        var (first, second) = (cluster.Gateways[0], cluster.Gateways[1]);
        await EventuallyAsync(async () => await Connections(first) > 0 && await Connections(first) + await Connections(second) >= SimulatedDevices, "every device connected, some to each gateway");
        var before = (First: await Connections(first), Second: await Connections(second));

        var killed = Stopwatch.StartNew();
        await first.KillAsync();
        await EventuallyAsync(async () => await Connections(second) >= before.First + before.Second, "every device on the second gateway");
        var reconnected = killed.Elapsed;

        var pole = Pole;
        var silo = cluster.Silos[0];
        using var http = silo.Http(await silo.TokenAsync("operator"));
        var sent = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "setLight", args = new { level = 25 } });
        sent.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await EventuallyAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>($"/api/devices/{pole.Id}/commands")).EnumerateArray()
                .Any(c => c.GetProperty("id").GetString() == id && c.GetProperty("state").GetString() == "acknowledged"),
            $"the command acknowledged by {pole.Id} through the second gateway");
        var readingsAfter = await LocalCluster.MetricAsync(second, "cityops_gateway_messages_accepted_total", "channel=\"Telemetry\"");

        output.WriteLine($"devices before the kill: {before.First} on the first gateway, {before.Second} on the second");
        output.WriteLine($"all {before.First + before.Second} on the second gateway {reconnected.TotalSeconds:0.0} s after the kill");
        output.WriteLine($"command {id} to {pole.Id} acknowledged through the second gateway; it has accepted {readingsAfter:0} readings");
        readingsAfter.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Killing_a_silo_loses_no_acknowledged_case_and_the_hub_streams_on()
    {
        await using var cluster = await LocalCluster.StartAsync("silo-fault", silos: 2, gateways: 1, dashboards: 1, simulatedDevices: SimulatedDevices);
        var (survivor, victim, dashboard) = (cluster.Silos[0], cluster.Silos[1], cluster.Dashboards[0]);
        var token = await survivor.TokenAsync("operator");
        using var http = survivor.Http(token);
        await using var hub = await SituationClient.ConnectAsync(dashboard.BaseAddress, await dashboard.TokenAsync("operator"));
        await hub.SubscribeAsync(Pole.CellCode[..12]);
        await hub.NextAsync(f => f.Type == "Snapshot", "the community's snapshot");
        await hub.NextAsync(f => f.Type == "Delta" && f.NamesDevice(Pole.Id), $"a reading of {Pole.Id} on the hub");

        await using var reports = ReportLoad.Start(http);
        await EventuallyAsync(() => Task.FromResult(reports.Acknowledged.Count >= 10), "ten cases before the kill");

        var beforeKill = reports.Acknowledged.Count;
        var killed = Stopwatch.StartNew();
        await victim.KillAsync();
        await EventuallyAsync(() => Task.FromResult(reports.Acknowledged.Count >= beforeKill + 10), "ten more cases after the kill");
        var casesResumed = killed.Elapsed;
        var frameAfterKill = await hub.NextAsync(f => f.Type == "Delta" && f.NamesDevice(Pole.Id), $"a reading of {Pole.Id} on the hub after the kill");
        var hubResumed = killed.Elapsed;
        await reports.StopAsync();
        var lost = await reports.NotFoundAsync();

        output.WriteLine($"cases acknowledged: {reports.Acknowledged.Count} ({beforeKill} before the kill); requests answered with a failure and sent again: {reports.Failures}");
        output.WriteLine($"cases acknowledged again {casesResumed.TotalSeconds:0.0} s after the kill; a reading of {Pole.Id} on the hub by {hubResumed.TotalSeconds:0.0} s after it (looked for once cases resumed; frame seq {frameAfterKill.Seq})");
        output.WriteLine($"acknowledged cases not found through the survivor: {lost.Count}");
        lost.Should().BeEmpty();
    }

    [Fact]
    public async Task A_screen_whose_silo_is_killed_reconnects_to_another_and_gets_a_fresh_snapshot_with_every_case()
    {
        await using var cluster = await LocalCluster.StartAsync("hub-fault", silos: 2, gateways: 0, dashboards: 0, simulatedDevices: 0);
        var (survivor, victim) = (cluster.Silos[0], cluster.Silos[1]);
        using var http = survivor.Http(await survivor.TokenAsync("operator"));
        var load = new CityLoad();
        var report = load.NextReport();
        var before = await CityLoad.SendAsync(http, report);
        before.Status.Should().Be(HttpStatusCode.Created);
        var region = (await http.GetFromJsonAsync<JsonElement>($"/api/events/{before.Id}")).GetProperty("cellCode").GetString()![..6];
        var screen = await SituationClient.ConnectAsync(victim.BaseAddress, await victim.TokenAsync("operator"));
        var lost = new TaskCompletionSource();
        screen.Connection.Closed += _ =>
        {
            lost.TrySetResult();
            return Task.CompletedTask;
        };
        await screen.SubscribeAsync(region);
        (await screen.NextAsync(f => f.Type == "Snapshot", "the district's snapshot")).Items("events").Select(e => e.GetProperty("id").GetString()).Should().Contain(before.Id);

        var killed = Stopwatch.StartNew();
        await victim.KillAsync();
        await lost.Task.WaitAsync(Patience);
        var noticed = killed.Elapsed;
        await screen.DisposeAsync();

        // What a screen behind a load balancer does: connect again, to whichever node answers, and subscribe anew.
        // Until the cluster declares the killed silo dead, a request needing a grain that lived there fails (500);
        // the screen tries again, as the page does.
        string? token = null;
        await EventuallyAsync(
            async () =>
            {
                try
                {
                    token = await survivor.TokenAsync("operator");
                    return true;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return false;
                }
            },
            "a sign-in through the survivor");
        await using var again = await SituationClient.ConnectAsync(survivor.BaseAddress, token!);
        await again.SubscribeAsync(region);
        var snapshot = await again.NextAsync(f => f.Type == "Snapshot", "a fresh snapshot from the survivor");
        var resumed = killed.Elapsed;
        var next = load.NextReport() with { Location = report.Location };
        ReportAnswer after = default!;
        await EventuallyAsync(async () => (after = await CityLoad.SendAsync(http, next)).Status == HttpStatusCode.Created, "a report after the kill acknowledged");
        await again.NextAsync(f => f.Type == "Delta" && f.Items("events").Any(e => e.GetProperty("id").GetString() == after.Id), "a case reported after the kill, in a delta");

        output.WriteLine($"the screen lost its connection {noticed.TotalSeconds:0.0} s after the kill and had a fresh snapshot from the survivor {resumed.TotalSeconds:0.0} s after it, holding case {before.Id}; case {after.Id}, reported after the kill, arrived in a delta");
        snapshot.Items("events").Select(e => e.GetProperty("id").GetString()).Should().Contain(before.Id);
    }

    [Fact]
    public async Task Deadlines_of_cases_still_fire_after_a_silo_is_killed()
    {
        const int Cases = 8;
        var city = CityWithOneMinuteLimits();
        try
        {
            await using var cluster = await LocalCluster.StartAsync(
                "deadline-fault", silos: 2, gateways: 0, dashboards: 0, simulatedDevices: 0, new Dictionary<string, string?> { ["City__Path"] = city });
            var (survivor, victim) = (cluster.Silos[0], cluster.Silos[1]);
            using var http = survivor.Http(await survivor.TokenAsync("operator"));
            var load = new CityLoad();
            var cases = new List<(string Id, DateTimeOffset Deadline)>();
            while (cases.Count < Cases)
            {
                var answer = await CityLoad.SendAsync(http, load.NextReport());
                if (answer is { Status: HttpStatusCode.Created, Id: { } id, Merged: false })
                {
                    var read = await http.GetFromJsonAsync<JsonElement>($"/api/events/{id}");
                    cases.Add((id, read.GetProperty("deadline").GetDateTimeOffset()));
                }
            }

            // Each case's reminder lives on one of the two silos; killed before any deadline, the victim's
            // reminders must be taken over by the survivor.
            cases.Should().OnlyContain(c => c.Deadline > DateTimeOffset.UtcNow, "the kill comes before the deadlines");
            await victim.KillAsync();
            var killedAt = DateTimeOffset.UtcNow;

            var escalated = new Dictionary<string, DateTimeOffset>();
            await EventuallyAsync(
                async () =>
                {
                    foreach (var (id, _) in cases.Where(c => !escalated.ContainsKey(c.Id)))
                    {
                        var read = await http.GetFromJsonAsync<JsonElement>($"/api/events/{id}");
                        if (read.GetProperty("escalation").GetString() != "none")
                        {
                            escalated[id] = DateTimeOffset.UtcNow;
                        }
                    }

                    return escalated.Count == Cases;
                },
                $"all {Cases} cases escalated (督办) after their deadlines",
                TimeSpan.FromMinutes(4));

            foreach (var (id, deadline) in cases)
            {
                output.WriteLine($"{id}: deadline {(deadline - killedAt).TotalSeconds:0} s after the kill, seen escalated {(escalated[id] - deadline).TotalSeconds:0} s after it");
            }

            escalated.Should().HaveCount(Cases);
        }
        finally
        {
            Directory.Delete(city, recursive: true);
        }
    }

    [Fact]
    public async Task A_grid_imported_through_one_node_is_the_grid_of_every_node()
    {
        await using var cluster = await LocalCluster.StartAsync("grid-shared", silos: 2, gateways: 0, dashboards: 1, simulatedDevices: 0);
        var regions = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Engine.CityPath, "regions.geojson")))!;
        var cells = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Engine.CityPath, "cells.geojson")))!;
        regions["features"]!.AsArray().Single(f => (string?)f!["properties"]!["code"] == "990101")!["properties"]!["name"] = "江北新区";
        var importer = cluster.Silos[0];
        using (var admin = importer.Http(await importer.TokenAsync("admin")))
        {
            (await admin.PostAsJsonAsync("/api/grid/import", new { regions, cells })).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var imported = Stopwatch.StartNew();
        foreach (var node in new[] { cluster.Silos[1], cluster.Dashboards[0] })
        {
            using var http = node.Http(await node.TokenAsync("operator"));
            await EventuallyAsync(
                async () => (await http.GetFromJsonAsync<JsonElement>("/api/regions/990101")).GetProperty("name").GetString() == "江北新区",
                "the imported district name on the other nodes");
        }

        output.WriteLine($"the second silo and the dashboard host serve the imported grid {imported.Elapsed.TotalSeconds:0.0} s after the import through the first silo");
    }

    /// <summary>A copy of the sample city whose categories allow one minute for every stage, so deadlines pass within a test.</summary>
    private static string CityWithOneMinuteLimits()
    {
        var city = Path.Combine(Path.GetTempPath(), $"cityops-city-{Guid.NewGuid():N}");
        Directory.CreateDirectory(city);
        foreach (var file in Directory.GetFiles(Engine.CityPath))
        {
            File.Copy(file, Path.Combine(city, Path.GetFileName(file)));
        }

        var catalogue = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(city, "catalogue.json")))!.AsArray();
        foreach (var category in catalogue)
        {
            var limits = category!["limits"]!.AsObject();
            foreach (var stage in limits.Select(l => l.Key).ToList())
            {
                limits[stage] = 1;
            }
        }

        File.WriteAllText(Path.Combine(city, "catalogue.json"), catalogue.ToJsonString());
        return city;
    }

    [Fact]
    public async Task A_silo_stopped_gracefully_under_load_hands_its_work_over_with_no_failure_seen_by_clients()
    {
        await using var cluster = await LocalCluster.StartAsync("silo-drain", silos: 2, gateways: 1, dashboards: 0, simulatedDevices: SimulatedDevices);
        var (survivor, leaving) = (cluster.Silos[0], cluster.Silos[1]);
        using var http = survivor.Http(await survivor.TokenAsync("operator"));
        await using var reports = ReportLoad.Start(http);
        await EventuallyAsync(() => Task.FromResult(reports.Acknowledged.Count >= 10), "ten cases before the stop");

        var beforeStop = reports.Acknowledged.Count;
        var stopped = await leaving.StopAsync(TimeSpan.FromMinutes(2));
        await EventuallyAsync(() => Task.FromResult(reports.Acknowledged.Count >= beforeStop + 10), "ten more cases after the stop");
        await reports.StopAsync();
        var lost = await reports.NotFoundAsync();

        output.WriteLine($"silo stopped in {stopped.Elapsed.TotalSeconds:0.0} s with exit code {stopped.ExitCode}");
        output.WriteLine($"cases acknowledged: {reports.Acknowledged.Count} ({beforeStop} before the stop); failed answers: {reports.Failures} ({reports.FailuresSeen}); not found after: {lost.Count}");
        stopped.ExitCode.Should().Be(0);
        reports.Failures.Should().Be(0);
        lost.Should().BeEmpty();
    }

    [Fact]
    public async Task A_database_restarted_underneath_is_survived_and_requests_meanwhile_fail_within_a_timeout()
    {
        await using var cluster = await LocalCluster.StartAsync("database-restart", silos: 1, gateways: 1, dashboards: 0, simulatedDevices: SimulatedDevices);
        var silo = cluster.Silos[0];
        using var http = silo.Http(await silo.TokenAsync("operator"));
        await using var reports = ReportLoad.Start(http);
        await EventuallyAsync(() => Task.FromResult(reports.Acknowledged.Count >= 10), "ten cases before the outage");

        var answers = new List<(int? Status, TimeSpan Took)>();
        HttpResponseMessage signInDuringOutage;
        using (var patient = silo.Http(await silo.TokenAsync("operator")))
        {
            await PostgresServer.StopAsync();
            patient.Timeout = TimeSpan.FromSeconds(90);
            var user = Engine.Users.First(u => u.Roles.Contains("operator"));
            signInDuringOutage = await patient.PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = user.Password });
            var outage = Stopwatch.StartNew();
            var load = new CityLoad();
            while (outage.Elapsed < TimeSpan.FromSeconds(20))
            {
                var took = Stopwatch.StartNew();
                try
                {
                    var answer = await CityLoad.SendAsync(patient, load.NextReport());
                    answers.Add(((int)answer.Status, took.Elapsed));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    answers.Add((null, took.Elapsed));
                }
            }
        }

        var restarted = Stopwatch.StartNew();
        await PostgresServer.StartAsync();
        var beforeBack = reports.Acknowledged.Count;
        await EventuallyAsync(() => Task.FromResult(reports.Acknowledged.Count >= beforeBack + 10), "ten more cases after the database came back");
        var recovered = restarted.Elapsed;
        await reports.StopAsync();

        // A report admitted during the outage whose case could not be opened, and that its reporter gave up on, is
        // opened by its district's index within Events:UnopenedRetry (30 s); reports folded into it as duplicates
        // were told its number meanwhile.
        var notYetOpen = await reports.NotFoundAsync();
        var lost = notYetOpen;
        var sinceCheck = Stopwatch.StartNew();
        while (lost.Count > 0 && sinceCheck.Elapsed < Patience)
        {
            await Task.Delay(1000);
            lost = await reports.NotFoundAsync();
        }

        output.WriteLine($"during the 20 s outage: {answers.Count} reports answered {string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Count()} × {g.Key?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"}"))}; slowest answer {answers.Max(a => a.Took).TotalSeconds:0.0} s");
        output.WriteLine($"cases acknowledged again {recovered.TotalSeconds:0.0} s after the database started; acknowledged in all {reports.Acknowledged.Count}");
        output.WriteLine($"acknowledged cases not open yet when the load stopped: {notYetOpen.Count} (their reports folded into cases admitted during the outage); not found {sinceCheck.Elapsed.TotalSeconds:0} s later: {lost.Count}");
        answers.Should().OnlyContain(a => a.Status != null, "every request during the outage is answered, none left hanging");
        answers.Should().OnlyContain(a => a.Took < TimeSpan.FromSeconds(35), "a request during the outage fails within the engine's own timeouts");
        answers.Should().NotContain(a => a.Status == 500, "a report the engine could not take for want of its database is a 503 to send again");
        signInDuringOutage.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "a sign-in that cannot be recorded is to be tried again");
        signInDuringOutage.Headers.RetryAfter.Should().NotBeNull();
        lost.Should().BeEmpty();
    }

    private static Task<double> Connections(EngineProcess gateway) => LocalCluster.MetricAsync(gateway, "cityops_gateway_connections_open");

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (patience ?? Patience))
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A program between states; ask again.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"Not within {(patience ?? Patience).TotalSeconds:0} s: {what}.");
    }

    /// <summary>
    /// Reports posted one after another through a silo's API, each with its idempotency key; a failed
    /// answer (an error status or none) is counted and the report sent again, as a client would, until
    /// the load stops.
    /// </summary>
    private sealed class ReportLoad : IAsyncDisposable
    {
        private readonly HttpClient _http;
        private readonly CityLoad _load = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private readonly ConcurrentQueue<string> _failures = new();

        private ReportLoad(HttpClient http) => _http = http;

        public ConcurrentBag<string> Acknowledged { get; } = [];

        public int Failures => _failures.Count;

        /// <summary>Each failed answer: its status, or the exception when there was none.</summary>
        public string FailuresSeen => string.Join("; ", _failures);

        public static ReportLoad Start(HttpClient http)
        {
            var load = new ReportLoad(http);
            load._loop = Task.Run(load.RunAsync);
            return load;
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        /// <summary>The acknowledged cases that the API does not find, with its answer.</summary>
        public async Task<List<string>> NotFoundAsync()
        {
            var lost = new List<string>();
            foreach (var caseId in Acknowledged)
            {
                using var response = await _http.GetAsync(new Uri($"/api/events/{caseId}", UriKind.Relative));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    lost.Add($"{caseId} ({(int)response.StatusCode})");
                }
            }

            return lost;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var report = _load.NextReport();
                for (var attempt = 0; attempt < 20 && !_stop.IsCancellationRequested; attempt++)
                {
                    try
                    {
                        var answer = await CityLoad.SendAsync(_http, report);
                        if (answer is { Status: HttpStatusCode.Created or HttpStatusCode.OK, Id: { } caseId })
                        {
                            Acknowledged.Add(caseId);
                            break;
                        }

                        _failures.Enqueue($"{(int)answer.Status} {answer.Problem}");
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // Answered nothing: not acknowledged; sent again below.
                        _failures.Enqueue(e.GetType().Name);
                    }

                    await Task.Delay(500);
                }
            }
        }
    }

    /// <summary>The test PostgreSQL server of scripts/services.sh, stopped and started underneath the engine (CITYOPS_TEST_PG_CTL).</summary>
    private static class PostgresServer
    {
        public static Task StopAsync() => RunAsync("stop", "-m", "fast", "-w");

        /// <summary>Starts the server again; this test process's pooled connections died with the old one, so they go too.</summary>
        public static async Task StartAsync()
        {
            await RunAsync("start", "-w");
            Npgsql.NpgsqlConnection.ClearAllPools();
        }

        private static async Task RunAsync(params string[] arguments)
        {
            var command = Environment.GetEnvironmentVariable("CITYOPS_TEST_PG_CTL") is { Length: > 0 } set
                ? set.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                : throw new InvalidOperationException("CITYOPS_TEST_PG_CTL is not set: run the tests with ./scripts/test.sh, which starts the PostgreSQL server and says how to restart it.");
            var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in command.Skip(1).Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
            }
        }
    }
}
