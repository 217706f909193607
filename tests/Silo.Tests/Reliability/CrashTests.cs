using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using FluentAssertions.Execution;
using MQTTnet;
using Xunit.Abstractions;

// Over 400 lines on purpose: one scenario (load, kill, restart, check every promise of docs/reliability.md)
// whose checks read the same ledger of what was acknowledged; split, each part would repeat the ledger.

namespace CityOps.Silo.Tests.Reliability;

/// <summary>
/// The engine killed (SIGKILL) at a random moment while the simulator's devices, reports, case
/// actions and SOS alarms keep it busy, then started again on the same data: whatever it
/// acknowledged before dying must be there, once.
/// </summary>
[Collection(ReliabilityTests.Name)]
[Trait("Category", "Reliability")]
public class CrashTests(ITestOutputHelper output)
{
    private const int Iterations = 4;
    private const int ReportWorkers = 2;
    private const int CaseListLimit = 1000;
    private const int VerifyParallelism = 6;

    private static readonly TimeSpan AlarmPause = TimeSpan.FromMilliseconds(150);

    /// <summary>How long after the last restart the case index and the SOS cases may take to be complete.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_acknowledged_report_and_alarm_has_exactly_one_case_after_a_crash()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var load = new CityLoad();
        var reports = new List<ReportItem>();
        var alarms = new List<AlarmItem>();
        var findings = new Findings();
        var test = Stopwatch.StartNew();

        await using var engine = new EngineProcess("crash", new Dictionary<string, string?> { ["Simulator__Enabled"] = "true" });
        await engine.StartAsync();
        output.WriteLine($"engine started in {test.Elapsed.TotalSeconds:0.0} s (pid {engine.ProcessId}, log {engine.LogFile})");

        for (var iteration = 1; iteration <= Iterations; iteration++)
        {
            var round = new Round();
            var loadFor = TimeSpan.FromMilliseconds(random.Next(3000, 8001));
            var token = await engine.TokenAsync("operator");
            TimeSpan killTook;
            using (var http = engine.Http(token))
            using (var stop = new CancellationTokenSource())
            {
                var work = new List<Task>();
                for (var w = 0; w < ReportWorkers; w++)
                {
                    work.Add(Task.Run(() => ReportLoopAsync(http, load, round, stop.Token)));
                }

                work.Add(Task.Run(() => ActionLoopAsync(http, round, stop.Token)));
                work.Add(Task.Run(() => AlarmLoopAsync(engine, load, round, stop.Token)));
                await Task.Delay(loadFor);

                // No new request starts after this; those in flight meet the kill.
                await stop.CancelAsync();
                killTook = await engine.KillAsync();
                await Task.WhenAll(work);
            }

            var restart = Stopwatch.StartNew();
            await engine.StartAsync();
            restart.Stop();
            token = await engine.TokenAsync("operator");
            using (var http = engine.Http(token))
            {
                await ResendAsync(http, round);
                foreach (var item in round.Reports.Where(r => r.ResendProblem is not null))
                {
                    findings.Add(Findings.ResendRefused, $"{item.Report.Key} ({item.Report.Category}): re-sent after the restart, {item.ResendProblem}");
                }

                reports.AddRange(round.Reports);
                alarms.AddRange(round.Alarms);
                var found = await VerifyReportsAsync(http, round.Reports.Where(r => r.Id is not null).ToList(), round.Registered, findings);

                // Counted here for the record; asserted once, after the last restart.
                var indexed = await VerifyIndexAsync(http, reports.Where(r => r.Id is not null).ToList(), new Findings());
                var sos = await VerifyAlarmsAsync(http, alarms, new Findings());
                output.WriteLine(
                    $"iteration {iteration}: killed after {loadFor.TotalSeconds:0.0} s of load (kill took {killTook.TotalMilliseconds:0} ms), restarted in {restart.Elapsed.TotalSeconds:0.0} s; " +
                    $"reports sent {round.Reports.Count}, acked {round.Reports.Count(r => r.AckedBeforeKill)}, unanswered {round.Reports.Count(r => r.Unanswered)}, " +
                    $"other answers [{string.Join(", ", round.Reports.Where(r => r.Refused is not null).GroupBy(r => r.Refused).Select(g => $"{(int)g.Key!.Value}×{g.Count()}"))}], " +
                    $"re-sent and acked {round.Reports.Count(r => r.Resent && r.Id is not null)} ({round.Reports.Count(r => r.Merged)} of all acks merged); " +
                    $"alarms sent {round.Alarms.Count(a => a.Sent)}, PUBACKed {round.Alarms.Count(a => a.Acked)}, not connected {round.Alarms.Count(a => !a.Sent)}, " +
                    $"failures [{string.Join(" | ", round.Alarms.Where(a => a.Failure is not null).GroupBy(a => (a.Sent, a.Failure)).Select(g => $"{g.Count()}× {(g.Key.Sent ? "publishing" : "connecting")}: {g.Key.Failure}"))}]; " +
                    $"register actions sent {round.ActionsSent}, acked {round.Registered.Count}; " +
                    $"cases found: {found} of {round.Reports.Count(r => r.Id is not null)} acked reports, {indexed} of {reports.Count(r => r.Id is not null)} in the index, " +
                    $"{sos.Cases} SOS cases holding {sos.Entries} report entries of {alarms.Count(a => a.Sent)} poles pressed so far");
            }
        }

        // The index and the alarms' handoffs may be put right in the background after a start: give them a moment.
        using (var http = engine.Http(await engine.TokenAsync("operator")))
        {
            var settle = Stopwatch.StartNew();
            Findings late;
            do
            {
                late = new Findings();
                await VerifyIndexAsync(http, reports.Where(r => r.Id is not null).ToList(), late);
                await VerifyAlarmsAsync(http, alarms, late);
            }
            while (!late.IsEmpty && settle.Elapsed < SettleTime && await Delay(TimeSpan.FromSeconds(1)));

            findings.Add(late);
            output.WriteLine($"index and SOS cases checked for {settle.Elapsed.TotalSeconds:0.0} s after the last restart");
        }

        output.WriteLine($"test took {test.Elapsed.TotalSeconds:0.0} s");
        findings.Print(output);
        using (new AssertionScope())
        {
            reports.Where(r => r.Id is not null).Should().NotBeEmpty("the engine acknowledged no report at all, so nothing was tested");
            alarms.Where(a => a.Acked).Should().NotBeEmpty("the engine acknowledged no alarm at all, so nothing was tested");
            findings.AssertNone();
        }
    }

    /// <summary>Reports one after another until told to stop; the engine's death ends the one in flight.</summary>
    private static async Task ReportLoopAsync(HttpClient http, CityLoad load, Round round, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var item = new ReportItem(load.NextReport());
            round.Add(item);
            try
            {
                // Not cancelled by stop: a request in flight ends with the engine, as a real client's would.
                var answer = await CityLoad.SendAsync(http, item.Report, CancellationToken.None);
                if (answer.Status == HttpStatusCode.Created)
                {
                    item.Acknowledge(answer);
                    item.AckedBeforeKill = true;
                    if (!answer.Merged)
                    {
                        round.ToRegister.Enqueue(item);
                    }
                }
                else
                {
                    item.Refused = answer.Status;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                item.Unanswered = true;
            }
        }
    }

    /// <summary>Registers acknowledged reports as the operator, keeping those the engine acknowledged (200).</summary>
    private static async Task ActionLoopAsync(HttpClient http, Round round, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!round.ToRegister.TryDequeue(out var item))
            {
                await Task.Delay(20, CancellationToken.None);
                continue;
            }

            Interlocked.Increment(ref round.ActionsSent);
            try
            {
                using var response = await http.PostAsJsonAsync($"/api/events/{item.Id}/actions", new { action = "register" }, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    round.Registered.Add(item.Id!);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // Unanswered: it may or may not have been taken; nothing is asserted of it.
            }
        }
    }

    /// <summary>Presses SOS on one fresh pole after another, each over its own MQTT connection.</summary>
    private static async Task AlarmLoopAsync(EngineProcess engine, CityLoad load, Round round, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (load.TryNextPole() is not { } pole)
            {
                return;
            }

            var alarm = new AlarmItem(pole);
            round.Add(alarm);
            try
            {
                using var client = await engine.ConnectDeviceAsync(alarm.Pole, CancellationToken.None);
                alarm.Sent = true;
                alarm.Acked = await CityLoad.PublishSosAsync(client, alarm.Pole, CancellationToken.None);
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The connection died with the engine; a PUBACK already received stands.
                alarm.Failure = $"{e.GetType().Name}: {e.Message}";
                if (!alarm.Sent)
                {
                    // Refused before publishing: wait rather than use up every pole in a moment.
                    await Task.Delay(250, CancellationToken.None);
                }
            }

            // A steady trickle: a fast engine would otherwise use up the city's poles in one iteration.
            await Task.Delay(AlarmPause, CancellationToken.None);
        }
    }

    /// <summary>Sends again, with their original keys, the reports the engine never acknowledged.</summary>
    private static async Task ResendAsync(HttpClient http, Round round)
    {
        await Parallel.ForEachAsync(
            round.Reports.Where(r => r.Id is null),
            new ParallelOptions { MaxDegreeOfParallelism = VerifyParallelism },
            async (item, ct) =>
            {
                item.Resent = true;
                try
                {
                    var answer = await CityLoad.SendAsync(http, item.Report, ct);
                    if (answer.Status == HttpStatusCode.Created)
                    {
                        item.Acknowledge(answer);
                    }
                    else
                    {
                        item.ResendProblem = $"answered {(int)answer.Status}";
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    item.ResendProblem = $"{e.GetType().Name}: {e.Message}";
                }
            });
    }

    /// <summary>
    /// Each acknowledged report: its case answers, replaying its key names the same case and counts
    /// nothing, an acknowledged registration is in the timeline, the audit chain verifies.
    /// Returns how many cases were found.
    /// </summary>
    private static async Task<int> VerifyReportsAsync(HttpClient http, List<ReportItem> acked, ConcurrentBag<string> registered, Findings findings)
    {
        var found = 0;
        await Parallel.ForEachAsync(acked, new ParallelOptions { MaxDegreeOfParallelism = VerifyParallelism }, async (item, ct) =>
        {
            var what = $"{item.Report.Key} ({item.Report.Category}) → {item.Id}";

            var before = await GetCaseAsync(http, item.Id!);
            if (before is null)
            {
                findings.Add(Findings.CaseMissing, $"{what}: acknowledged{(item.AckedBeforeKill ? " before the kill" : " after the restart")}{(item.Merged ? " as merged" : "")}, GET /api/events/{item.Id} is not 200");
                return;
            }

            Interlocked.Increment(ref found);
            item.State = before.Value.GetProperty("state").GetString();
            var replay = await CityLoad.SendAsync(http, item.Report, ct);
            if (!((int)replay.Status is >= 200 and < 300) || replay.Id != item.Id)
            {
                findings.Add(Findings.ReplayNewCase, $"{what}: replaying the key answered {(int)replay.Status} with {replay.Id ?? "no case"}");
            }

            var after = await GetCaseAsync(http, item.Id!);
            var (countBefore, countAfter) = (before.Value.GetProperty("reports").GetInt32(), after?.GetProperty("reports").GetInt32());
            if (countAfter != countBefore)
            {
                findings.Add(Findings.ReplayCounted, $"{what}: replaying the key changed the case's reports from {countBefore} to {countAfter?.ToString() ?? "(unreadable)"}");
            }

            if (registered.Contains(item.Id!) && !before.Value.GetProperty("timeline").EnumerateArray().Any(e =>
                e.GetProperty("action").GetString() == "register" && e.GetProperty("actor").GetString() == "operator"))
            {
                findings.Add(Findings.ActionLost, $"{what}: the acknowledged register is not in the timeline (state {item.State})");
            }

            using var verify = await http.PostAsync(new Uri($"/api/events/{item.Id}/audit/verify", UriKind.Relative), null, ct);
            var verification = await verify.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (verify.StatusCode != HttpStatusCode.OK || !verification.GetProperty("isValid").GetBoolean())
            {
                findings.Add(Findings.AuditBroken, $"{what}: audit verify answered {(int)verify.StatusCode} {verification}");
            }
        });
        return found;
    }

    /// <summary>
    /// The case index (GET /api/events) lists each acknowledged report's case, in the state the
    /// case itself is in, and no second case with that report's description. Returns how many it lists.
    /// </summary>
    private static async Task<int> VerifyIndexAsync(HttpClient http, List<ReportItem> acked, Findings findings)
    {
        var listed = 0;
        foreach (var category in acked.GroupBy(r => r.Report.Category))
        {
            var cases = await http.GetFromJsonAsync<JsonElement>($"/api/events?category={category.Key}&limit={CaseListLimit}");
            var byDescription = cases.EnumerateArray().ToLookup(c => c.GetProperty("description").GetString());
            foreach (var item in category)
            {
                var what = $"{item.Report.Key} ({item.Report.Category}) → {item.Id}";
                var same = byDescription[item.Report.Description].ToList();
                if (same.Count > 1)
                {
                    findings.Add(Findings.DuplicateCases, $"{what}: the index lists {same.Count} cases of this one report: {string.Join(", ", same.Select(c => c.GetProperty("id").GetString()))}");
                }

                var mine = same.FirstOrDefault(c => c.GetProperty("id").GetString() == item.Id);
                if (mine.ValueKind != JsonValueKind.Object)
                {
                    findings.Add(Findings.NotIndexed, $"{what}: not in GET /api/events?category={category.Key}");
                    continue;
                }

                listed++;
                if (item.State is { } state && mine.GetProperty("state").GetString() != state)
                {
                    findings.Add(Findings.IndexStale, $"{what}: the index says {mine.GetProperty("state").GetString()}, the case {state}");
                }
            }
        }

        return listed;
    }

    /// <summary>
    /// Counts, over the audit trails of every SOS case in the index, the report entries each pole
    /// made: one for an acknowledged alarm, at most one for any alarm.
    /// </summary>
    private static async Task<(int Cases, int Entries)> VerifyAlarmsAsync(HttpClient http, List<AlarmItem> alarms, Findings findings)
    {
        var poles = alarms.Where(a => a.Sent).ToDictionary(a => a.Pole.Id);
        var cases = await http.GetFromJsonAsync<JsonElement>($"/api/events?category={CityLoad.SosCategory}&limit={CaseListLimit}");
        var entries = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        await Parallel.ForEachAsync(cases.EnumerateArray().Select(c => c.GetProperty("id").GetString()!), new ParallelOptions { MaxDegreeOfParallelism = VerifyParallelism }, async (id, ct) =>
        {
            var audit = await http.GetFromJsonAsync<JsonElement>($"/api/events/{id}/audit", ct);
            foreach (var entry in audit.GetProperty("entries").EnumerateArray())
            {
                if (entry.GetProperty("action").GetString() == "report" && entry.GetProperty("actor").GetString() is { } actor && poles.ContainsKey(actor))
                {
                    // The entry's time and details say which report it was, should a pole have more than one.
                    entries.GetOrAdd(actor, _ => []).Add($"{id} at {entry.GetProperty("at")} seq {entry.GetProperty("sequence")} {entry.GetProperty("details")}");
                }
            }

            if (!audit.GetProperty("verification").GetProperty("isValid").GetBoolean())
            {
                findings.Add(Findings.AuditBroken, $"SOS case {id}: {audit.GetProperty("verification")}");
            }
        });

        foreach (var alarm in poles.Values)
        {
            var on = entries.TryGetValue(alarm.Pole.Id, out var ids) ? ids.Order(StringComparer.Ordinal).ToList() : [];
            if (alarm.Acked && on.Count != 1)
            {
                findings.Add(Findings.AlarmCases, $"{alarm.Pole.Id}: SOS PUBACKed, {on.Count} report entries in SOS cases [{string.Join(", ", on)}]");
            }
            else if (!alarm.Acked && on.Count > 1)
            {
                findings.Add(Findings.AlarmCases, $"{alarm.Pole.Id}: SOS not PUBACKed, {on.Count} report entries in SOS cases [{string.Join(", ", on)}]");
            }
        }

        return (cases.GetArrayLength(), entries.Values.Sum(e => e.Count));
    }

    private static async Task<bool> Delay(TimeSpan delay)
    {
        await Task.Delay(delay);
        return true;
    }

    private static async Task<JsonElement?> GetCaseAsync(HttpClient http, string id)
    {
        using var response = await http.GetAsync(new Uri($"/api/events/{id}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private sealed class ReportItem(PlannedReport report)
    {
        public PlannedReport Report { get; } = report;

        public string? Id { get; private set; }

        public bool Merged { get; private set; }

        public bool AckedBeforeKill { get; set; }

        public bool Unanswered { get; set; }

        public HttpStatusCode? Refused { get; set; }

        public bool Resent { get; set; }

        /// <summary>Why re-sending it after the restart did not get it acknowledged.</summary>
        public string? ResendProblem { get; set; }

        /// <summary>The case's state as read back after the restart.</summary>
        public string? State { get; set; }

        public void Acknowledge(ReportAnswer answer) => (Id, Merged) = (answer.Id, answer.Merged);
    }

    private sealed class AlarmItem(DeviceRecord pole)
    {
        public DeviceRecord Pole { get; } = pole;

        /// <summary>The publish was attempted on an open connection.</summary>
        public bool Sent { get; set; }

        public bool Acked { get; set; }

        public string? Failure { get; set; }
    }

    /// <summary>What one iteration sent before the kill.</summary>
    private sealed class Round
    {
        private readonly object _gate = new();
        private readonly List<ReportItem> _reports = [];
        private readonly List<AlarmItem> _alarms = [];

        public int ActionsSent;

        public ConcurrentQueue<ReportItem> ToRegister { get; } = new();

        public ConcurrentBag<string> Registered { get; } = [];

        public IReadOnlyList<ReportItem> Reports
        {
            get
            {
                lock (_gate)
                {
                    return [.. _reports];
                }
            }
        }

        public IReadOnlyList<AlarmItem> Alarms
        {
            get
            {
                lock (_gate)
                {
                    return [.. _alarms];
                }
            }
        }

        public void Add(ReportItem item)
        {
            lock (_gate)
            {
                _reports.Add(item);
            }
        }

        public void Add(AlarmItem item)
        {
            lock (_gate)
            {
                _alarms.Add(item);
            }
        }
    }

    /// <summary>Broken promises found along the way, by kind, asserted together at the end so one run shows them all.</summary>
    private sealed class Findings
    {
        public const string CaseMissing = "an acknowledged report has a case";
        public const string ReplayNewCase = "replaying an acknowledged report's Idempotency-Key names the same case";
        public const string ReplayCounted = "replaying an acknowledged report's Idempotency-Key counts no further report";
        public const string ResendRefused = "an unanswered report re-sent with its key after the restart is acknowledged";
        public const string ActionLost = "an acknowledged register action is in the case's timeline";
        public const string AlarmCases = "a PUBACKed SOS alarm is reported in exactly one case (an unacknowledged one in at most one)";
        public const string NotIndexed = "the case index lists every acknowledged report's case";
        public const string IndexStale = "the case index shows a case in the state the case is in";
        public const string DuplicateCases = "the case index lists one case per report";
        public const string AuditBroken = "every case's audit chain verifies";

        private static readonly string[] Kinds = [CaseMissing, ReplayNewCase, ReplayCounted, ResendRefused, ActionLost, AlarmCases, NotIndexed, IndexStale, DuplicateCases, AuditBroken];

        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _found = new();

        public bool IsEmpty => _found.Values.All(d => d.IsEmpty);

        public void Add(string kind, string detail) => _found.GetOrAdd(kind, _ => new())[detail] = 0;

        public void Add(Findings other)
        {
            foreach (var (kind, details) in other._found)
            {
                foreach (var detail in details.Keys)
                {
                    Add(kind, detail);
                }
            }
        }

        public void Print(ITestOutputHelper output)
        {
            foreach (var kind in Kinds)
            {
                var details = Of(kind);
                output.WriteLine($"{(details.Count == 0 ? "holds" : $"BROKEN {details.Count}×")}: {kind}");
                foreach (var detail in details.Take(10))
                {
                    output.WriteLine("    " + detail);
                }
            }
        }

        public void AssertNone()
        {
            foreach (var kind in Kinds)
            {
                var details = Of(kind);
                // Braces would be read as format items by FluentAssertions.
                var first = string.Join(" | ", details.Take(5)).Replace('{', '(').Replace('}', ')');
                details.Count.Should().Be(0, $"{kind}; first: {first}");
            }
        }

        private List<string> Of(string kind) =>
            _found.TryGetValue(kind, out var details) ? [.. details.Keys.Order(StringComparer.Ordinal)] : [];
    }
}
