using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

/// <summary>The filter and order of a case query, the same in the index and where lists are merged.</summary>
public class EventQueriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static EventSummary Case(string id, EventChannel channel, DateTimeOffset reported, DateTimeOffset updated) => new(
        id, "waterlogging", EventUrgency.Normal, EventState.Registered, new EventLocation(114.3, 27.6, "9901010010010001"), null, null, channel,
        reported, updated, EventStage.Dispatch, null, EscalationLevel.None, 1, null);

    private static EventQuery Query(int limit = 10) => new(null, null, null, null, null, T0, limit);

    [Fact]
    public void Channel_and_report_window_filter_cases_before_the_limit()
    {
        var query = Query() with { Channel = EventChannel.Hotline, ReportedFrom = T0, ReportedUntil = T0.AddDays(1) };
        EventSummary[] cases =
        [
            Case("in", EventChannel.Hotline, T0.AddHours(1), T0.AddHours(1)),
            Case("sensor", EventChannel.Sensor, T0.AddHours(1), T0.AddHours(1)),
            Case("before", EventChannel.Hotline, T0.AddSeconds(-1), T0.AddHours(2)),
            Case("after", EventChannel.Hotline, T0.AddDays(1).AddSeconds(1), T0.AddDays(1).AddSeconds(1)),
        ];

        cases.Where(c => EventQueries.Matches(query, c)).Select(c => c.Id).Should().Equal("in");
    }

    [Fact]
    public void The_limit_keeps_the_latest_changed_or_the_latest_reported_as_the_query_orders()
    {
        EventSummary[] cases =
        [
            Case("old-report-new-change", EventChannel.Hotline, T0, T0.AddHours(5)),
            Case("new-report", EventChannel.Hotline, T0.AddHours(3), T0.AddHours(3)),
            Case("middle", EventChannel.Hotline, T0.AddHours(1), T0.AddHours(4)),
        ];

        EventQueries.OrderAndLimit(Query(limit: 2), cases).Select(c => c.Id).Should().Equal("old-report-new-change", "middle");
        EventQueries.OrderAndLimit(Query(limit: 2) with { Order = EventOrder.LatestReportFirst }, cases).Select(c => c.Id).Should().Equal("new-report", "middle");
    }

    [Fact]
    public void Urgency_keeps_only_cases_of_that_urgency()
    {
        var normal = Case("normal", EventChannel.Hotline, T0, T0);
        var emergency = normal with { Id = "emergency", Urgency = EventUrgency.Emergency };

        new[] { normal, emergency }.Where(c => EventQueries.Matches(Query() with { Urgency = EventUrgency.Emergency }, c))
            .Select(c => c.Id).Should().Equal("emergency");
    }
}
