using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class ComparisonTests
{
    private static readonly LatencySummary NoSamples = new(0, 0, 0, 0, 0, 0, 0);

    private static LoadReport Report(string mode, double ackedPerSecond, double p99, TwinFigures? twin = null, SubscriberFigures? subscriber = null)
    {
        var ledger = new PublishLedger();
        var path = new PathFigures(ledger.Figures(), 0, ackedPerSecond, ackedPerSecond, ackedPerSecond, new LatencySummary(10, 1, 2, p99, p99, p99, 1), 0);
        var connections = new ConnectionFigures(0, 0, new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, long>(), 0);
        return new LoadReport(
            mode, DateTimeOffset.UnixEpoch, LoadOptions.Default with { City = "c" }, 60, connections, connections, path, path,
            twin, null, subscriber, null, null, null, new ProcessFigures(1, 50, 100, 120, 10));
    }

    [Theory]
    [InlineData(2000.0, 1000.0, "2")]
    [InlineData(1.0, 3.0, "0.33")]
    [InlineData(150.0, 10.0, "15")]
    [InlineData(5.0, 0.0, "-")]
    public void The_ratio_is_engine_over_mosquitto(double engine, double mosquitto, string ratio) =>
        Comparison.Ratio(engine, mosquitto).Should().Be(ratio);

    [Fact]
    public void A_figure_only_one_side_has_gets_no_ratio() =>
        Comparison.Ratio(null, 3).Should().Be("-");

    [Fact]
    public void Each_path_is_compared_row_by_row()
    {
        var rows = Comparison.Rows(Report("engine", 900, 40), Report("mosquitto", 1000, 4), registrationSeconds: 108, rssMbAfterRegistration: 1500);

        rows.Should().ContainEquivalentOf(new Comparison.Row("own-connection devices: p50 / p99 / max PUBACK (ms)", "1 / 40 / 40", "1 / 4 / 4", "1 / 10 / 10"));
        rows.Should().ContainEquivalentOf(new Comparison.Row("registration of the city's devices (s)", "108", "- (no registry)", "-"));
        rows.Should().ContainEquivalentOf(new Comparison.Row("engine RSS after registration (MB)", "1,500", "-", "-"));
    }

    [Fact]
    public void The_engines_own_count_of_accepted_readings_is_given_a_second_of_the_window()
    {
        var engine = Report("engine", 900, 40) with { EngineAccepted = new Dictionary<string, double> { ["telemetry"] = 1_200, ["status"] = 600 } };

        Comparison.Rows(engine, Report("mosquitto", 1000, 4), null, null)
            .Should().ContainEquivalentOf(new Comparison.Row("engine's own count: readings accepted a second over the window", "30", "-", "-"));
    }

    [Fact]
    public void An_engine_without_the_twin_histogram_says_so_beside_mosquittos_delivery_to_a_subscriber()
    {
        var rows = Comparison.Rows(
            Report("engine", 900, 40, twin: new TwinFigures(false, 0, null, null, null, "not exported by this engine")),
            Report("mosquitto", 1000, 4, subscriber: new SubscriberFigures(10, 10, 10, new LatencySummary(10, 1, 1, 3, 3, 3, 1))),
            null,
            null);

        rows.Should().ContainEquivalentOf(new Comparison.Row("publish → twin p99 (ms; mosquitto: → subscriber)", "not exported", "3", "-"));
    }

    [Fact]
    public void The_twin_percentile_is_shown_as_its_bucket()
    {
        var rows = Comparison.Rows(
            Report("engine", 900, 40, twin: new TwinFigures(true, 100, new BucketRange(0, 5), new BucketRange(5, 10), new BucketRange(25, 50), "")),
            Report("mosquitto", 1000, 4),
            null,
            null);

        rows.Single(r => r.Work.StartsWith("publish → twin", StringComparison.Ordinal)).Engine.Should().Be("≤ 50 (bucket)");
    }

    [Fact]
    public void The_table_is_markdown_with_one_line_a_row() =>
        Comparison.Markdown([new Comparison.Row("a", "1", "2", "0.5")]).Should().Be(
            "| work | engine | mosquitto | engine ÷ mosquitto |\n|---|---:|---:|---:|\n| a | 1 | 2 | 0.5 |\n");

    [Fact]
    public void A_report_survives_its_json()
    {
        var report = Report("engine", 900, 40, twin: new TwinFigures(true, 3, new BucketRange(0, 5), null, new BucketRange(10, double.PositiveInfinity), "n"));

        var back = ReportWriter.FromJson(ReportWriter.ToJson(report));

        back.Options.Should().Be(report.Options);
        back.PublishToTwin.Should().Be(report.PublishToTwin);
        back.Devices.Ack.Should().Be(report.Devices.Ack);
    }

    [Fact]
    public void A_latency_without_samples_says_so() =>
        ReportWriter.Latency(NoSamples).Should().Be("no samples");
}
