using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using Orleans.Concurrency;

namespace CityOps.Grains.Interfaces.Situation;

/// <summary>
/// The live situation of one district (keyed by its 6-digit code), fanned out to the hosts that
/// run the situation hub. Twins (through each silo's situation outbox, in batches), cells and cases
/// tell it what changed without waiting (one-way calls); it coalesces the changes by id and sends them to every registered host a few times a
/// second. Hosts register an <see cref="ISituationObserver"/> and renew it periodically, because
/// observers are not durable: one that stops renewing expires.
/// </summary>
public interface ISituationFeedGrain : IGrainWithStringKey
{
    /// <summary>Devices' states changed; <paramref name="raised"/> are the alarms they raised with these changes.</summary>
    [OneWay]
    Task DevicesChanged(DeviceSituation[] devices, RaisedAlarm[] raised);

    /// <summary>A unit grid cell's counts or health changed.</summary>
    [OneWay]
    Task CellChanged(GridSituation cell);

    /// <summary>A case changed (reported, moved on, escalated, ended).</summary>
    [OneWay]
    Task EventChanged(EventSummary summary);

    /// <summary>Registers a host, or renews its registration.</summary>
    Task Subscribe(ISituationObserver observer);

    Task Unsubscribe(ISituationObserver observer);
}

/// <summary>A host of the situation hub, receiving the districts' batches of changes.</summary>
public interface ISituationObserver : IGrainObserver
{
    /// <summary>One-way, so a slow or vanished host never holds up a district's feed.</summary>
    [OneWay]
    Task OnChanges(SituationChanges changes);
}
