using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using CityOps.Grains.Situation.History;

namespace CityOps.Grains.Tests.Situation;

public class SituationRecorderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 30, 20, TimeSpan.Zero);

    private static EventSummary Case(string id, EventState state, DateTimeOffset reportedAt, int version = 1) => new(
        id, "waterlogging", EventUrgency.Emergency, state, new EventLocation(114.3, 27.6, "9901010010010001"), null, null, EventChannel.Sensor,
        reportedAt, reportedAt, EventStage.None, null, EscalationLevel.None, 1, null, version);

    private static GridCounts Standing(int open) =>
        new(new() { [Grains.Interfaces.City.DeviceKind.WaterLevel] = 10 }, 8, new AlarmCounts(1, 0, 2), new EventCounts(open, 0, 0, 0), HealthCounts.None);

    [Fact]
    public void A_new_case_counts_once_however_often_it_changes()
    {
        var recorder = new SituationRecorder();

        recorder.CaseChanged(Case("E1", EventState.Reported, Now.AddSeconds(-5)), Now);
        recorder.CaseChanged(Case("E1", EventState.Registered, Now.AddSeconds(-5), 2), Now);
        recorder.CaseChanged(Case("E1", EventState.Dispatched, Now.AddSeconds(-5), 3), Now);
        var (minute, happenings) = recorder.Close(Now.AddMinutes(-1), Standing(open: 1));

        minute.CasesOpened.Should().Be(1);
        happenings.Should().ContainSingle().Which.Should().Match<SituationHappening>(h => h.Kind == HappeningKind.CaseOpened && h.Subject == "E1" && h.Level == "emergency");
    }

    [Fact]
    public void A_case_reported_long_ago_that_the_feed_hears_of_is_not_a_new_case()
    {
        var recorder = new SituationRecorder();

        recorder.CaseChanged(Case("E1", EventState.Dispatched, Now.AddHours(-3)), Now);

        recorder.Close(Now.AddMinutes(-1), Standing(open: 1)).Minute.CasesOpened.Should().Be(0);
    }

    [Fact]
    public void A_case_that_ends_counts_as_closed()
    {
        var recorder = new SituationRecorder();
        recorder.CaseChanged(Case("E1", EventState.Reported, Now.AddSeconds(-5)), Now);

        recorder.CaseChanged(Case("E1", EventState.Closed, Now.AddSeconds(-5), 7), Now);
        var (minute, happenings) = recorder.Close(Now.AddMinutes(-1), Standing(open: 0));

        minute.CasesClosed.Should().Be(1);
        happenings.Select(h => h.Kind).Should().Equal(HappeningKind.CaseOpened, HappeningKind.CaseClosed);
    }

    [Fact]
    public void A_device_gone_silent_is_counted_apart_from_other_alarms()
    {
        var recorder = new SituationRecorder();

        recorder.Raised(new RaisedAlarm("WL-1", "device_offline", AlarmSeverity.Minor, Now, "9901010010010001", 114.3, 27.6));
        recorder.Raised(new RaisedAlarm("WL-2", "waterlogging", AlarmSeverity.Major, Now, "9901010010010001", 114.3, 27.6));
        var (minute, happenings) = recorder.Close(Now.AddMinutes(-1), Standing(open: 0));

        minute.DevicesSilent.Should().Be(1);
        minute.AlarmsRaised.Should().Be(1);
        happenings.Select(h => h.Kind).Should().BeEquivalentTo([HappeningKind.DeviceSilent, HappeningKind.Alarm]);
    }

    [Fact]
    public void A_minute_keeps_the_standing_counts_and_the_next_starts_from_nothing()
    {
        var recorder = new SituationRecorder();
        recorder.Raised(new RaisedAlarm("WL-2", "waterlogging", AlarmSeverity.Major, Now, "9901010010010001", 114.3, 27.6));

        var first = recorder.Close(Now.AddMinutes(-1), Standing(open: 4)).Minute;
        var second = recorder.Close(Now, Standing(open: 4));

        first.Should().Match<MinuteCounts>(m => m.Devices == 10 && m.Online == 8 && m.Alarms == 3 && m.CriticalAlarms == 2 && m.OpenCases == 4);
        second.Minute.AlarmsRaised.Should().Be(0);
        second.Happenings.Should().BeEmpty();
    }

    [Fact]
    public void Alarms_beyond_the_per_minute_cap_are_counted_but_not_kept_as_happenings()
    {
        var recorder = new SituationRecorder();
        for (var i = 0; i < SituationRecorder.MaxAlarmHappeningsPerMinute + 10; i++)
        {
            recorder.Raised(new RaisedAlarm($"WL-{i}", "waterlogging", AlarmSeverity.Major, Now, "9901010010010001", 114.3, 27.6));
        }

        var (minute, happenings) = recorder.Close(Now.AddMinutes(-1), Standing(open: 0));

        minute.AlarmsRaised.Should().Be(SituationRecorder.MaxAlarmHappeningsPerMinute + 10);
        happenings.Should().HaveCount(SituationRecorder.MaxAlarmHappeningsPerMinute);
    }
}
