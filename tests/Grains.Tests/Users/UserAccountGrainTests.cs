using CityOps.Grains.Interfaces.Users;

namespace CityOps.Grains.Tests.Users;

[Collection(ClusterTests.Name)]
public class UserAccountGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly LockoutPolicy Policy = new(5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15));

    private async Task<IUserAccountGrain> NewAccountAsync()
    {
        var name = $"user-{Guid.NewGuid():N}";
        var account = fixture.Grains.GetGrain<IUserAccountGrain>(name);
        (await account.Create(new UserProfile(name, "测试", ["operator"], ["9901"], null), "hash", initialPassword: true, T0)).Should().BeTrue();
        return account;
    }

    private static NewSession Session(string id, string hash = "h0") => new(id, hash, T0.AddHours(12));

    [Fact]
    public async Task Five_failures_within_fifteen_minutes_lock_the_account_for_fifteen_minutes()
    {
        var account = await NewAccountAsync();
        for (var i = 0; i < 4; i++)
        {
            (await account.CompleteSignIn(false, Policy, Session("s"), T0.AddMinutes(i))).LockedUntil.Should().BeNull();
        }

        var fifth = await account.CompleteSignIn(false, Policy, Session("s"), T0.AddMinutes(4));

        fifth.LockedUntil.Should().Be(T0.AddMinutes(19));
        (await account.BeginSignIn(T0.AddMinutes(18))).Gate.Should().Be(SignInGate.Locked);
        (await account.CompleteSignIn(true, Policy, Session("s"), T0.AddMinutes(18))).SignedIn.Should().BeFalse("a right password does not open a locked account");
        (await account.BeginSignIn(T0.AddMinutes(19))).Gate.Should().Be(SignInGate.Open);
    }

    [Fact]
    public async Task Failures_older_than_the_window_do_not_count()
    {
        var account = await NewAccountAsync();
        for (var i = 0; i < 4; i++)
        {
            await account.CompleteSignIn(false, Policy, Session("s"), T0.AddMinutes(i * 5));
        }

        (await account.CompleteSignIn(false, Policy, Session("s"), T0.AddMinutes(20))).LockedUntil.Should().BeNull();
    }

    [Fact]
    public async Task An_unknown_username_is_locked_out_like_a_known_one()
    {
        var ghost = fixture.Grains.GetGrain<IUserAccountGrain>($"ghost-{Guid.NewGuid():N}");
        (await ghost.BeginSignIn(T0)).Gate.Should().Be(SignInGate.Unknown);
        SignInResult last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await ghost.CompleteSignIn(false, Policy, Session("s"), T0.AddMinutes(i));
        }

        last.LockedUntil.Should().Be(T0.AddMinutes(19));
        (await ghost.BeginSignIn(T0.AddMinutes(5))).Gate.Should().Be(SignInGate.Locked);
        (await ghost.Get()).Should().BeNull("guessing names creates no account");
    }

    [Fact]
    public async Task A_refresh_rotates_the_secret_and_the_old_one_used_again_revokes_the_session()
    {
        var account = await NewAccountAsync();
        var signedIn = await account.CompleteSignIn(true, Policy, Session("s1", "h0"), T0);

        var first = await account.Refresh("s1", "h0", "h1", T0.AddHours(12), T0.AddMinutes(10));
        var reuse = await account.Refresh("s1", "h0", "h2", T0.AddHours(12), T0.AddMinutes(11));

        first.Outcome.Should().Be(RefreshOutcome.Rotated);
        reuse.Outcome.Should().Be(RefreshOutcome.ReuseDetected);
        (await account.Refresh("s1", "h1", "h3", T0.AddHours(12), T0.AddMinutes(12))).Outcome.Should().Be(RefreshOutcome.Invalid, "the whole family is revoked");
        (await account.Validates(signedIn.TokenVersion, "s1", T0.AddMinutes(12))).Should().BeFalse();
    }

    [Fact]
    public async Task A_wrong_refresh_secret_is_refused_without_ending_the_session()
    {
        var account = await NewAccountAsync();
        var signedIn = await account.CompleteSignIn(true, Policy, Session("s1", "h0"), T0);

        (await account.Refresh("s1", "guess", "h1", T0.AddHours(12), T0.AddMinutes(1))).Outcome.Should().Be(RefreshOutcome.Invalid);
        (await account.Validates(signedIn.TokenVersion, "s1", T0.AddMinutes(1))).Should().BeTrue();
    }

    [Fact]
    public async Task Signing_out_ends_only_that_session()
    {
        var account = await NewAccountAsync();
        var version = (await account.CompleteSignIn(true, Policy, Session("phone"), T0)).TokenVersion;
        await account.CompleteSignIn(true, Policy, Session("desk"), T0);

        await account.SignOut("phone");

        (await account.Validates(version, "phone", T0.AddMinutes(1))).Should().BeFalse();
        (await account.Validates(version, "desk", T0.AddMinutes(1))).Should().BeTrue();
    }

    [Fact]
    public async Task Disabling_revokes_every_token_and_enabling_does_not_bring_them_back()
    {
        var account = await NewAccountAsync();
        var version = (await account.CompleteSignIn(true, Policy, Session("s1"), T0)).TokenVersion;

        await account.SetDisabled(true, T0.AddMinutes(1));
        (await account.BeginSignIn(T0.AddMinutes(2))).Gate.Should().Be(SignInGate.Disabled);
        await account.SetDisabled(false, T0.AddMinutes(3));

        (await account.Validates(version, "s1", T0.AddMinutes(4))).Should().BeFalse();
    }

    [Fact]
    public async Task A_password_reset_revokes_every_token_lifts_the_lockout_and_ends_the_initial_password()
    {
        var account = await NewAccountAsync();
        var version = (await account.CompleteSignIn(true, Policy, Session("s1"), T0)).TokenVersion;
        for (var i = 0; i < 5; i++)
        {
            await account.CompleteSignIn(false, Policy, Session("x"), T0.AddMinutes(1));
        }

        var view = await account.SetPassword("new-hash", T0.AddMinutes(2));

        view!.InitialPassword.Should().BeFalse();
        view.LockedUntil.Should().BeNull();
        (await account.Validates(version, "s1", T0.AddMinutes(3))).Should().BeFalse();
        (await account.BeginSignIn(T0.AddMinutes(3))).Should().Be(new SignInTicket(SignInGate.Open, "new-hash", null));
    }

    [Fact]
    public async Task The_directory_lists_what_it_created_once()
    {
        var directory = fixture.Grains.GetGrain<IUserDirectoryGrain>($"directory-{Guid.NewGuid():N}");
        var name = $"dir-{Guid.NewGuid():N}";
        var profile = new UserProfile(name, "甲", ["responder"], ["990101"], "water");

        (await directory.Create(profile, "hash", false, T0)).Should().BeTrue();
        (await directory.Create(profile, "hash", false, T0)).Should().BeFalse();

        (await directory.List()).Should().Equal(name);
    }
}
