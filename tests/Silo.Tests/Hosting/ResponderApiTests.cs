using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>Responders report duty from their phones; dispatchers find the nearest one on duty.</summary>
[Collection(EngineTests.Name)]
public class ResponderApiTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    private async Task<HttpClient> AsAsync(string username)
    {
        var user = Engine.Users.Single(u => u.Username == username);
        return Engine.Http(await Engine.TokenAsync(user.Username, user.Password));
    }

    private async Task DutyAsync(string username, object body)
    {
        using var http = await AsAsync(username);
        var response = await http.PostAsJsonAsync("/api/responders/me/duty", body);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_nearest_on_duty_responder_of_a_department_is_found_and_off_duty_ones_are_ignored()
    {
        var target = SampleGrid.Cells[5000].Centre;
        await DutyAsync("responder.water.1", new { onDuty = true, lon = target[0] + 0.01, lat = target[1] });
        await DutyAsync("responder.water.2", new { onDuty = true, lon = target[0] + 0.03, lat = target[1] });
        await DutyAsync("responder.water.3", new { onDuty = true, lon = target[0] + 0.0001, lat = target[1] });
        await DutyAsync("responder.water.3", new { onDuty = false });
        using var dispatcher = await AsAsync("dispatcher.water");

        var nearest = await dispatcher.GetFromJsonAsync<JsonElement>(
            new Uri(FormattableString.Invariant($"/api/grid/nearest-responder?department=water&lon={target[0]}&lat={target[1]}"), UriKind.Relative));

        nearest.GetProperty("username").GetString().Should().Be("responder.water.1");
        nearest.GetProperty("department").GetString().Should().Be("water");
        nearest.GetProperty("distanceMetres").GetDouble().Should().BeApproximately(0.01 * 111_195 * Math.Cos(double.DegreesToRadians(target[1])), 5);
        nearest.GetProperty("location")[0].GetDouble().Should().Be(target[0] + 0.01);
        nearest.GetProperty("name").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_department_with_nobody_on_duty_has_no_nearest_responder()
    {
        var target = SampleGrid.Cells[10].Centre;
        using var dispatcher = await AsAsync("dispatcher.market");

        var response = await dispatcher.GetAsync(
            new Uri(FormattableString.Invariant($"/api/grid/nearest-responder?department=market&lon={target[0]}&lat={target[1]}"), UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_dispatcher_cannot_look_up_another_departments_responders()
    {
        var target = SampleGrid.Cells[10].Centre;
        using var dispatcher = await AsAsync("dispatcher.urban");

        var response = await dispatcher.GetAsync(
            new Uri(FormattableString.Invariant($"/api/grid/nearest-responder?department=water&lon={target[0]}&lat={target[1]}"), UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_responder_cannot_look_up_responders()
    {
        using var responder = await AsAsync("responder.gas.1");

        var response = await responder.GetAsync(new Uri("/api/grid/nearest-responder?department=gas&lon=114.3&lat=27.6", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Duty_is_reported_for_the_caller_whatever_the_body_says()
    {
        using var http = await AsAsync("responder.gas.2");

        var response = await http.PostAsJsonAsync("/api/responders/me/duty", new { onDuty = true, lon = 114.3, lat = 27.6, username = "responder.gas.1" });

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("username").GetString().Should().Be("responder.gas.2");
        body.GetProperty("department").GetString().Should().Be("gas");
        body.GetProperty("onDuty").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Going_on_duty_without_a_valid_position_is_a_bad_request()
    {
        using var http = await AsAsync("responder.gas.3");

        (await http.PostAsJsonAsync("/api/responders/me/duty", new { onDuty = true })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/api/responders/me/duty", new { onDuty = true, lon = 114.3, lat = 95.0 })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/api/responders/me/duty", new { lon = 114.3, lat = 27.6 })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Only_responders_report_duty()
    {
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync("/api/responders/me/duty", new { onDuty = true, lon = 114.3, lat = 27.6 });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
