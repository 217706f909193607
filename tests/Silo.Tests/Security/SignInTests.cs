using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Security;

/// <summary>Lockout, refresh rotation and revocation on the running engine (docs/security.md, Sign-in).</summary>
[Collection(EngineTests.Name)]
public class SignInTests(EngineFixture fixture)
{
    private static readonly string[] Operator = ["operator"];
    private static readonly string[] CityWide = ["9901"];

    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_answer_says_until_when()
    {
        var user = await Accounts.CreateAsync(Engine);
        using var http = Engine.Http();
        for (var i = 0; i < 4; i++)
        {
            (await Accounts.SignInAsync(http, user, "Wrong-password-1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var fifth = await Accounts.SignInAsync(http, user, "Wrong-password-1");
        var withRightPassword = await Accounts.SignInAsync(http, user, Accounts.Password);

        fifth.StatusCode.Should().Be(HttpStatusCode.Locked);
        (await fifth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("locked until").And.Contain("administrator");
        fifth.Headers.RetryAfter!.Delta.Should().BeCloseTo(TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(5));
        withRightPassword.StatusCode.Should().Be(HttpStatusCode.Locked);
    }

    [Fact]
    public async Task A_refresh_gives_new_tokens_and_the_old_refresh_token_used_again_ends_the_session()
    {
        var user = await Accounts.CreateAsync(Engine);
        var first = await Accounts.TokensAsync(Engine, user);
        var oldRefresh = first.GetProperty("refresh_token").GetString()!;

        var refreshed = await Accounts.RefreshAsync(Engine, oldRefresh);
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        second.GetProperty("refresh_token").GetString().Should().NotBe(oldRefresh);
        (await Accounts.StatusWithAsync(Engine, second.GetProperty("access_token").GetString()!)).Should().Be(HttpStatusCode.OK);

        var reuse = await Accounts.RefreshAsync(Engine, oldRefresh);

        reuse.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await reuse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("already used");
        (await Accounts.RefreshAsync(Engine, second.GetProperty("refresh_token").GetString()!)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the whole family is revoked");
        (await Accounts.StatusWithAsync(Engine, second.GetProperty("access_token").GetString()!)).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Signing_out_revokes_the_sessions_access_and_refresh_tokens_but_not_another_session()
    {
        var user = await Accounts.CreateAsync(Engine);
        var session = await Accounts.TokensAsync(Engine, user);
        var other = await Accounts.TokensAsync(Engine, user);
        var access = session.GetProperty("access_token").GetString()!;

        using (var http = Engine.Http(access))
        {
            (await http.PostAsync(new Uri("/api/auth/signout", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        (await Accounts.StatusWithAsync(Engine, access)).Should().Be(HttpStatusCode.Unauthorized);
        (await Accounts.RefreshAsync(Engine, session.GetProperty("refresh_token").GetString()!)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Accounts.StatusWithAsync(Engine, other.GetProperty("access_token").GetString()!)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Disabling_a_user_revokes_their_tokens_and_refuses_their_sign_in()
    {
        var user = await Accounts.CreateAsync(Engine);
        var tokens = await Accounts.TokensAsync(Engine, user);
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        (await admin.PostAsync(new Uri($"/api/admin/users/{user}/disable", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await Accounts.StatusWithAsync(Engine, tokens.GetProperty("access_token").GetString()!)).Should().Be(HttpStatusCode.Unauthorized);
        (await Accounts.RefreshAsync(Engine, tokens.GetProperty("refresh_token").GetString()!)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var http = Engine.Http();
        (await Accounts.SignInAsync(http, user, Accounts.Password)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Resetting_a_password_revokes_the_users_tokens_and_the_old_password()
    {
        var user = await Accounts.CreateAsync(Engine);
        var tokens = await Accounts.TokensAsync(Engine, user);
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var reset = await admin.PostAsJsonAsync($"/api/admin/users/{user}/password", new { password = "Quiet-river-7731" });

        reset.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Accounts.StatusWithAsync(Engine, tokens.GetProperty("access_token").GetString()!)).Should().Be(HttpStatusCode.Unauthorized);
        using var http = Engine.Http();
        (await Accounts.SignInAsync(http, user, Accounts.Password)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Accounts.SignInAsync(http, user, "Quiet-river-7731")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("short#1A", "at least 10")]
    [InlineData("alllowercaseletters", "at least 3 of")]
    [InlineData("Password@123", "commonly used")]
    public async Task A_password_against_the_policy_is_refused_on_create_and_on_reset_naming_the_rule(string password, string rule)
    {
        var user = await Accounts.CreateAsync(Engine);
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var created = await admin.PostAsJsonAsync("/api/admin/users", new
        {
            username = $"p{Guid.NewGuid():N}"[..16], displayName = "x", password, roles = Operator, regions = CityWide,
        });
        var reset = await admin.PostAsJsonAsync($"/api/admin/users/{user}/password", new { password });

        created.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain(rule);
        reset.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain(rule);
    }

    [Fact]
    public async Task A_password_containing_the_username_is_refused_on_reset()
    {
        var user = await Accounts.CreateAsync(Engine);
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var reset = await admin.PostAsJsonAsync($"/api/admin/users/{user}/password", new { password = $"X1#{user}" });

        (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("username");
    }
}
