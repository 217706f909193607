using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Events;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CityOps.Grains.Devices;

/// <summary>Stateless: any silo runs as many as it needs, next to the twins that send.</summary>
[StatelessWorker]
public sealed class AlarmCourierGrain(ILogger<AlarmCourierGrain> logger) : Grain, IAlarmCourierGrain
{
    public async Task Deliver(DeviceKind kind, string deviceId, EventReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (EngineStopping.Began(ServiceProvider))
        {
            return;
        }

        try
        {
            var result = await GrainFactory.GetGrain<IEventIntakeGrain>(0).Report(report);
            logger.LogInformation("Alarm {Category} from {Device} {Outcome} case {EventId}", report.Category, deviceId, result.Merged ? "counted on" : "opened", result.EventId);
            await DeviceTwins.Get(GrainFactory, kind, deviceId).AlarmTaken(report.IdempotencyKey!);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The report stays in the twin's outbox, which sends it again later.
            logger.LogWarning(e, "Alarm {Category} from {Device} not taken by case intake yet; its twin sends it again", report.Category, deviceId);
        }
    }
}
