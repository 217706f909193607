using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CityOps.Silo.Tests.Security;

/// <summary>User administration and the administration audit over HTTP (docs/security.md, User administration).</summary>
[Collection(EngineTests.Name)]
public class AdminApiTests(EngineFixture fixture)
{
    private static readonly string[] Dispatcher = ["dispatcher"];
    private static readonly string[] Operator = ["operator"];
    private static readonly string[] Jiangbei = ["990101"];

    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task The_city_users_are_seeded_once_as_accounts_on_their_initial_passwords()
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var users = await admin.GetFromJsonAsync<JsonElement[]>("/api/admin/users");

        var seeded = users!.Where(u => Engine.Users.Any(d => d.Username == u.GetProperty("username").GetString())).ToList();
        seeded.Should().HaveCount(Engine.Users.Count);
        seeded.Should().OnlyContain(u => u.GetProperty("initialPassword").GetBoolean());
        users!.SelectMany(u => u.EnumerateObject().Select(p => p.Name)).Should().NotContain(n => n.Contains("password", StringComparison.OrdinalIgnoreCase) && n != "initialPassword");
    }

    [Fact]
    public async Task A_created_user_signs_in_with_the_roles_regions_and_department_the_administrator_set()
    {
        var user = await Accounts.CreateAsync(Engine, "responder", "water");
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var changed = await admin.PutAsJsonAsync($"/api/admin/users/{user}", new { displayName = "江北水务巡查员", roles = Dispatcher, regions = Jiangbei, department = "gas" });
        changed.StatusCode.Should().Be(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        var jwt = new JsonWebToken((await Accounts.TokensAsync(Engine, user)).GetProperty("access_token").GetString()!);
        jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value).Should().Equal("dispatcher");
        jwt.Claims.Where(c => c.Type == "region").Select(c => c.Value).Should().Equal("990101");
        jwt.GetClaim("department").Value.Should().Be("gas");
        jwt.GetClaim("name").Value.Should().Be("江北水务巡查员");
    }

    [Fact]
    public async Task Changing_a_users_roles_revokes_the_tokens_that_carry_the_old_ones()
    {
        var user = await Accounts.CreateAsync(Engine);
        var token = (await Accounts.TokensAsync(Engine, user)).GetProperty("access_token").GetString()!;
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        await admin.PutAsJsonAsync($"/api/admin/users/{user}", new { displayName = "x", roles = Operator, regions = Jiangbei });

        (await Accounts.StatusWithAsync(Engine, token)).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{\"displayName\":\"x\",\"roles\":[\"mayor\"],\"regions\":[\"9901\"]}", "roles")]
    [InlineData("{\"displayName\":\"x\",\"roles\":[\"operator\"],\"regions\":[\"7777\"]}", "region '7777'")]
    [InlineData("{\"displayName\":\"x\",\"roles\":[\"responder\"],\"regions\":[\"9901\"]}", "department is required")]
    [InlineData("{\"displayName\":\"x\",\"roles\":[\"responder\"],\"regions\":[\"9901\"],\"department\":\"no_such_dept\"}", "department 'no_such_dept'")]
    public async Task A_profile_with_an_unknown_role_region_or_department_is_refused(string body, string named)
    {
        var user = await Accounts.CreateAsync(Engine);
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var response = await admin.PutAsync(new Uri($"/api/admin/users/{user}", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain(named);
    }

    [Fact]
    public async Task An_administrator_cannot_disable_themselves()
    {
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));

        var response = await admin.PostAsync(new Uri("/api/admin/users/admin/disable", UriKind.Relative), null);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("dispatcher")]
    [InlineData("responder")]
    public async Task Only_administrators_reach_user_administration(string role)
    {
        using var http = Engine.Http(await Engine.TokenAsync(role));

        (await http.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await http.PostAsJsonAsync("/api/admin/users/operator/password", new { password = "Quiet-river-7731" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await http.GetAsync(new Uri("/api/admin/audit", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Sign_ins_failed_and_successful_and_admin_actions_are_in_the_administration_audit_with_their_address_and_it_verifies()
    {
        var user = await Accounts.CreateAsync(Engine);
        using (var http = Engine.Http())
        {
            await Accounts.SignInAsync(http, user, "Wrong-password-1");
            await Accounts.SignInAsync(http, user, Accounts.Password);
        }

        using var admin = Engine.Http(await Engine.TokenAsync("admin"));
        (await admin.PostAsync(new Uri($"/api/admin/users/{user}/disable", UriKind.Relative), null)).EnsureSuccessStatusCode();

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/admin/audit");
        var entries = audit.GetProperty("entries").EnumerateArray().ToList();
        var mine = entries.Where(e => e.GetProperty("actor").GetString() == user || (e.GetProperty("subject").ValueKind == JsonValueKind.String && e.GetProperty("subject").GetString() == user))
            .Select(e => (Action: e.GetProperty("action").GetString(), Ok: e.GetProperty("succeeded").GetBoolean(), Origin: e.GetProperty("origin").GetString()))
            .ToList();

        mine.Should().Equal(("createUser", true, "127.0.0.1"), ("signIn", false, "127.0.0.1"), ("signIn", true, "127.0.0.1"), ("disableUser", true, "127.0.0.1"));
        audit.GetProperty("verification").GetProperty("isValid").GetBoolean().Should().BeTrue();
        var verified = await admin.PostAsync(new Uri("/api/admin/audit/verify", UriKind.Relative), null);
        (await verified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isValid").GetBoolean().Should().BeTrue();
    }
}
