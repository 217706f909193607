using Orleans.Concurrency;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Grid;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Events;

/// <summary>Intake has no state of its own: any silo runs it next to the caller.</summary>
[StatelessWorker]
public sealed class EventIntakeGrain(EventServices services, ILogger<EventIntakeGrain> logger) : Grain, IEventIntakeGrain
{
    public async Task<IntakeResult> Report(EventReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        services.Catalogue.Require(report.Category);
        var location = report.Location;
        var footprint = new EventFootprint(string.Empty, report.Category, location.Longitude, location.Latitude, report.At, EventState.Reported);
        var window = new DuplicateWindow(services.Options.DuplicateRadiusMetres, services.Options.DuplicateWindow);
        var admission = await GrainFactory.GetGrain<IEventIndexGrain>(GridCodes.DistrictOf(location.CellCode)).Admit(footprint, window);
        var grain = GrainFactory.GetGrain<IUrbanEventGrain>(admission.EventId);
        if (admission.IsDuplicate)
        {
            await grain.AddDuplicate(report, null);
            var primary = await grain.Get();
            return new IntakeResult(admission.EventId, true, primary?.Summary.State ?? EventState.Reported);
        }

        var opened = await grain.Open(report);
        return new IntakeResult(admission.EventId, false, opened.Summary.State);
    }

    public async Task ReportAlarm(EventReport report)
    {
        try
        {
            var result = await Report(report);
            logger.LogInformation("Alarm {Category} from {Device} {Outcome} case {EventId}", report.Category, report.Reporter, result.Merged ? "counted on" : "opened", result.EventId);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Alarm {Category} from {Device} could not be taken in", report.Category, report.Reporter);
        }
    }
}
