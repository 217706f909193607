using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

[Collection(EventClusterTests.Name)]
public class KpiLedgerTests(EventClusterFixture fixture)
{
    private readonly Cases _cases = new(fixture.Grains);

    /// <summary>Wide enough that the test clock, moved on by other tests, never leaves it.</summary>
    private static readonly (DateOnly From, DateOnly To) Period = (new DateOnly(2026, 1, 1), new DateOnly(2027, 12, 31));

    [Fact]
    public async Task A_ledger_sums_the_days_of_a_period_and_leaves_out_the_others()
    {
        var ledger = fixture.Grains.GetGrain<IKpiLedgerGrain>("region:test-" + Guid.NewGuid().ToString("N"));
        var day = new DateOnly(2026, 3, 1);
        await ledger.Add(day, EventKpiCounters.None with { Reported = 2, Closed = 1 }, "E1", 1);
        await ledger.Add(day.AddDays(1), EventKpiCounters.None with { Reported = 3 }, "E2", 1);
        await ledger.Add(day.AddDays(5), EventKpiCounters.None with { Reported = 7 }, "E3", 1);

        var sum = (await ledger.Sum(day, day.AddDays(1))).Counters;

        sum.Reported.Should().Be(5);
        sum.Closed.Should().Be(1);
    }

    [Fact]
    public async Task A_change_counted_again_under_its_key_is_counted_once()
    {
        var ledger = fixture.Grains.GetGrain<IKpiLedgerGrain>("region:test-" + Guid.NewGuid().ToString("N"));
        var day = new DateOnly(2026, 3, 1);

        await ledger.Add(day, EventKpiCounters.None with { Reported = 1 }, "E20260301-000001", 1);
        await ledger.Add(day, EventKpiCounters.None with { Reported = 1 }, "E20260301-000001", 1);
        await ledger.Add(day, EventKpiCounters.None with { Registered = 1 }, "E20260301-000001", 2);

        var sum = (await ledger.Sum(day, day)).Counters;
        sum.Reported.Should().Be(1);
        sum.Registered.Should().Be(1);
    }

    [Fact]
    public async Task The_ledger_keeps_the_retentions_days_counting_back_from_today_and_a_sum_says_the_earliest()
    {
        var ledger = fixture.Grains.GetGrain<IKpiLedgerGrain>("region:test-" + Guid.NewGuid().ToString("N"));
        var today = CityDays.DayOf(EventClusterFixture.Clock.GetUtcNow(), CityDays.DefaultUtcOffset);
        var keptFrom = today.AddDays(1 - CityDays.DefaultKpiRetentionDays);

        await ledger.Add(keptFrom.AddDays(-1), EventKpiCounters.None with { Reported = 5 }, "E1", 1);
        await ledger.Add(keptFrom, EventKpiCounters.None with { Reported = 2 }, "E2", 1);
        await ledger.Add(today.AddYears(-1), EventKpiCounters.None with { Reported = 4 }, "E3", 1);
        await ledger.Add(today, EventKpiCounters.None with { Reported = 1 }, "E4", 1);

        var sum = await ledger.Sum(keptFrom.AddDays(-30), today);
        sum.KeptFrom.Should().Be(keptFrom);
        sum.Counters.Reported.Should().Be(7, "a day the retention has passed is not counted");
        (await ledger.Sum(today.AddYears(-1), today)).Counters.Reported.Should().Be(5, "the same day a year ago is kept");
    }

    [Fact]
    public void Trimming_drops_the_counters_of_the_days_before()
    {
        var ledger = new KpiLedgerState();
        var (old, kept) = (new DateOnly(2025, 1, 1), new DateOnly(2025, 6, 1));
        ledger.Count(old, EventKpiCounters.None with { Reported = 1 }, "E1", 1, old).Should().BeTrue();
        ledger.Count(kept, EventKpiCounters.None with { Reported = 1 }, "E2", 1, kept).Should().BeTrue();

        ledger.TrimBefore(kept).Should().BeTrue();

        ledger.Days.Keys.Should().Equal("2025-06-01");
        ledger.TrimBefore(kept).Should().BeFalse();
        ledger.Sum(old, kept).Reported.Should().Be(1);
    }

    [Fact]
    public void A_ledger_remembers_one_version_per_case_however_many_changes_it_counted()
    {
        var ledger = new KpiLedgerState();
        var day = new DateOnly(2026, 3, 1);
        for (var version = 1; version <= 20; version++)
        {
            ledger.Count(day, EventKpiCounters.None with { Reported = 1 }, "E1", version, day).Should().BeTrue();
        }

        ledger.Changes.Should().ContainSingle().Which.Value.Should().Be(new CountedChange(20, day));
        ledger.Count(day, EventKpiCounters.None with { Reported = 1 }, "E1", 7, day).Should().BeFalse("an earlier version was counted already");
    }

    [Fact]
    public void The_changes_of_cases_last_heard_of_before_the_window_are_forgotten()
    {
        var ledger = new KpiLedgerState();
        var day = new DateOnly(2026, 3, 1);
        ledger.Count(day, EventKpiCounters.None with { Reported = 1 }, "E1", 1, day);
        ledger.Count(day.AddDays(5), EventKpiCounters.None with { Reported = 1 }, "E2", 1, day.AddDays(5));

        ledger.ForgetChangesBefore(day.AddDays(1)).Should().BeTrue();

        ledger.Changes.Keys.Should().Equal("E2");
        ledger.Sum(day, day.AddDays(5)).Reported.Should().Be(2, "the counters stay");
        ledger.ForgetChangesBefore(day.AddDays(1)).Should().BeFalse();
    }

    [Fact]
    public void Change_keys_stored_by_an_earlier_version_still_recognise_a_repeat()
    {
        var day = new DateOnly(2026, 3, 1);
        var ledger = new KpiLedgerState
        {
            Days = { ["2026-03-01"] = EventKpiCounters.None with { Reported = 1, Registered = 1 } },
            Counted = { ["2026-03-01"] = ["E20260301-000001@1", "E20260301-000001@2"] },
        };

        ledger.Count(day, EventKpiCounters.None with { Registered = 1 }, "E20260301-000001", 2, day).Should().BeFalse();
        ledger.Count(day, EventKpiCounters.None with { Dispatched = 1 }, "E20260301-000001", 3, day).Should().BeTrue();

        ledger.Counted.Should().BeEmpty();
        ledger.Sum(day, day).Should().Be(EventKpiCounters.None with { Reported = 1, Registered = 1, Dispatched = 1 });
    }

    [Fact]
    public async Task A_closed_case_adds_its_counts_and_stage_times_to_its_regions_and_department()
    {
        var community = fixture.Grains.GetGrain<IKpiLedgerGrain>(KpiScopes.Region(Cases.Jiangbei[..12]));
        var water = fixture.Grains.GetGrain<IKpiLedgerGrain>(KpiScopes.Department("water"));
        var (communityBefore, waterBefore) = ((await community.Sum(Period.From, Period.To)).Counters, (await water.Sum(Period.From, Period.To)).Counters);

        await _cases.CaseInAsync(EventState.Closed);

        var (communityAfter, waterAfter) = ((await community.Sum(Period.From, Period.To)).Counters, (await water.Sum(Period.From, Period.To)).Counters);
        (communityAfter.Reported - communityBefore.Reported).Should().Be(1);
        (communityAfter.Closed - communityBefore.Closed).Should().Be(1);
        (communityAfter.HandleStage.Count - communityBefore.HandleStage.Count).Should().Be(1);
        (waterAfter.Handled - waterBefore.Handled).Should().Be(1);
        (waterAfter.HandledOnTime - waterBefore.HandledOnTime).Should().Be(1);
        (waterAfter.Reported - waterBefore.Reported).Should().Be(0, "the department had no part in the report");
    }

    [Fact]
    public async Task A_late_dispatch_counts_as_dispatched_but_not_on_time_and_adds_its_overdue_stage()
    {
        var region = fixture.Grains.GetGrain<IKpiLedgerGrain>(KpiScopes.Region(Cases.Jiangbei[..12]));
        var id = await _cases.CaseInAsync(EventState.Registered);
        var before = (await region.Sum(Period.From, Period.To)).Counters;
        var deadline = (await _cases.ViewAsync(id)).Summary.Deadline!.Value;
        EventClusterFixture.Clock.Advance(deadline - EventClusterFixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));

        await _cases.ActAsync(id, Cases.Dispatcher(), new EventActionRequest(EventAction.Dispatch, Department: "water"));

        var after = (await region.Sum(Period.From, Period.To)).Counters;
        (after.Dispatched - before.Dispatched).Should().Be(1);
        (after.DispatchedOnTime - before.DispatchedOnTime).Should().Be(0);
        (after.Overdue - before.Overdue).Should().Be(1);
    }
}
