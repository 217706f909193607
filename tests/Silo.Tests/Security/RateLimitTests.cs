using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Security;

/// <summary>An engine of its own with low limits; each test calls from its own loopback address (127.0.0.x), as separate clients would.</summary>
public sealed class LowLimitEngine : IAsyncLifetime
{
    public Engine Engine { get; private set; } = null!;

    public async Task InitializeAsync() => Engine = await Engine.StartAsync(new Dictionary<string, string?>
    {
        ["Auth:SignInsPerMinutePerAddress"] = "4",
        ["Auth:SignInsPerMinutePerUsername"] = "2",
        ["Open311:ReadsPerMinutePerAddress"] = "3",
    });

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

/// <summary>Rate limits of sign-in and of Open311 reads (docs/security.md, Sign-in and Open311).</summary>
public class RateLimitTests(LowLimitEngine fixture) : IClassFixture<LowLimitEngine>
{
    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task Sign_ins_beyond_the_limit_of_one_address_are_429_with_retry_after_and_a_problem()
    {
        using var http = Accounts.From(Engine, "127.0.0.2");
        for (var i = 0; i < 4; i++)
        {
            (await Accounts.SignInAsync(http, $"nobody{i}", "Wrong-password-1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var fifth = await Accounts.SignInAsync(http, "nobody4", "Wrong-password-1");

        fifth.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        fifth.Headers.RetryAfter!.Delta.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        fifth.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await fifth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("this address");
    }

    [Fact]
    public async Task Sign_ins_for_one_username_beyond_its_limit_are_429_whatever_the_address()
    {
        using var first = Accounts.From(Engine, "127.0.0.3");
        using var second = Accounts.From(Engine, "127.0.0.4");
        (await Accounts.SignInAsync(first, "operator", "Wrong-password-1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Accounts.SignInAsync(second, "operator", "Wrong-password-1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        var third = await Accounts.SignInAsync(Accounts.From(Engine, "127.0.0.5"), "operator", "Wrong-password-1");

        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        third.Headers.RetryAfter.Should().NotBeNull();
        (await third.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().Should().Contain("this username");
    }

    [Fact]
    public async Task Open311_reads_beyond_the_limit_of_one_address_are_429_in_the_GeoReport_error_format()
    {
        using var http = Accounts.From(Engine, "127.0.0.6");
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync(new Uri("/open311/v2/services.json", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var fourth = await http.GetAsync(new Uri("/open311/v2/requests.json?status=open", UriKind.Relative));

        fourth.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        fourth.Headers.RetryAfter.Should().NotBeNull();
        (await fourth.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("code").GetInt32().Should().Be(429);
    }
}
