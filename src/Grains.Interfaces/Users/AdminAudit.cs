using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Interfaces.Users;

/// <summary>
/// One entry of the administration audit: a sign-in (successful or not, with the address it came
/// from) or an administrator's change to a user. Hash-chained like a case's audit trail.
/// </summary>
/// <param name="Actor">Who acted: the administrator, or the username a sign-in was tried for.</param>
/// <param name="Action">One of <see cref="AdminAuditActions"/>.</param>
/// <param name="Subject">The user acted on, when not the actor.</param>
/// <param name="Origin">The client address.</param>
/// <param name="Details">Facts of the action (why a sign-in failed, the roles given), keyed by name.</param>
/// <param name="HashAlgorithm"><c>sha256</c> or <c>sm3</c>; null (SHA-256) in entries written before entries recorded it.</param>
[GenerateSerializer, Immutable]
public sealed record AdminAuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Action,
    [property: Id(4)] string? Subject,
    [property: Id(5)] bool Succeeded,
    [property: Id(6)] string? Origin,
    [property: Id(7)] Dictionary<string, string> Details,
    [property: Id(8)] string PreviousHash,
    [property: Id(9)] string Hash,
    [property: Id(10)] string? HashAlgorithm = null) : IChainedEntry;

/// <summary>The facts of an administration audit entry before the chain numbers and hashes it.</summary>
[GenerateSerializer, Immutable]
public sealed record AdminAuditRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Action,
    [property: Id(3)] string? Subject,
    [property: Id(4)] bool Succeeded,
    [property: Id(5)] string? Origin,
    [property: Id(6)] Dictionary<string, string> Details);

/// <summary>The actions the administration audit records.</summary>
public static class AdminAuditActions
{
    public const string SignIn = "signIn";
    public const string SignOut = "signOut";
    public const string RefreshReused = "refreshReused";
    public const string CreateUser = "createUser";
    public const string UpdateUser = "updateUser";
    public const string DisableUser = "disableUser";
    public const string EnableUser = "enableUser";
    public const string ResetPassword = "resetPassword";
}

/// <summary>
/// The administration audit of one month (key <c>yyyy-MM</c>, UTC), append-only and hash-chained,
/// with an anchor kept apart from the trail as a case's is.
/// </summary>
public interface IAdminAuditGrain : IGrainWithStringKey
{
    Task<AdminAuditEntry> Append(AdminAuditRecord record);

    Task<AdminAuditEntry[]> Get();

    Task<AuditVerification> Verify();

    /// <summary>The month's head as it stands, for a signed audit checkpoint.</summary>
    Task<AuditAnchor> Head();
}

/// <summary>The grain key of the month an instant falls in.</summary>
public static class AdminAuditMonths
{
    public static string Of(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
