using System.Diagnostics;
using System.Net;
using FluentAssertions.Execution;
using Xunit.Abstractions;

namespace CityOps.Silo.Tests.Reliability;

/// <summary>SIGTERM, as systemd and Kubernetes stop a service, while the engine is busy.</summary>
[Collection(ReliabilityTests.Name)]
[Trait("Category", "Reliability")]
public class GracefulStopTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the started-again engine runs before its start-up log is read: grains read their state as they activate.</summary>
    private static readonly TimeSpan StartupWindow = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_graceful_stop_under_load_logs_no_errors_then_or_at_the_next_start()
    {
        var load = new CityLoad();
        var test = Stopwatch.StartNew();
        await using var engine = new EngineProcess("graceful-stop", new Dictionary<string, string?> { ["Simulator__Enabled"] = "true" });
        await engine.StartAsync();
        var token = await engine.TokenAsync("operator");

        StopResult stopped;
        int sigterm;
        var (reports, alarms) = (0, 0);
        using (var http = engine.Http(token))
        using (var stop = new CancellationTokenSource())
        {
            var reporting = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        // Not cancelled by stop: the request in flight meets the stopping engine.
                        if ((await CityLoad.SendAsync(http, load.NextReport(), CancellationToken.None)).Status == HttpStatusCode.Created)
                        {
                            Interlocked.Increment(ref reports);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // Refused by the stopping engine; no need to hammer it.
                        await Task.Delay(200, CancellationToken.None);
                    }
                }
            });
            var alarming = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var pole = load.NextPole();
                    try
                    {
                        using var client = await engine.ConnectDeviceAsync(pole, CancellationToken.None);
                        if (await CityLoad.PublishSosAsync(client, pole, CancellationToken.None))
                        {
                            Interlocked.Increment(ref alarms);
                        }
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // Refused by the stopping engine.
                    }

                    await Task.Delay(200, CancellationToken.None);
                }
            });

            await Task.Delay(TimeSpan.FromSeconds(5));
            sigterm = engine.LineCount;
            stopped = await engine.StopAsync(StopTimeout);
            await stop.CancelAsync();
            await Task.WhenAll(reporting, alarming);
        }

        var stopLog = engine.Lines;
        output.WriteLine($"{reports} reports and {alarms} SOS alarms acknowledged; SIGTERM to exit took {stopped.Elapsed.TotalSeconds:0.0} s, exit code {stopped.ExitCode?.ToString() ?? "none (killed)"}; log {engine.LogFile}");

        var mark = engine.LineCount;
        await engine.StartAsync();
        await Task.Delay(StartupWindow);
        var startLog = engine.LinesSince(mark);
        output.WriteLine($"started again; {startLog.Count} lines in its first {StartupWindow.TotalSeconds:0} s; log {engine.LogFile}; test took {test.Elapsed.TotalSeconds:0.0} s");

        var stopErrors = Errors(stopLog, alsoExceptions: true);
        var startErrors = Errors(startLog, alsoExceptions: false);
        Print($"while running ({Errors(stopLog.Take(sigterm), alsoExceptions: true).Count} before SIGTERM) and stopping", stopErrors);
        Print("while starting again", startErrors);
        using var all = new AssertionScope();
        stopped.ExitCode.Should().Be(0, $"SIGTERM stops the engine cleanly within {StopTimeout.TotalSeconds:0} s (it took {stopped.Elapsed.TotalSeconds:0.0} s)");
        // Counts, not the lines themselves: a failing run has hundreds, and the log file keeps them.
        stopErrors.Count.Should().Be(0, $"a graceful stop logs no fail/crit line and no exception; {Summary(stopErrors)}");
        startErrors.Count.Should().Be(0, $"the start on the stopped engine's data logs no fail/crit line; {Summary(startErrors)}");
    }

    /// <summary>Lines the console logger wrote at level Error (<c>fail:</c>) or Critical (<c>crit:</c>), and optionally any naming an exception.</summary>
    private static List<string> Errors(IEnumerable<string> lines, bool alsoExceptions) =>
    [
        .. lines.Where(l => l.Contains(" fail: ", StringComparison.Ordinal) || l.StartsWith("fail: ", StringComparison.Ordinal)
            || l.Contains(" crit: ", StringComparison.Ordinal) || l.StartsWith("crit: ", StringComparison.Ordinal)
            || (alsoExceptions && l.Contains("Exception", StringComparison.Ordinal))),
    ];

    private void Print(string when, List<string> errors)
    {
        output.WriteLine($"{errors.Count} error lines {when}");
        foreach (var group in errors.GroupBy(Source).OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  {group.Count()}× {group.Key}: {Shorten(group.First(), 400)}");
        }
    }

    /// <summary>The level and category of a console log line (<c>fail: Orleans.Messaging[100071]</c>), to group repeats.</summary>
    private static string Source(string line)
    {
        foreach (var level in new[] { "fail: ", "crit: ", "warn: ", "info: ", "dbug: " })
        {
            var at = line.IndexOf(level, StringComparison.Ordinal);
            if (at >= 0)
            {
                var end = line.IndexOf(' ', at + level.Length);
                return end < 0 ? line[at..] : line[at..end];
            }
        }

        return "(no level)";
    }

    /// <summary>The count and the first few kinds of line, without braces, which FluentAssertions reads as format items.</summary>
    private static string Summary(List<string> errors) =>
        $"by source: {string.Join(" | ", errors.GroupBy(Source).OrderByDescending(g => g.Count()).Take(6).Select(g => $"{g.Count()}× {Shorten(g.First(), 300)}"))}"
            .Replace('{', '(').Replace('}', ')');

    private static string Shorten(string line, int max) => line.Length <= max ? line : line[..max] + "…";
}
