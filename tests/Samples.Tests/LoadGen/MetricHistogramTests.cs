using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class MetricHistogramTests
{
    private const string Name = "cityops_twin_reading_age_milliseconds";

    private static string Exposition(params (string Labels, double Le, double Count)[] buckets) =>
        "# TYPE cityops_twin_reading_age_milliseconds histogram\n"
        + string.Concat(buckets.Select(b =>
            $"{Name}_bucket{{{b.Labels}le=\"{(double.IsPositiveInfinity(b.Le) ? "+Inf" : b.Le.ToString(System.Globalization.CultureInfo.InvariantCulture))}\"}} {b.Count} 1733000000000\n"))
        + $"{Name}_sum 123.5\n{Name}_count {buckets.Where(b => double.IsPositiveInfinity(b.Le)).Sum(b => b.Count)}\n";

    [Fact]
    public void An_engine_that_does_not_export_the_histogram_gives_none() =>
        MetricHistogram.Parse("# EOF\nother_metric_bucket{le=\"+Inf\"} 3\n", Name).Should().BeNull();

    [Fact]
    public void Buckets_of_every_series_are_summed_by_their_upper_bound()
    {
        var histogram = MetricHistogram.Parse(
            Exposition(
                ("otel_scope_name=\"CityOps.Devices\",kind=\"sensor\",", 5, 2),
                ("otel_scope_name=\"CityOps.Devices\",kind=\"sensor\",", double.PositiveInfinity, 3),
                ("otel_scope_name=\"CityOps.Devices\",kind=\"smartPole\",", 5, 1),
                ("otel_scope_name=\"CityOps.Devices\",kind=\"smartPole\",", double.PositiveInfinity, 4)),
            Name)!;

        histogram.Bounds.Should().Equal(5, double.PositiveInfinity);
        histogram.CumulativeAt(5).Should().Be(3);
        histogram.Count.Should().Be(7);
    }

    [Fact]
    public void The_sum_and_count_lines_and_other_histograms_are_not_buckets()
    {
        var histogram = MetricHistogram.Parse(
            Exposition(("", 10, 1), ("", double.PositiveInfinity, 1)) + $"{Name}_other_bucket{{le=\"10\"}} 99\n",
            Name)!;

        histogram.CumulativeAt(10).Should().Be(1);
    }

    [Fact]
    public void The_window_is_the_difference_of_the_scrapes_after_and_before_it()
    {
        var before = MetricHistogram.Parse(Exposition(("", 10, 5), ("", 100, 8), ("", double.PositiveInfinity, 8)), Name);
        var after = MetricHistogram.Parse(Exposition(("", 10, 6), ("", 100, 58), ("", double.PositiveInfinity, 60)), Name)!;

        var window = MetricHistogram.Delta(before, after);

        window.Count.Should().Be(52);
        window.CumulativeAt(10).Should().Be(1);
        window.CumulativeAt(100).Should().Be(50);
    }

    [Fact]
    public void A_percentile_is_known_only_to_the_bucket_that_holds_it()
    {
        var window = MetricHistogram.Parse(Exposition(("", 10, 50), ("", 25, 98), ("", 50, 100), ("", double.PositiveInfinity, 100)), Name)!;

        window.Percentile(0.50).Should().Be(new BucketRange(0, 10));
        window.Percentile(0.51).Should().Be(new BucketRange(10, 25));
        window.Percentile(0.99).Should().Be(new BucketRange(25, 50));
    }

    [Fact]
    public void A_percentile_beyond_the_last_finite_bound_is_only_known_to_lie_above_it()
    {
        var window = MetricHistogram.Parse(Exposition(("", 10, 90), ("", double.PositiveInfinity, 100)), Name)!;

        var p99 = window.Percentile(0.99)!;

        p99.Should().Be(new BucketRange(10, double.PositiveInfinity));
        p99.ToString().Should().Be("> 10");
    }

    [Fact]
    public void A_window_in_which_nothing_was_observed_has_no_percentiles()
    {
        var scrape = MetricHistogram.Parse(Exposition(("", 10, 4), ("", double.PositiveInfinity, 4)), Name)!;

        MetricHistogram.Delta(scrape, scrape).Percentile(0.5).Should().BeNull();
    }

    [Fact]
    public void A_counter_is_read_by_one_label_summed_over_the_others()
    {
        const string text = """
            # TYPE cityops_gateway_messages_rejected_total counter
            cityops_gateway_messages_rejected_total{otel_scope_name="CityOps.DeviceGateway",reason="unknownDevice"} 3 1733000000000
            cityops_gateway_messages_rejected_total{otel_scope_name="CityOps.DeviceGateway",reason="foreignTopic",channel="gw"} 1
            cityops_gateway_messages_rejected_total{reason="unknownDevice",channel="gw"} 2
            cityops_gateway_messages_rejected_totally{reason="x"} 9
            """;

        MetricCounter.Parse(text, "cityops_gateway_messages_rejected_total", "reason")
            .Should().BeEquivalentTo(new Dictionary<string, double> { ["unknownDevice"] = 5, ["foreignTopic"] = 1 });
    }

    [Fact]
    public void A_counters_change_over_the_window_leaves_out_what_did_not_change() =>
        MetricCounter.Delta(
                new Dictionary<string, double> { ["telemetry"] = 10, ["status"] = 2 },
                new Dictionary<string, double> { ["telemetry"] = 15, ["status"] = 2, ["aggregator"] = 4 })
            .Should().BeEquivalentTo(new Dictionary<string, double> { ["telemetry"] = 5, ["aggregator"] = 4 });
}
