using CityOps.Grains.Devices;

namespace CityOps.Grains.Tests.Devices;

public class MetricHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Readings_in_one_interval_fold_into_one_point_with_average_min_and_max()
    {
        var history = new MetricHistory(new DeviceHistoryState());
        history.Add("noiseDb", 50, T0.AddMinutes(1), T0.AddMinutes(4));
        history.Add("noiseDb", 70, T0.AddMinutes(2), T0.AddMinutes(4));
        history.Add("noiseDb", 60, T0.AddMinutes(3), T0.AddMinutes(4));

        var point = history.Query("noiseDb", T0, T0.AddHours(1)).Single();

        point.Should().BeEquivalentTo(new { At = T0, Average = 60.0, Min = 50.0, Max = 70.0, Count = 3 });
    }

    [Fact]
    public void Readings_in_different_intervals_give_points_in_time_order_even_when_late()
    {
        var history = new MetricHistory(new DeviceHistoryState());
        history.Add("pm25", 30, T0.AddMinutes(12), T0.AddMinutes(12));
        history.Add("pm25", 10, T0.AddMinutes(1), T0.AddMinutes(12));

        history.Query("pm25", T0, T0.AddHours(1)).Select(p => p.Average).Should().Equal(10, 30);
    }

    [Fact]
    public void Readings_older_than_the_retention_are_dropped()
    {
        var history = new MetricHistory(new DeviceHistoryState(), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        history.Add("pm25", 10, T0, T0);
        history.Add("pm25", 20, T0.AddHours(2), T0.AddHours(2));

        history.Query("pm25", T0.AddDays(-1), T0.AddDays(1)).Select(p => p.Average).Should().Equal(20);
    }

    [Fact]
    public void A_query_returns_only_its_metric_and_window()
    {
        var history = new MetricHistory(new DeviceHistoryState());
        history.Add("pm25", 10, T0, T0.AddHours(3));
        history.Add("pm25", 20, T0.AddHours(2), T0.AddHours(3));
        history.Add("pm10", 99, T0.AddHours(2), T0.AddHours(3));

        history.Query("pm25", T0.AddHours(1), T0.AddHours(3)).Select(p => p.Average).Should().Equal(20);
        history.Query("noiseDb", T0, T0.AddHours(3)).Should().BeEmpty();
    }

    [Fact]
    public void A_metric_reporting_for_days_holds_one_days_buckets_in_no_more_room_than_they_need()
    {
        var state = new DeviceHistoryState();
        var history = new MetricHistory(state);
        for (var at = T0; at < T0.AddDays(2); at += TimeSpan.FromMinutes(5))
        {
            history.Add("pm25", 10, at, at);
        }

        var buckets = state.Find("pm25")!;
        buckets.Should().HaveCount(289, "24 hours of five-minute buckets and the one under way");
        buckets.Capacity.Should().Be(289);
    }

    [Fact]
    public void A_late_reading_within_the_window_lands_in_its_interval_while_older_ones_expire()
    {
        var state = new DeviceHistoryState();
        var history = new MetricHistory(state, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        history.Add("pm25", 10, T0, T0);
        history.Add("pm25", 30, T0.AddMinutes(70), T0.AddMinutes(70));
        history.Add("pm25", 20, T0.AddMinutes(15), T0.AddMinutes(75));

        history.Query("pm25", T0, T0.AddHours(2)).Select(p => (p.At, p.Average)).Should().Equal((T0.AddMinutes(15), 20.0), (T0.AddMinutes(70), 30.0));
    }
}
