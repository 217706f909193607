using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>Who may call the API: tokens, roles and regions, as a user of the running engine meets them.</summary>
[Collection(EngineTests.Name)]
public class AccessTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task The_device_api_refuses_a_request_without_a_token()
    {
        using var http = Engine.Http();

        var response = await http.GetAsync(new Uri($"/api/devices/{Engine.Device(DeviceKind.WaterLevel).Id}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_device_api_refuses_a_forged_token()
    {
        using var http = Engine.Http("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl");

        var response = await http.GetAsync(new Uri($"/api/devices/{Engine.Device(DeviceKind.WaterLevel).Id}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_wrong_password_gets_no_token()
    {
        using var http = Engine.Http();

        var response = await http.PostAsJsonAsync("/api/auth/token", new { username = "operator", password = "guess" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_token_request_without_a_password_is_a_bad_request()
    {
        using var http = Engine.Http();

        var response = await http.PostAsJsonAsync("/api/auth/token", new { username = "operator" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_token_states_its_lifetime()
    {
        var user = Engine.Users.First(u => u.Roles.Contains("admin"));
        using var http = Engine.Http();

        var response = await http.PostAsJsonAsync("/api/auth/token", new { username = user.Username, password = user.Password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        body.GetProperty("expires_in").GetInt32().Should().BePositive();
        body.GetProperty("access_token").GetString().Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("operator")]
    [InlineData("dispatcher")]
    public async Task City_wide_users_of_each_role_can_read_a_device(string role)
    {
        var user = Engine.Users.First(u => u.Roles.Contains(role) && u.Regions.Contains("9901"));
        using var http = Engine.Http(await Engine.TokenAsync(user.Username, user.Password));

        var response = await http.GetAsync(new Uri($"/api/devices/{Engine.Device(DeviceKind.WaterLevel).Id}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_user_scoped_to_one_district_cannot_read_a_device_in_another()
    {
        var user = Engine.Users.First(u => u.Regions.Length == 1 && u.Regions[0].Length == 6);
        var outside = Engine.Devices.First(d => !d.CellCode.StartsWith(user.Regions[0], StringComparison.Ordinal));
        var inside = Engine.Devices.First(d => d.CellCode.StartsWith(user.Regions[0], StringComparison.Ordinal));
        using var http = Engine.Http(await Engine.TokenAsync(user.Username, user.Password));

        (await http.GetAsync(new Uri($"/api/devices/{outside.Id}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await http.GetAsync(new Uri($"/api/devices/{inside.Id}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_map_shows_a_district_user_only_their_district()
    {
        var user = Engine.Users.First(u => u.Regions.Length == 1 && u.Regions[0].Length == 6);
        using var http = Engine.Http(await Engine.TokenAsync(user.Username, user.Password));

        var map = await http.GetFromJsonAsync<JsonElement>("/api/map/regions");

        var codes = map.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).ToList();
        codes.Should().NotBeEmpty().And.OnlyContain(c => c.StartsWith(user.Regions[0], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/console")]
    [InlineData("/m/")]
    [InlineData("/health")]
    [InlineData("/openapi/v1.json")]
    public async Task Page_shells_health_and_the_api_document_are_public(string path)
    {
        using var http = Engine.Http();

        var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
