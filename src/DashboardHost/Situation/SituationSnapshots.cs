using System.Collections.Concurrent;
using CityOps.DashboardHost.Events;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CityOps.DashboardHost.Situation;

/// <summary>
/// Reads a region's current situation from the grains for a subscription's first frame: every
/// cell (from the communities' latest reports, so a city-wide snapshot does not wake 10,000 cell
/// grains), the devices <see cref="SituationBuffer.ShowsAllDevices"/> says to show (capped at
/// <see cref="SituationOptions.MaxSnapshotDevices"/>, alarmed ones first), their standing alarms,
/// the open cases from the districts' indexes and today's KPIs.
/// </summary>
public sealed class SituationSnapshots(IGrainFactory grains, GridRegistry grid, IOptions<SituationOptions> options, IConfiguration configuration, TimeProvider clock)
{
    private const int Parallelism = 32;

    private static readonly EventState[] OpenStates = [.. EventStates.Open];

    /// <summary>The city's time zone, which decides the KPIs' day; the same setting the case grains count by.</summary>
    private readonly TimeSpan _kpiUtcOffset = configuration.GetValue(CityDays.UtcOffsetSetting, CityDays.DefaultUtcOffset);

    /// <param name="viewer">The subscriber: the snapshot holds only the cases they may see.</param>
    public async Task<SituationFrame> BuildAsync(string region, CaseViewer viewer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var model = grid.Current;
        var level = model.Region(region)?.Level ?? throw new ArgumentException($"No region '{region}'.", nameof(region));
        var cellsTask = ReadCellsAsync(model, region, level, cancellationToken);
        var eventsTask = ReadEventsAsync(model, region, viewer);
        var kpisTask = ReadKpisAsync(region, cancellationToken);
        var cells = await cellsTask;
        var devices = await ReadDevicesAsync(cells, SituationBuffer.ShowsAllDevices(level), cancellationToken);
        var alarms = devices
            .SelectMany(d => d.Alarms.Select(a => new AlarmEntry(d.Id, a.Kind, a.Severity, a.RaisedAt, d.CellCode, d.Location)))
            .OrderByDescending(a => a.RaisedAt)
            .ToList();
        return new SituationFrame(0, region, devices, [.. cells.Select(CellEntry.From)], await eventsTask, alarms, await kpisTask);
    }

    /// <summary>Today's KPIs of a region: its ledger's counters for the current day in the city's time zone.</summary>
    public async Task<KpiResponse> ReadKpisAsync(string region, CancellationToken cancellationToken)
    {
        var day = CityDays.DayOf(clock.GetUtcNow(), _kpiUtcOffset);
        var scope = KpiScopes.Region(region);
        var sum = await grains.GetGrain<IKpiLedgerGrain>(scope).Sum(day, day).WaitAsync(cancellationToken);
        return KpiResponse.Of(scope, day, day, sum);
    }

    /// <summary>Every cell of the region in code order; a cell that never reported is an empty, normal one.</summary>
    private async Task<IReadOnlyList<GridSituation>> ReadCellsAsync(GridModel model, string region, GridLevel level, CancellationToken cancellationToken)
    {
        IEnumerable<string> communities = level == GridLevel.Community
            ? [region]
            : model.Regions.Where(r => r.Level == GridLevel.Community && GridCodes.IsWithin(r.Code, region)).Select(r => r.Code);
        var reported = new ConcurrentDictionary<string, GridSituation>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(communities, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (code, _) =>
        {
            foreach (var cell in await grains.GetGrain<IRegionGrain>(code).GetChildren())
            {
                reported[cell.Code] = cell;
            }
        });
        return [.. model.CellsWithin(region).Select(c => reported.GetValueOrDefault(c.Code) ?? new GridSituation(c.Code, GridCounts.Empty, HealthLevel.Normal, null))];
    }

    private async Task<IReadOnlyList<DeviceEntry>> ReadDevicesAsync(IReadOnlyList<GridSituation> cells, bool allDevices, CancellationToken cancellationToken)
    {
        var alarmed = (GridSituation c) => c.Counts.Alarms.Minor + c.Counts.Alarms.Major + c.Counts.Alarms.Critical > 0;
        var wanted = cells.Where(c => allDevices ? c.Counts.Devices > 0 : alarmed(c)).Select(c => c.Code);
        var statuses = new ConcurrentBag<DeviceCellStatus>();
        await Parallel.ForEachAsync(wanted, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (code, _) =>
        {
            foreach (var device in await grains.GetGrain<IGridCellGrain>(code).GetDevices())
            {
                if (allDevices || device.ActiveAlarms.Length > 0)
                {
                    statuses.Add(device);
                }
            }
        });

        var chosen = statuses
            .OrderByDescending(d => d.ActiveAlarms.Length > 0)
            .ThenBy(d => d.DeviceId, StringComparer.Ordinal)
            .Take(options.Value.MaxSnapshotDevices);
        var devices = new ConcurrentBag<DeviceEntry>();
        await Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (status, _) =>
        {
            if (await DeviceTwins.Get(grains, status.Kind, status.DeviceId).GetSnapshot() is { } snapshot)
            {
                devices.Add(DeviceEntry.From(snapshot));
            }
        });
        return [.. devices.OrderBy(d => d.Id, StringComparer.Ordinal)];
    }

    /// <summary>The region's open cases the viewer may see, from its district's index, or from every district's for the city.</summary>
    private async Task<IReadOnlyList<EventEntry>> ReadEventsAsync(GridModel model, string region, CaseViewer viewer)
    {
        var districts = model.DistrictsOf(region);
        var query = new EventQuery(region, OpenStates, null, null, null, clock.GetUtcNow(), options.Value.MaxSnapshotEvents, viewer);
        var found = await Task.WhenAll(districts.Select(d => grains.GetGrain<IEventIndexGrain>(d).Query(query)));
        return
        [
            .. found.SelectMany(f => f)
                .OrderByDescending(e => e.UpdatedAt)
                .ThenBy(e => e.Id, StringComparer.Ordinal)
                .Take(options.Value.MaxSnapshotEvents)
                .Select(EventEntry.From),
        ];
    }
}
