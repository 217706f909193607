using System.Net;
using System.Net.Http.Json;
using CityOps.Hosting;
using CityOps.Silo.Hosting;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Extensions.Configuration;

namespace CityOps.Silo.Tests.Security;

/// <summary>Demo passwords never leave loopback (docs/security.md, Safe defaults).</summary>
public class SafeDefaultTests
{
    private static readonly Dictionary<string, string?> OnEveryAddress = new() { ["Http:Urls"] = "http://0.0.0.0:{port}" };

    [Fact]
    public async Task Started_beyond_loopback_while_users_have_their_demo_passwords_the_engine_refuses_and_says_what_to_do()
    {
        var start = () => Engine.StartAsync(OnEveryAddress);

        var refusal = await start.Should().ThrowAsync<InvalidOperationException>();

        refusal.Which.Message.Should().Contain("0.0.0.0").And.Contain("users.json").And.Contain("admin")
            .And.Contain("Http:Urls=http://localhost:5080").And.Contain("/console/users");
    }

    [Fact]
    public async Task Once_no_enabled_user_holds_a_demo_password_the_engine_starts_beyond_loopback()
    {
        await using var engine = await Engine.StartAsync();
        using (var admin = engine.Http(await engine.TokenAsync("admin")))
        {
            foreach (var user in Engine.Users.Where(u => u.Username != "admin"))
            {
                (await admin.PostAsync(new Uri($"/api/admin/users/{user.Username}/disable", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.OK);
            }

            (await admin.PostAsJsonAsync("/api/admin/users/admin/password", new { password = "Quiet-river-7731" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        await engine.StopAsync();
        await using var exposed = await Engine.StartAsync(OnEveryAddress, prepareData: data => CopyData(engine.DataPath, data));

        using var http = exposed.Http();
        (await http.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public void The_shipped_settings_listen_on_loopback_and_carry_no_signing_key()
    {
        var shipped = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        HttpEndpoints.NonLoopback(shipped).Should().BeEmpty();
        shipped["Auth:SigningKey"].Should().BeNull("each installation generates its own key into its data folder");
    }

    private static void CopyData(string from, string to)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
