using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void An_empty_histogram_reports_zero_everywhere() =>
        new LatencyHistogram().Summary().Should().Be(new LatencySummary(0, 0, 0, 0, 0, 0, 0));

    [Fact]
    public void Values_below_64_microseconds_are_kept_exactly()
    {
        var histogram = new LatencyHistogram();
        foreach (var value in new long[] { 0, 1, 17, 63 })
        {
            histogram.Record(value);
        }

        histogram.Percentile(0.25).Should().Be(0);
        histogram.Percentile(0.5).Should().Be(1);
        histogram.Percentile(0.75).Should().Be(17);
        histogram.Percentile(1).Should().Be(63);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(1_000)]
    [InlineData(123_456)]
    [InlineData(9_876_543_210)]
    public void A_larger_value_is_reported_at_most_1_6_percent_above_itself_and_never_below(long value)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(value);
        histogram.Record(value * 2);

        histogram.Percentile(0.5).Should().BeInRange(value, (long)(value * 1.016));
    }

    [Fact]
    public void A_percentile_is_the_value_below_which_that_share_of_the_samples_lie()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 1000; ms++)
        {
            histogram.RecordMilliseconds(ms);
        }

        var summary = histogram.Summary();
        summary.P50.Should().BeApproximately(500, 500 * 0.016);
        summary.P90.Should().BeApproximately(900, 900 * 0.016);
        summary.P99.Should().BeApproximately(990, 990 * 0.016);
        summary.P999.Should().BeApproximately(999, 999 * 0.016);
    }

    [Fact]
    public void The_maximum_and_the_mean_are_exact()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1_000);
        histogram.Record(3_001);

        histogram.Max.Should().Be(3_001);
        histogram.MeanMicroseconds.Should().Be(2_000.5);
    }

    [Fact]
    public void A_percentile_never_exceeds_the_maximum_recorded()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1_000_001);

        histogram.Percentile(0.99).Should().Be(1_000_001);
    }

    [Fact]
    public void A_negative_value_from_a_clock_step_counts_as_zero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);

        histogram.Summary().Should().Be(new LatencySummary(1, 0, 0, 0, 0, 0, 0));
    }

    [Fact]
    public void Recording_from_many_threads_at_once_loses_nothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 100_000, i => histogram.Record(i % 5_000));

        histogram.Count.Should().Be(100_000);
        histogram.Max.Should().Be(4_999);
    }
}
