using CityOps.DashboardHost.Grid;
using CityOps.Grains.Devices;
using CityOps.Grains.Events;
using CityOps.Grains.Grid;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using CityOps.Grid;
using CityOps.Silo.Storage;
using Microsoft.Extensions.Options;

namespace CityOps.Silo.Recovery;

/// <summary>
/// At start, before devices may connect, finishes what a crash or a failed stop left half done:
/// reports admitted by a district's index whose case never opened are opened; twins marked as
/// holding alarm reports for intake send them; cases whose follow-ups were not all applied apply them; and
/// every stored case the index does not list at its stored version is told to the index again, so
/// the index always lists every open case; grid nodes whose counts were not reported before a stop
/// report them; devices last counted online are watched for silence. Each step is idempotent, so running it after a clean stop
/// finds nothing to do. See docs/reliability.md.
/// </summary>
public sealed partial class PendingWorkRecovery(
    GridRegistry grid,
    IGrainFactory grains,
    StoredStates stored,
    SilenceWatch silence,
    IOptions<DeviceTwinOptions> devices,
    TimeProvider clock,
    ILogger<PendingWorkRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var districts = grid.Current.DistrictsOf(grid.Current.City.Code);
        var opened = await OpenAdmittedAsync(districts);
        var alarms = await DeliverOutboxesAsync(cancellationToken);
        var (checkedCases, repaired) = await RepairIndexAsync(districts, cancellationToken);
        var (gridNodes, watched) = await ReportGridNodesAsync(cancellationToken);
        LogRecovered(opened, alarms, repaired, checkedCases, gridNodes, watched, watch.Elapsed.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<int> OpenAdmittedAsync(IReadOnlyList<string> districts)
    {
        var intake = grains.GetGrain<IEventIntakeGrain>(0);
        var count = 0;
        foreach (var district in districts)
        {
            foreach (var (eventId, report) in await grains.GetGrain<IEventIndexGrain>(district).Unopened())
            {
                // The report keeps its key, so intake finds its admission and opens that very case.
                await Try(() => intake.Report(report), "case " + eventId);
                count++;
            }
        }

        return count;
    }

    private async Task<int> DeliverOutboxesAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var (_, outbox) in stored.ReadAllAsync<AlarmOutboxState>("alarmOutbox", cancellationToken))
        {
            // A mark: the twin may hold reports; activating it sends them (or clears a mark with none).
            if (outbox is { DeviceId: { } deviceId })
            {
                await Try(() => DeviceTwins.Get(grains, outbox.Kind, deviceId).DeliverPendingAlarms(), "device " + deviceId);
                count++;
            }
        }

        return count;
    }

    /// <summary>Compares every stored case with its district's index; a case the index lacks or holds at another version, or with follow-ups left to apply, applies them and is told again.</summary>
    private async Task<(int Checked, int Repaired)> RepairIndexAsync(IReadOnlyList<string> districts, CancellationToken cancellationToken)
    {
        var listed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var district in districts)
        {
            foreach (var (id, version) in await grains.GetGrain<IEventIndexGrain>(district).Versions())
            {
                listed[id] = version;
            }
        }

        var (checkedCases, repaired) = (0, 0);
        await foreach (var (eventId, state) in stored.ReadAllAsync<UrbanEventState>("urbanEvent", cancellationToken))
        {
            if (eventId is null || state.Report is null)
            {
                continue;
            }

            checkedCases++;
            var isOpen = EventLifecycle.IsOpen(state.Status.State);
            var held = listed.TryGetValue(eventId, out var version);
            // An ended case may have been trimmed from the index on purpose; an open one never is.
            if ((isOpen && !held) || (held && version != state.Version) || state.PendingFollowUps.Count > 0)
            {
                await Try(() => grains.GetGrain<IUrbanEventGrain>(eventId).ApplyFollowUps(), "case " + eventId);
                repaired++;
            }
        }

        return (checkedCases, repaired);
    }

    /// <summary>
    /// Wakes each grid cell and region whose counts changed but were not reported to its parent before
    /// the stop, and watches the silence of every device a cell last counted online: such a device is
    /// given one silence threshold of the default interval from now to be heard from (its twin, once
    /// asked, judges by its own interval).
    /// </summary>
    private async Task<(int GridNodes, int Watched)> ReportGridNodesAsync(CancellationToken cancellationToken)
    {
        var (count, watched) = (0, 0);
        var due = clock.GetUtcNow() + (DeviceTwinOptions.DefaultExpectedInterval * devices.Value.SilenceIntervals);
        await foreach (var (_, cell) in stored.ReadAllAsync<GridCellState>("gridCell", cancellationToken))
        {
            foreach (var device in cell.Devices.Values)
            {
                if (device.Online)
                {
                    silence.Expect(device.DeviceId, device.Kind, due);
                    watched++;
                }
            }

            if (cell is { PendingReport: true, Code: { } code })
            {
                await Try(async () => await grains.GetGrain<IGridCellGrain>(code).GetSituation(), "grid cell " + code);
                count++;
            }
        }

        await foreach (var (_, region) in stored.ReadAllAsync<RegionState>("region", cancellationToken))
        {
            if (region is { PendingReport: true, Code: { } code })
            {
                await Try(async () => await grains.GetGrain<IRegionGrain>(code).GetSituation(), "region " + code);
                count++;
            }
        }

        return (count, watched);
    }

    private async Task Try(Func<Task> step, string what)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One broken grain must not keep the engine from starting; its own retry goes on.
            LogFailed(e, what);
        }
    }

    [LoggerMessage(LogLevel.Error, "Recovery at start: {What} could not be finished")]
    private partial void LogFailed(Exception exception, string what);

    [LoggerMessage(LogLevel.Information, "Recovery at start: {Opened} admitted reports opened, {Alarms} twins with stored alarms woken, {Repaired} of {Checked} cases told to the index again, {GridNodes} grid nodes' counts reported, {Watched} online devices' silence watched ({Seconds:F1} s)")]
    private partial void LogRecovered(int opened, int alarms, int repaired, int @checked, int gridNodes, int watched, double seconds);
}
