using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Events;

/// <summary>
/// Intake by report key: a client or a device outbox that did not hear back sends the same report
/// again, and it must find the same case, counted once, under the same number.
/// </summary>
[Collection(EventClusterTests.Name)]
public class IdempotentIntakeTests(EventClusterFixture fixture)
{
    private readonly Cases _cases = new(fixture.Grains);

    [Fact]
    public async Task A_report_sent_again_with_its_key_answers_the_same_case_and_opens_no_other()
    {
        var report = Cases.Report("street_light_damaged", Cases.NewPlace()) with { IdempotencyKey = "http:operator:" + Guid.NewGuid() };

        var first = await _cases.IntakeAsync(report);
        var again = await _cases.IntakeAsync(report with { At = report.At.AddSeconds(5) });

        again.EventId.Should().Be(first.EventId);
        again.Merged.Should().BeFalse();
        var view = await _cases.ViewAsync(first.EventId);
        view.Summary.Reports.Should().Be(1);
        view.Timeline.Count(e => e.Action == EventAction.Report).Should().Be(1);
    }

    [Fact]
    public async Task A_duplicate_sent_again_with_its_key_is_counted_on_the_open_case_once()
    {
        var place = Cases.NewPlace();
        var primary = await _cases.IntakeAsync(Cases.Report("waterlogging", place, EventChannel.Sensor, "WL-1"));
        var duplicate = Cases.Report("waterlogging", place, EventChannel.Sensor, "WL-2") with { IdempotencyKey = "alarm:WL-2:waterlogging:1" };

        var first = await _cases.IntakeAsync(duplicate);
        var again = await _cases.IntakeAsync(duplicate);

        first.Merged.Should().BeTrue();
        again.EventId.Should().Be(primary.EventId);
        (await _cases.ViewAsync(primary.EventId)).Summary.Reports.Should().Be(2);
    }

    [Fact]
    public async Task A_report_admitted_whose_case_was_never_opened_is_opened_by_its_index_and_a_duplicate_finds_it()
    {
        // As when the opening failed (storage away) and the reporter never sent again: only the admission is there.
        var report = Cases.Report("street_light_damaged", Cases.NewPlace()) with { IdempotencyKey = "open311:hotline:" + Guid.NewGuid() };
        var window = new DuplicateWindow(200, TimeSpan.FromHours(2));
        var index = fixture.Grains.GetGrain<IEventIndexGrain>(GridCodes.DistrictOf(report.Location.CellCode));
        var admission = await index.Admit(report, window);
        var duplicate = await _cases.IntakeAsync(Cases.Report("street_light_damaged", report.Location, reporter: "citizen") with { IdempotencyKey = "http:citizen:" + Guid.NewGuid() });

        EventClusterFixture.Clock.Advance(TimeSpan.FromSeconds(2));

        duplicate.EventId.Should().Be(admission.EventId);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        UrbanEventView? opened;
        while ((opened = await fixture.Grains.GetGrain<IUrbanEventGrain>(admission.EventId).Get()) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        opened.Should().NotBeNull("the index offers intake its admitted, unopened report again");
        opened!.Summary.Reports.Should().Be(2);
        (await index.Unopened()).Should().NotContainKey(admission.EventId);
    }

    [Fact]
    public async Task Reports_without_a_key_are_each_their_own_report()
    {
        var place = Cases.NewPlace();
        var first = await _cases.IntakeAsync(Cases.Report("waterlogging", place));

        var second = await _cases.IntakeAsync(Cases.Report("waterlogging", place));

        second.EventId.Should().Be(first.EventId);
        (await _cases.ViewAsync(first.EventId)).Summary.Reports.Should().Be(2);
    }

    [Fact]
    public async Task Cases_opened_in_two_districts_on_one_day_never_share_a_number_and_follow_each_other_within_a_district()
    {
        var reports = Enumerable.Range(0, 6)
            .Select(i => Cases.Report("waterlogging", Cases.NewPlace(i % 2 == 0 ? Cases.Jiangbei : Cases.Lanxi)))
            .ToList();

        var ids = new List<string>();
        foreach (var report in reports)
        {
            ids.Add((await _cases.IntakeAsync(report)).EventId);
        }

        ids.Should().OnlyHaveUniqueItems();
        var numbers = ids.Select(id => int.Parse(id[(id.IndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        numbers.Where((_, i) => i % 2 == 0).Should().BeInAscendingOrder();
        numbers.Where((_, i) => i % 2 == 1).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task A_day_hands_out_blocks_that_never_overlap()
    {
        var day = fixture.Grains.GetGrain<IEventNumberGrain>("test-" + Guid.NewGuid().ToString("N"));

        var blocks = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => day.TakeBlock($"D{i % 3}", 1 + (i / 3), 20)));

        blocks.SelectMany(first => Enumerable.Range(first, 20)).Should().OnlyHaveUniqueItems().And.HaveCount(200);
        blocks.Min().Should().Be(1);
    }

    [Fact]
    public async Task A_district_asking_again_for_the_block_it_was_given_gets_the_same_block_so_a_crash_leaves_no_gap()
    {
        var day = fixture.Grains.GetGrain<IEventNumberGrain>("test-" + Guid.NewGuid().ToString("N"));
        var first = await day.TakeBlock("440303", 1, 20);
        var other = await day.TakeBlock("440304", 1, 20);

        var again = await day.TakeBlock("440303", 1, 20);
        var next = await day.TakeBlock("440303", 2, 20);

        again.Should().Be(first);
        new[] { first, other, next }.Should().Equal(1, 21, 41);
    }

    [Fact]
    public async Task The_index_keeps_the_newest_summary_of_a_case_when_an_older_one_arrives_late()
    {
        var id = await _cases.ReportedAsync();
        var registered = await _cases.ActAsync(id, Cases.Operator, new EventActionRequest(EventAction.Register));
        var index = fixture.Grains.GetGrain<IEventIndexGrain>(GridCodes.DistrictOf(registered.Summary.Location.CellCode));

        await index.Update(registered.Summary with { State = EventState.Reported, Version = registered.Summary.Version - 1 });

        (await index.Versions())[id].Should().Be(registered.Summary.Version);
        var listed = await index.Query(new EventQuery(null, [EventState.Registered], null, null, registered.Summary.Category, EventClusterFixture.Clock.GetUtcNow(), 1000));
        listed.Select(s => s.Id).Should().Contain(id);
    }

    [Fact]
    public async Task Applying_a_case_s_follow_ups_again_counts_nothing_twice()
    {
        var id = await _cases.CaseInAsync(EventState.Registered);
        var view = await _cases.ViewAsync(id);
        var city = fixture.Grains.GetGrain<IKpiLedgerGrain>(KpiScopes.Region(GridCodes.ChainOf(view.Summary.Location.CellCode)[^1]));
        var day = CityDays.DayOf(view.Summary.ReportedAt, CityDays.DefaultUtcOffset);
        var before = await city.Sum(day, day);

        await _cases.Case(id).ApplyFollowUps();
        await _cases.Case(id).ApplyFollowUps();

        (await city.Sum(day, day)).Should().Be(before);
    }
}
