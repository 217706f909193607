using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Interfaces.Grid;

/// <summary>What a device twin tells its grid cell: sent when it changes, never per reading.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceCellStatus(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] DeviceKind Kind,
    [property: Id(2)] bool Online,
    [property: Id(3)] AlarmSeverity[] ActiveAlarms);

/// <summary>A device the city's registration places in a cell.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceRegistrant([property: Id(0)] string DeviceId, [property: Id(1)] DeviceKind Kind);

/// <summary>What an urban event tells the cell it happened in: sent on each lifecycle change and when it becomes overdue.</summary>
/// <param name="Open">False once the case is closed, rejected or merged; the cell then forgets it.</param>
/// <param name="Overdue">The current stage has passed its time limit (督办).</param>
[GenerateSerializer, Immutable]
public sealed record EventCellStatus(
    [property: Id(0)] string EventId,
    [property: Id(1)] bool Open,
    [property: Id(2)] bool Overdue,
    [property: Id(3)] EventUrgency Urgency);

/// <summary>
/// A unit grid cell (单元网格), keyed by its 16-digit code. It keeps its devices' and events'
/// latest status, and reports its counts to its community's <see cref="IRegionGrain"/> on a
/// timer when they changed, never once per call.
/// </summary>
public interface IGridCellGrain : IGrainWithStringKey
{
    /// <summary>A device placed in this cell was provisioned or changed its online state or alarms.</summary>
    ValueTask UpdateDevice(DeviceCellStatus status);

    /// <summary>
    /// As <see cref="UpdateDevice"/>, without the caller waiting: a device that only came online, which a
    /// twin tells its cell while its readings wait behind it, and which a lost message costs little.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task DeviceCameOnline(DeviceCellStatus status);

    /// <summary>
    /// The city's registration places these devices in this cell: each one not yet known is counted, offline and
    /// without alarms, until its twin reports; a known one keeps the status its twin reported. One call per cell;
    /// the cell is stored before it answers.
    /// </summary>
    ValueTask RegisterDevices(DeviceRegistrant[] devices);

    /// <summary>A device left this cell (moved to another cell or decommissioned).</summary>
    ValueTask RemoveDevice(string deviceId);

    /// <summary>An event located in this cell was reported, changed stage, became overdue or ended.</summary>
    ValueTask UpdateEvent(EventCellStatus status);

    /// <summary>The cell's live counts and health.</summary>
    ValueTask<GridSituation> GetSituation();

    /// <summary>The devices placed in this cell as last reported by their twins, by id.</summary>
    ValueTask<IReadOnlyList<DeviceCellStatus>> GetDevices();
}
