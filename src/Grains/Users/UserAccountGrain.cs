using CityOps.Grains.Interfaces.Users;

namespace CityOps.Grains.Users;

/// <summary>
/// A user's account (docs/security.md, Sign-in). Failures of a username nobody holds are counted in
/// memory only, so an unknown username is locked out like a known one and its answers do not tell
/// that it does not exist, and guessing names writes nothing.
/// </summary>
public sealed class UserAccountGrain([PersistentState("userAccount", "Default")] IPersistentState<UserAccountState> state)
    : Grain, IUserAccountGrain
{
    /// <summary>Sessions a user may hold at once; the oldest goes first.</summary>
    public const int MaxSessions = 50;

    /// <summary>Rotated secrets remembered per session to recognise a reuse.</summary>
    public const int RememberedSecrets = 64;

    private readonly List<DateTimeOffset> _unknownFailures = [];
    private DateTimeOffset? _unknownLockedUntil;

    private UserAccountState Account => state.State;

    private bool Exists => Account.Profile is not null;

    public Task<UserAccountView?> Get() => Task.FromResult(View());

    public async Task<bool> Create(UserProfile profile, string passwordHash, bool initialPassword, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        if (Exists)
        {
            return false;
        }

        Account.Profile = profile with { Username = this.GetPrimaryKeyString() };
        Account.PasswordHash = passwordHash;
        Account.InitialPassword = initialPassword;
        Account.UpdatedAt = at;
        await state.WriteStateAsync();
        return true;
    }

    public async Task<UserAccountView?> UpdateProfile(UserProfile profile, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!Exists)
        {
            return null;
        }

        Account.Profile = profile with { Username = this.GetPrimaryKeyString() };
        await RevokeAllAsync(at);
        return View();
    }

    public async Task<UserAccountView?> SetDisabled(bool disabled, DateTimeOffset at)
    {
        if (!Exists)
        {
            return null;
        }

        Account.Disabled = disabled;
        await RevokeAllAsync(at);
        return View();
    }

    public async Task<UserAccountView?> SetPassword(string passwordHash, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        if (!Exists)
        {
            return null;
        }

        Account.PasswordHash = passwordHash;
        Account.InitialPassword = false;
        Account.RecentFailures = [];
        Account.LockedUntil = null;
        await RevokeAllAsync(at);
        return View();
    }

    public Task<SignInTicket> BeginSignIn(DateTimeOffset now)
    {
        var lockedUntil = Exists ? Account.LockedUntil : _unknownLockedUntil;
        if (lockedUntil is { } until && until > now)
        {
            return Task.FromResult(new SignInTicket(SignInGate.Locked, null, until));
        }

        if (!Exists)
        {
            return Task.FromResult(new SignInTicket(SignInGate.Unknown, null, null));
        }

        return Task.FromResult(Account.Disabled
            ? new SignInTicket(SignInGate.Disabled, null, null)
            : new SignInTicket(SignInGate.Open, Account.PasswordHash, null));
    }

    public async Task<SignInResult> CompleteSignIn(bool passwordMatched, LockoutPolicy policy, NewSession session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(session);
        if (!Exists)
        {
            _unknownLockedUntil = Fail(_unknownFailures, policy, now) ?? _unknownLockedUntil;
            return new SignInResult(false, null, 0, _unknownLockedUntil > now ? _unknownLockedUntil : null);
        }

        if (Account.LockedUntil is { } until && until > now)
        {
            return new SignInResult(false, null, 0, until);
        }

        if (!passwordMatched || Account.Disabled)
        {
            var failures = Account.RecentFailures.ToList();
            Account.LockedUntil = Fail(failures, policy, now) ?? Account.LockedUntil;
            Account.RecentFailures = [.. failures];
            await state.WriteStateAsync();
            return new SignInResult(false, null, 0, Account.LockedUntil > now ? Account.LockedUntil : null);
        }

        Account.RecentFailures = [];
        Account.LockedUntil = null;
        Account.LastSignInAt = now;
        if (Account.Sessions.Count >= MaxSessions)
        {
            Prune(now);
        }

        while (Account.Sessions.Count >= MaxSessions)
        {
            Account.Sessions.Remove(Account.Sessions.MinBy(s => s.Value.IssuedAt).Key);
        }

        Account.Sessions[session.SessionId] = new UserSession { CurrentHash = session.SecretHash, IssuedAt = now, ExpiresAt = session.ExpiresAt };
        await state.WriteStateAsync();
        return new SignInResult(true, Account.Profile, Account.TokenVersion, null);
    }

    public async Task<RefreshResult> Refresh(string sessionId, string presentedHash, string nextHash, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (!Exists || Account.Disabled || !Account.Sessions.TryGetValue(sessionId, out var session) || session.ExpiresAt <= now)
        {
            return new RefreshResult(RefreshOutcome.Invalid, null, 0);
        }

        if (session.UsedHashes.Contains(presentedHash, StringComparer.Ordinal))
        {
            // A refresh token already exchanged came back: one of the two holders is not the user. End the family.
            Account.Sessions.Remove(sessionId);
            await state.WriteStateAsync();
            return new RefreshResult(RefreshOutcome.ReuseDetected, Account.Profile, Account.TokenVersion);
        }

        if (!string.Equals(session.CurrentHash, presentedHash, StringComparison.Ordinal))
        {
            return new RefreshResult(RefreshOutcome.Invalid, null, 0);
        }

        session.UsedHashes = [.. session.UsedHashes.TakeLast(RememberedSecrets - 1), presentedHash];
        session.CurrentHash = nextHash;
        session.ExpiresAt = expiresAt;
        await state.WriteStateAsync();
        return new RefreshResult(RefreshOutcome.Rotated, Account.Profile, Account.TokenVersion);
    }

    public async Task SignOut(string sessionId)
    {
        if (Exists && Account.Sessions.Remove(sessionId))
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>The access token's own expiry is checked with its signature; here only whether it was revoked.</summary>
    public ValueTask<bool> Validates(int tokenVersion, string sessionId, DateTimeOffset now) =>
        ValueTask.FromResult(Exists && !Account.Disabled && Account.TokenVersion == tokenVersion && Account.Sessions.ContainsKey(sessionId));

    /// <summary>Counts a failure in the window; the lockout's end when this one reaches the limit.</summary>
    private static DateTimeOffset? Fail(List<DateTimeOffset> failures, LockoutPolicy policy, DateTimeOffset now)
    {
        failures.RemoveAll(f => f <= now - policy.Window);
        failures.Add(now);
        if (failures.Count < policy.MaxFailures)
        {
            return null;
        }

        failures.Clear();
        return now + policy.Duration;
    }

    private async Task RevokeAllAsync(DateTimeOffset at)
    {
        Account.TokenVersion++;
        Account.Sessions.Clear();
        Account.UpdatedAt = at;
        await state.WriteStateAsync();
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var expired in Account.Sessions.Where(s => s.Value.ExpiresAt <= now).Select(s => s.Key).ToList())
        {
            Account.Sessions.Remove(expired);
        }
    }

    private UserAccountView? View() => Account.Profile is { } profile
        ? new UserAccountView(profile, Account.Disabled, Account.InitialPassword, Account.TokenVersion, Account.LockedUntil, Account.UpdatedAt, Account.LastSignInAt, Account.Sessions.Count)
        : null;
}

[GenerateSerializer]
public sealed class UserAccountState
{
    [Id(0)] public UserProfile? Profile { get; set; }
    [Id(1)] public string? PasswordHash { get; set; }
    [Id(2)] public bool Disabled { get; set; }
    [Id(3)] public bool InitialPassword { get; set; }
    [Id(4)] public int TokenVersion { get; set; }
    [Id(5)] public DateTimeOffset[] RecentFailures { get; set; } = [];
    [Id(6)] public DateTimeOffset? LockedUntil { get; set; }
    [Id(7)] public Dictionary<string, UserSession> Sessions { get; set; } = [];
    [Id(8)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(9)] public DateTimeOffset? LastSignInAt { get; set; }
}

/// <summary>One refresh-token family: the hash of its current secret and of those already rotated.</summary>
[GenerateSerializer]
public sealed class UserSession
{
    [Id(0)] public string CurrentHash { get; set; } = "";
    [Id(1)] public string[] UsedHashes { get; set; } = [];
    [Id(2)] public DateTimeOffset IssuedAt { get; set; }
    [Id(3)] public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>The usernames, in order, and whether the city's users.json was seeded.</summary>
public sealed class UserDirectoryGrain([PersistentState("userDirectory", "Default")] IPersistentState<UserDirectoryState> state)
    : Grain, IUserDirectoryGrain
{
    public Task<string[]> List() => Task.FromResult(state.State.Usernames);

    public async Task<bool> Create(UserProfile profile, string passwordHash, bool initialPassword, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var created = await GrainFactory.GetGrain<IUserAccountGrain>(profile.Username).Create(profile, passwordHash, initialPassword, at);

        // Listed whether just created or left unlisted by a start cut short after the account was written.
        if (!state.State.Usernames.Contains(profile.Username, StringComparer.Ordinal)
            && await GrainFactory.GetGrain<IUserAccountGrain>(profile.Username).Get() is not null)
        {
            state.State.Usernames = [.. state.State.Usernames.Append(profile.Username).Order(StringComparer.Ordinal)];
            await state.WriteStateAsync();
        }

        return created;
    }

    public Task<bool> IsSeeded() => Task.FromResult(state.State.Seeded);

    public async Task MarkSeeded()
    {
        state.State.Seeded = true;
        await state.WriteStateAsync();
    }
}

[GenerateSerializer]
public sealed class UserDirectoryState
{
    [Id(0)] public string[] Usernames { get; set; } = [];
    [Id(1)] public bool Seeded { get; set; }
}
