using CityOps.Grains.Interfaces.Situation;

namespace CityOps.Grains.Tests.Situation;

[Collection(ClusterTests.Name)]
public class SituationHistoryGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Day = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private static MinuteCounts Minute(DateTimeOffset at, int open) => new(at, 10, 8, 0, 0, open, 0, 0, 1, 0, 0);

    private static SituationHappening Opened(DateTimeOffset at, string id) => new(at, HappeningKind.CaseOpened, id, "waterlogging", "urgent", 114.3, 27.6);

    [Fact]
    public async Task A_recorded_minute_and_its_happenings_are_read_back()
    {
        var district = $"99{Random.Shared.Next(1000, 9999)}";
        var day = fixture.Grains.GetGrain<ISituationHistoryGrain>(SituationHistoryKeys.Of(district, Day));

        await day.Record(Minute(Day.AddMinutes(5), open: 2), [Opened(Day.AddMinutes(5).AddSeconds(10), "E1")]);
        await day.Record(Minute(Day.AddMinutes(6), open: 3), [Opened(Day.AddMinutes(6).AddSeconds(10), "E2")]);

        await Eventually.Async(async () => (await day.GetMinutes()).Should().HaveCount(2));
        (await day.GetMinutes()).Select(m => m.OpenCases).Should().Equal(2, 3);
        (await day.GetHappenings(Day.AddMinutes(6), Day.AddMinutes(7))).Select(h => h.Subject).Should().Equal("E2");
    }

    [Fact]
    public async Task Cases_opened_in_a_period_are_counted_by_category()
    {
        var district = $"99{Random.Shared.Next(1000, 9999)}";
        var day = fixture.Grains.GetGrain<ISituationHistoryGrain>(SituationHistoryKeys.Of(district, Day));

        await day.Record(Minute(Day.AddMinutes(5), open: 2), [Opened(Day.AddMinutes(5), "E1"), Opened(Day.AddMinutes(5).AddSeconds(5), "E2"),
            new(Day.AddMinutes(5), HappeningKind.Alarm, "WL-1", "waterlogging", "major", 114.3, 27.6)]);

        await Eventually.Async(async () => (await day.CountOpenedByCategory(Day, Day.AddDays(1))).Should().Equal(new Dictionary<string, int> { ["waterlogging"] = 2 }));
        (await day.CountOpenedByCategory(Day.AddMinutes(6), Day.AddDays(1))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_minute_recorded_again_replaces_the_first()
    {
        var district = $"99{Random.Shared.Next(1000, 9999)}";
        var day = fixture.Grains.GetGrain<ISituationHistoryGrain>(SituationHistoryKeys.Of(district, Day));

        await day.Record(Minute(Day.AddMinutes(5), open: 2), []);
        await day.Record(Minute(Day.AddMinutes(5), open: 7), []);

        await Eventually.Async(async () => (await day.GetMinutes()).Select(m => m.OpenCases).Should().Equal(7));
    }

    [Fact]
    public async Task A_districts_first_minute_of_a_day_forgets_its_day_beyond_the_retention()
    {
        var district = $"99{Random.Shared.Next(1000, 9999)}";
        var old = fixture.Grains.GetGrain<ISituationHistoryGrain>(SituationHistoryKeys.Of(district, Day.AddDays(-SituationHistoryKeys.RetentionDays)));
        await old.Record(Minute(Day.AddDays(-SituationHistoryKeys.RetentionDays).AddMinutes(1), open: 1), []);
        await Eventually.Async(async () => (await old.GetMinutes()).Should().HaveCount(1));

        await fixture.Grains.GetGrain<ISituationHistoryGrain>(SituationHistoryKeys.Of(district, Day)).Record(Minute(Day.AddMinutes(1), open: 1), []);

        await Eventually.Async(async () => (await old.GetMinutes()).Should().BeEmpty());
    }

    [Fact]
    public void Days_are_keyed_by_district_and_utc_day()
    {
        SituationHistoryKeys.Of("990101", new DateTimeOffset(2026, 12, 6, 23, 30, 0, TimeSpan.FromHours(-2))).Should().Be("990101:20261207");
        SituationHistoryKeys.Days("990101", Day.AddHours(-1), Day.AddHours(1)).Should().Equal("990101:20261119", "990101:20261120");
    }
}
