using CityOps.Grains.Interfaces.Cluster;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using Orleans.Concurrency;

namespace CityOps.Grains.Events;

/// <summary>
/// Intake has no state of its own: any silo runs it next to the caller. Every step is idempotent
/// by the report's key (the index remembers its admission, the case the reports it counted), so a
/// caller that did not hear back sends the same report again and gets the same case. Intake itself does so when a
/// step's silo leaves under it (<see cref="ClusterFailures"/>), so a silo stopped gracefully fails no report.
/// </summary>
[StatelessWorker]
public sealed class EventIntakeGrain(EventServices services) : Grain, IEventIntakeGrain
{
    public Task<IntakeResult> Report(EventReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        services.Catalogue.Require(report.Category);
        var keyed = report.IdempotencyKey is null ? report with { IdempotencyKey = "intake:" + Guid.NewGuid().ToString("N") } : report;
        return ClusterFailures.RetryWhileSilosLeaveAsync(() => AdmitAndOpen(keyed));
    }

    private async Task<IntakeResult> AdmitAndOpen(EventReport keyed)
    {
        var window = new DuplicateWindow(services.Options.DuplicateRadiusMetres, services.Options.DuplicateWindow);
        var admission = await GrainFactory.GetGrain<IEventIndexGrain>(GridCodes.DistrictOf(keyed.Location.CellCode)).Admit(keyed, window);
        var grain = GrainFactory.GetGrain<IUrbanEventGrain>(admission.EventId);
        if (admission.IsDuplicate)
        {
            await grain.AddDuplicate(keyed, null);
            var primary = await grain.Get();
            return new IntakeResult(admission.EventId, true, primary?.Summary.State ?? EventState.Reported);
        }

        var opened = await grain.Open(keyed);
        return new IntakeResult(admission.EventId, false, opened.Summary.State);
    }
}
