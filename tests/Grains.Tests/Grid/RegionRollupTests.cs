using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Grid;

[Collection(ClusterTests.Name)]
public class RegionRollupTests(ClusterFixture fixture)
{
    /// <summary>50 cells of city 9821 spread over 2 districts, 2 streets each and 2 communities per street.</summary>
    private static readonly string[] Cells = [.. Enumerable.Range(0, 50).Select(i =>
        $"9821{1 + (i % 2):00}{1 + (i / 2 % 2):000}{1 + (i / 4 % 2):000}{1 + i:0000}")];

    private static readonly int[] Waves = [0, 1];

    private static readonly string[] Districts = ["982101", "982102"];

    private static DeviceCellStatus Status(int device, int wave) => new(
        $"rollup-{device}",
        (DeviceKind)(device % 9),
        (device + wave) % 3 != 0,
        (device + wave) % 7 == 0 ? [AlarmSeverity.Major] : (device + wave) % 11 == 0 ? [AlarmSeverity.Critical, AlarmSeverity.Minor] : []);

    private static string CellOf(int device) => Cells[device % Cells.Length];

    [Fact]
    public async Task District_and_city_totals_equal_the_sum_of_their_cells_after_a_burst_of_concurrent_changes()
    {
        var devices = Enumerable.Range(0, 500).ToList();

        // Two waves racing each other: every device first reports, then changes its online state and alarms.
        await Task.WhenAll(devices.SelectMany(d => Waves.Select(async wave =>
        {
            await Task.Yield();
            await fixture.Grains.GetGrain<IGridCellGrain>(CellOf(d)).UpdateDevice(Status(d, wave));
        })));
        await Task.WhenAll(devices.Select(d => fixture.Grains.GetGrain<IGridCellGrain>(CellOf(d)).UpdateDevice(Status(d, 2)).AsTask()));

        var cells = await Task.WhenAll(Cells.Select(c => fixture.Grains.GetGrain<IGridCellGrain>(c).GetSituation().AsTask()));
        var final = devices.Select(d => Status(d, 2)).ToList();
        cells.Sum(c => c.Counts.Devices).Should().Be(500);
        cells.Sum(c => c.Counts.DevicesOnline).Should().Be(final.Count(s => s.Online));

        await Eventually.Async(async () =>
        {
            var city = await fixture.Grains.GetGrain<IRegionGrain>("9821").GetSituation();
            city.Counts.Devices.Should().Be(500);
            city.Counts.DevicesOnline.Should().Be(final.Count(s => s.Online));
            city.Counts.Alarms.Should().Be(new AlarmCounts(
                final.Sum(s => s.ActiveAlarms.Count(a => a == AlarmSeverity.Minor)),
                final.Sum(s => s.ActiveAlarms.Count(a => a == AlarmSeverity.Major)),
                final.Sum(s => s.ActiveAlarms.Count(a => a == AlarmSeverity.Critical))));
            city.Counts.Cells.Should().Be(new HealthCounts(
                cells.Count(c => c.Health == HealthLevel.Normal),
                cells.Count(c => c.Health == HealthLevel.Attention),
                cells.Count(c => c.Health == HealthLevel.Warning),
                cells.Count(c => c.Health == HealthLevel.Critical)));
            city.Counts.DevicesByKind.Should().BeEquivalentTo(final.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count()));

            foreach (var district in Districts)
            {
                var inDistrict = cells.Where(c => c.Code.StartsWith(district, StringComparison.Ordinal)).ToList();
                var situation = await fixture.Grains.GetGrain<IRegionGrain>(district).GetSituation();
                situation.Counts.Devices.Should().Be(inDistrict.Sum(c => c.Counts.Devices));
                situation.Counts.DevicesOnline.Should().Be(inDistrict.Sum(c => c.Counts.DevicesOnline));
                situation.Counts.Alarms.Critical.Should().Be(inDistrict.Sum(c => c.Counts.Alarms.Critical));
            }
        });
    }

    [Fact]
    public async Task A_region_keeps_only_the_latest_counts_of_each_child()
    {
        var street = fixture.Grains.GetGrain<IRegionGrain>("983101001");
        var one = new GridCounts(new Dictionary<DeviceKind, int> { [DeviceKind.Gas] = 1 }, 1, AlarmCounts.None, EventCounts.None, new HealthCounts(1, 0, 0, 0));

        await street.ReportChild("983101001001", one);
        await street.ReportChild("983101001001", one);
        await street.ReportChild("983101001002", one);

        (await street.GetSituation()).Counts.Devices.Should().Be(2);
    }

    [Fact]
    public async Task Counts_of_children_left_out_of_the_grid_are_dropped_and_ignored()
    {
        var street = fixture.Grains.GetGrain<IRegionGrain>("983101002");
        var one = new GridCounts(new Dictionary<DeviceKind, int> { [DeviceKind.Gas] = 1 }, 1, AlarmCounts.None, EventCounts.None, new HealthCounts(1, 0, 0, 0));
        await street.ReportChild("983101002001", one);
        await street.ReportChild("983101002002", one);

        await street.SetChildren(["983101002001"]);
        await street.ReportChild("983101002003", one);
        await street.ReportChild("983101003001", one);

        (await street.GetSituation()).Counts.Devices.Should().Be(1);
    }

    [Fact]
    public async Task A_region_lists_each_childs_latest_counts_and_health()
    {
        var community = fixture.Grains.GetGrain<IRegionGrain>("983101004001");
        var critical = new GridCounts(new Dictionary<DeviceKind, int>(), 0, new AlarmCounts(0, 0, 1), EventCounts.None, new HealthCounts(0, 0, 0, 1));
        await community.ReportChild("9831010040010001", critical);
        await community.ReportChild("9831010040010002", GridCounts.Empty with { Cells = new HealthCounts(1, 0, 0, 0) });

        var children = await community.GetChildren();

        children.Select(c => (c.Code, c.Health)).Should().BeEquivalentTo(
            [("9831010040010001", HealthLevel.Critical), ("9831010040010002", HealthLevel.Normal)]);
        (await community.GetSituation()).Health.Should().Be(HealthLevel.Critical);
    }

    [Fact]
    public async Task A_communitys_cells_that_never_reported_count_as_normal_cells()
    {
        var community = fixture.Grains.GetGrain<IRegionGrain>("983101005001");
        await community.SetChildren(["9831010050010001", "9831010050010002", "9831010050010003"]);
        var critical = new GridCounts(new Dictionary<DeviceKind, int>(), 0, new AlarmCounts(0, 0, 1), EventCounts.None, new HealthCounts(0, 0, 0, 1));

        await community.ReportChild("9831010050010002", critical);

        (await community.GetSituation()).Counts.Cells.Should().Be(new HealthCounts(2, 0, 0, 1));
    }
}
