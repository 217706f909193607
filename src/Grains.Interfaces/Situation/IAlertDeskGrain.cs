namespace CityOps.Grains.Interfaces.Situation;

/// <summary>An operator's acknowledgement of a critical case's alert on the big screen.</summary>
[GenerateSerializer, Immutable]
public sealed record AlertAcknowledgement(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string By,
    [property: Id(2)] DateTimeOffset At);

/// <summary>
/// The command centre's alert desk of one district (keyed by its code): which critical cases'
/// alerts an operator has acknowledged, so every screen stops flashing them. Only the latest
/// <see cref="MaxKept"/> are kept; a case's alert matters while it is new.
/// </summary>
public interface IAlertDeskGrain : IGrainWithStringKey
{
    const int MaxKept = 500;

    /// <summary>Records the acknowledgement; a case acknowledged before keeps its first one, which is returned.</summary>
    Task<AlertAcknowledgement> Acknowledge(string caseId, string by, DateTimeOffset at);

    ValueTask<AlertAcknowledgement[]> GetAcknowledged();
}
