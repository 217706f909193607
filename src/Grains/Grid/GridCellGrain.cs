using CityOps.Grains.Interfaces.Grid;
using CityOps.Grains.Interfaces.Situation;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Grid;

public sealed class GridCellGrain(
    [PersistentState("gridCell", "Default")] IPersistentState<GridCellState> state,
    TimeProvider clock,
    ILogger<GridCellGrain> logger)
    : GridNodeGrain<GridCellState>(state, clock, logger), IGridCellGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (GridCodes.LevelOf(Code) != GridLevel.Cell)
        {
            throw new InvalidOperationException($"'{Code}' is not a unit grid cell code.");
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public async ValueTask UpdateDevice(DeviceCellStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!Node.Devices.TryGetValue(status.DeviceId, out var known) || !SameDevice(known, status))
        {
            Node.Devices[status.DeviceId] = status;
            await ChangedAsync();
        }
    }

    public Task DeviceCameOnline(DeviceCellStatus status) => UpdateDevice(status).AsTask();

    public async ValueTask RegisterDevices(DeviceRegistrant[] devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var changed = false;
        foreach (var (deviceId, kind) in devices)
        {
            if (!Node.Devices.TryGetValue(deviceId, out var known))
            {
                Node.Devices[deviceId] = new DeviceCellStatus(deviceId, kind, false, []);
                changed = true;
            }
            else if (known.Kind != kind)
            {
                Node.Devices[deviceId] = known with { Kind = kind };
                changed = true;
            }
        }

        // Stored before the answer, so the import is remembered only once every cell holds its devices.
        if (changed)
        {
            await ChangedAsync();
            await ReportNowAsync();
        }
    }

    public async ValueTask RemoveDevice(string deviceId)
    {
        if (Node.Devices.Remove(deviceId))
        {
            await ChangedAsync();
        }
    }

    public async ValueTask UpdateEvent(EventCellStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (!status.Open)
        {
            if (Node.Events.Remove(status.EventId))
            {
                await ChangedAsync();
            }
        }
        else if (!Node.Events.TryGetValue(status.EventId, out var known) || known != status)
        {
            Node.Events[status.EventId] = status;
            await ChangedAsync();
        }
    }

    public ValueTask<IReadOnlyList<DeviceCellStatus>> GetDevices() =>
        ValueTask.FromResult<IReadOnlyList<DeviceCellStatus>>([.. Node.Devices.Values.OrderBy(d => d.DeviceId, StringComparer.Ordinal)]);

    protected override GridCounts Count() => GridRollup.CountCell(Node.Devices.Values, Node.Events.Values);

    protected override HealthLevel HealthOf(GridCounts counts) => HealthRules.ForCell(counts);

    /// <summary>Marks the change for the parent region and tells the situation feed at once (one-way; cells change only on status changes, not per reading).</summary>
    private Task ChangedAsync()
    {
        Changed();
        var counts = Count();
        return GrainFactory.GetGrain<ISituationFeedGrain>(GridCodes.DistrictOf(Code))
            .CellChanged(new GridSituation(Code, counts, HealthOf(counts), Node.UpdatedAt));
    }

    private static bool SameDevice(DeviceCellStatus a, DeviceCellStatus b) =>
        a.Kind == b.Kind && a.Online == b.Online && a.ActiveAlarms.Order().SequenceEqual(b.ActiveAlarms.Order());
}

[GenerateSerializer]
public sealed class GridCellState : GridNodeState
{
    [Id(0)] public Dictionary<string, DeviceCellStatus> Devices { get; set; } = [];
    [Id(1)] public Dictionary<string, EventCellStatus> Events { get; set; } = [];
}
