using CityOps.DashboardHost.Situation.History;
using CityOps.Grains.Interfaces.Situation;

namespace CityOps.DashboardHost.Tests.Situation;

public class HistorySeriesTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static MinuteCounts Minute(int minute, int open, int opened, int devices = 10, int online = 5) =>
        new(From.AddMinutes(minute), devices, online, Alarms: 1, CriticalAlarms: 0, OpenCases: open, OverdueCases: 0, AlarmsRaised: 2, CasesOpened: opened, CasesClosed: 0, DevicesSilent: 0);

    [Fact]
    public void A_step_takes_the_standing_counts_of_its_last_minute_and_sums_what_happened()
    {
        var points = HistorySeries.Points([[Minute(0, open: 1, opened: 1), Minute(3, open: 3, opened: 2), Minute(4, open: 2, opened: 0)]], From, From.AddHours(1), TimeSpan.FromMinutes(5));

        points.Should().ContainSingle();
        points[0].At.Should().Be(From);
        points[0].OpenCases.Should().Be(2);
        points[0].CasesOpened.Should().Be(3);
        points[0].AlarmsRaised.Should().Be(6);
    }

    [Fact]
    public void The_city_is_the_sum_of_its_districts_step_by_step()
    {
        var points = HistorySeries.Points(
            [[Minute(0, open: 1, opened: 1)], [Minute(1, open: 4, opened: 2, devices: 20, online: 20)]], From, From.AddHours(1), TimeSpan.FromMinutes(5));

        points.Should().ContainSingle();
        points[0].OpenCases.Should().Be(5);
        points[0].Devices.Should().Be(30);
        points[0].Online.Should().Be(25);
    }

    [Fact]
    public void Minutes_outside_the_range_are_left_out()
    {
        var points = HistorySeries.Points([[Minute(-1, 1, 1), Minute(0, 2, 1), Minute(60, 3, 1)]], From, From.AddHours(1), TimeSpan.FromMinutes(1));

        points.Select(p => p.OpenCases).Should().Equal(2);
    }

    [Fact]
    public void Categories_sum_the_days_counts_most_first()
    {
        var categories = HistorySeries.Categories([
            new Dictionary<string, int> { ["road_damaged"] = 1, ["waterlogging"] = 1 },
            new Dictionary<string, int> { ["waterlogging"] = 2 }]);

        categories.Should().Equal(new CategoryCount("waterlogging", 3), new CategoryCount("road_damaged", 1));
    }

    [Fact]
    public void Only_the_three_chart_ranges_are_known()
    {
        HistoryRange.All.Select(r => r.Name).Should().Equal("1h", "24h", "7d");
        HistoryRange.Find("30d").Should().BeNull();
        HistoryRange.Find(null)!.Name.Should().Be("24h");
    }
}
