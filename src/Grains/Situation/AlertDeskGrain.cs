using CityOps.Grains.Interfaces.Situation;

namespace CityOps.Grains.Situation;

/// <summary>A district's acknowledged alerts (<see cref="IAlertDeskGrain"/>), written on each acknowledgement: an operator's act, never a stream.</summary>
public sealed class AlertDeskGrain(
    [PersistentState("alertDesk", "Default")] IPersistentState<AlertDeskState> state) : Grain, IAlertDeskGrain
{
    public async Task<AlertAcknowledgement> Acknowledge(string caseId, string by, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(caseId);
        ArgumentException.ThrowIfNullOrEmpty(by);
        if (state.State.Acknowledged.Find(a => a.CaseId == caseId) is { } earlier)
        {
            return earlier;
        }

        var acknowledgement = new AlertAcknowledgement(caseId, by, at);
        state.State.Acknowledged.Add(acknowledgement);
        if (state.State.Acknowledged.Count > IAlertDeskGrain.MaxKept)
        {
            state.State.Acknowledged.RemoveRange(0, state.State.Acknowledged.Count - IAlertDeskGrain.MaxKept);
        }

        await state.WriteStateAsync();
        return acknowledgement;
    }

    public ValueTask<AlertAcknowledgement[]> GetAcknowledged() => ValueTask.FromResult(state.State.Acknowledged.ToArray());
}

/// <summary>Acknowledged alerts, oldest first.</summary>
[GenerateSerializer]
public sealed class AlertDeskState
{
    [Id(0)] public List<AlertAcknowledgement> Acknowledged { get; set; } = [];
}
