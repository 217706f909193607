namespace CityOps.Grains.Interfaces.Users;

/// <summary>What a user is allowed to do and where: the claims their tokens carry.</summary>
/// <param name="Roles">Of <c>admin</c>, <c>operator</c>, <c>dispatcher</c>, <c>responder</c>.</param>
/// <param name="Regions">Region codes (codes nest by prefix).</param>
/// <param name="Department">For dispatchers and responders, the department they work for.</param>
[GenerateSerializer, Immutable]
public sealed record UserProfile(
    [property: Id(0)] string Username,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string[] Roles,
    [property: Id(3)] string[] Regions,
    [property: Id(4)] string? Department);

/// <summary>A user account as administrators see it; never carries the password hash.</summary>
/// <param name="InitialPassword">The password is still the one the city's <c>users.json</c> gave (a demo or default password).</param>
/// <param name="TokenVersion">Goes up whenever the account's tokens must stop working (disabled, password reset, roles changed).</param>
/// <param name="LockedUntil">Set while repeated failed sign-ins keep the account locked.</param>
[GenerateSerializer, Immutable]
public sealed record UserAccountView(
    [property: Id(0)] UserProfile Profile,
    [property: Id(1)] bool Disabled,
    [property: Id(2)] bool InitialPassword,
    [property: Id(3)] int TokenVersion,
    [property: Id(4)] DateTimeOffset? LockedUntil,
    [property: Id(5)] DateTimeOffset UpdatedAt,
    [property: Id(6)] DateTimeOffset? LastSignInAt,
    [property: Id(7)] int ActiveSessions);

/// <summary>Where a sign-in stands before the password is checked.</summary>
public enum SignInGate
{
    /// <summary>No such user: the caller checks a decoy hash so the answer takes as long.</summary>
    Unknown,

    /// <summary>The account is disabled.</summary>
    Disabled,

    /// <summary>Too many failures: no password is checked until the lockout ends.</summary>
    Locked,

    /// <summary>The password may be checked against <see cref="SignInTicket.PasswordHash"/>.</summary>
    Open,
}

/// <summary>The cheap part of a sign-in: whether to check the password at all, and against what.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInTicket(
    [property: Id(0)] SignInGate Gate,
    [property: Id(1)] string? PasswordHash,
    [property: Id(2)] DateTimeOffset? LockedUntil);

/// <summary>How many failures lock an account, within what window, and for how long.</summary>
[GenerateSerializer, Immutable]
public sealed record LockoutPolicy(
    [property: Id(0)] int MaxFailures,
    [property: Id(1)] TimeSpan Window,
    [property: Id(2)] TimeSpan Duration);

/// <summary>A session opened by a successful sign-in: its id and the SHA-256 (hex) of its first refresh secret.</summary>
[GenerateSerializer, Immutable]
public sealed record NewSession(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string SecretHash,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>The outcome of a password check.</summary>
/// <param name="Profile">The user's profile when signed in.</param>
/// <param name="TokenVersion">The version the new tokens carry.</param>
/// <param name="LockedUntil">When this failure (or an earlier one) locked the account.</param>
[GenerateSerializer, Immutable]
public sealed record SignInResult(
    [property: Id(0)] bool SignedIn,
    [property: Id(1)] UserProfile? Profile,
    [property: Id(2)] int TokenVersion,
    [property: Id(3)] DateTimeOffset? LockedUntil);

/// <summary>What became of a refresh.</summary>
public enum RefreshOutcome
{
    /// <summary>The session goes on with a new refresh secret.</summary>
    Rotated,

    /// <summary>No such session, or the secret is not its current one: refused, nothing changes.</summary>
    Invalid,

    /// <summary>A secret already rotated was used again: the session (the token family) is revoked.</summary>
    ReuseDetected,
}

[GenerateSerializer, Immutable]
public sealed record RefreshResult(
    [property: Id(0)] RefreshOutcome Outcome,
    [property: Id(1)] UserProfile? Profile,
    [property: Id(2)] int TokenVersion);

/// <summary>
/// One person's account, keyed by username: profile, password hash, lockout, token version and the
/// sessions (refresh-token families) they have open. Every process validates tokens against it,
/// so a revocation holds everywhere at once.
/// </summary>
public interface IUserAccountGrain : IGrainWithStringKey
{
    Task<UserAccountView?> Get();

    /// <summary>Creates the account; false when the username is taken.</summary>
    Task<bool> Create(UserProfile profile, string passwordHash, bool initialPassword, DateTimeOffset at);

    /// <summary>Changes display name, roles, regions and department; the user's tokens stop working.</summary>
    Task<UserAccountView?> UpdateProfile(UserProfile profile, DateTimeOffset at);

    /// <summary>Disables or enables the account; either way the user's tokens stop working.</summary>
    Task<UserAccountView?> SetDisabled(bool disabled, DateTimeOffset at);

    /// <summary>Sets a new password (no longer an initial one), ends the lockout and revokes every token.</summary>
    Task<UserAccountView?> SetPassword(string passwordHash, DateTimeOffset at);

    /// <summary>The cheap checks before a password check: whether the user exists, is enabled and not locked.</summary>
    Task<SignInTicket> BeginSignIn(DateTimeOffset now);

    /// <summary>Records a password check: a failure counts towards the lockout; a success opens <paramref name="session"/>.</summary>
    Task<SignInResult> CompleteSignIn(bool passwordMatched, LockoutPolicy policy, NewSession session, DateTimeOffset now);

    /// <summary>Rotates a session's refresh secret; a rotated secret used again revokes the session.</summary>
    Task<RefreshResult> Refresh(string sessionId, string presentedHash, string nextHash, DateTimeOffset expiresAt, DateTimeOffset now);

    /// <summary>Ends a session: its refresh token and its access tokens stop working.</summary>
    Task SignOut(string sessionId);

    /// <summary>Whether an access token of this version and session may still be used.</summary>
    ValueTask<bool> Validates(int tokenVersion, string sessionId, DateTimeOffset now);
}

/// <summary>The list of usernames (key <see cref="Key"/>), and whether the city's users were seeded.</summary>
public interface IUserDirectoryGrain : IGrainWithStringKey
{
    const string Key = "city";

    Task<string[]> List();

    /// <summary>Creates the account and lists it; false when the username is taken.</summary>
    Task<bool> Create(UserProfile profile, string passwordHash, bool initialPassword, DateTimeOffset at);

    Task<bool> IsSeeded();

    Task MarkSeeded();
}
