using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.DashboardHost.Events;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Mobile;

/// <summary>What the phone page relies on: its own tasks, actions taken once whatever the resends, conflicts in words, suggestions by distance.</summary>
[Collection(EngineTests.Name)]
public class MobileApiTests(EngineFixture fixture)
{
    private static readonly (string User, string Password) Housing1 = ("responder.housing.1", "Respond#2026");
    private static readonly (string User, string Password) HousingDispatcher = ("dispatcher.housing", "Dispatch#2026");

    private readonly CaseClient _cases = new(fixture.Engine);

    private async Task<string> DispatchedAsync(string? assignee, string department = "housing", (string, string)? dispatcher = null)
    {
        var id = await _cases.ReportAsync("facade_damaged");
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await _cases.MustActAsync(dispatcher ?? HousingDispatcher, id, new { action = "dispatch", department, assignee });
        return id;
    }

    private async Task<HttpResponseMessage> ActWithKeyAsync((string User, string Password) who, string id, string key, object body)
    {
        using var http = await _cases.AsAsync(who);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/events/{id}/actions", UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Add(IdempotencyKeys.Header, key);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task My_tasks_are_the_open_cases_assigned_to_me_nearest_deadline_first()
    {
        var mine = await DispatchedAsync("responder.housing.1");
        var theirs = await DispatchedAsync("responder.housing.2");
        var nobodys = await DispatchedAsync(null);
        using var http = await _cases.AsAsync(Housing1);

        var tasks = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/me/tasks", UriKind.Relative));

        var ids = tasks.EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        ids.Should().Contain(mine).And.NotContain(theirs).And.NotContain(nobodys);
        tasks.EnumerateArray().Should().OnlyContain(t => t.GetProperty("assignee").GetString() == "responder.housing.1");
        var deadlines = tasks.EnumerateArray().Select(t => t.GetProperty("deadline").GetDateTimeOffset()).ToList();
        deadlines.Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task An_action_sent_again_with_its_idempotency_key_is_taken_once_and_answered_as_a_replay()
    {
        var id = await DispatchedAsync("responder.housing.1");
        var key = Guid.NewGuid().ToString();

        var first = await ActWithKeyAsync(Housing1, id, key, new { action = "accept", ifAssignedTo = "responder.housing.1" });
        var again = await ActWithKeyAsync(Housing1, id, key, new { action = "accept", ifAssignedTo = "responder.housing.1" });

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Headers.Contains(IdempotencyKeys.ReplayedHeader).Should().BeFalse();
        again.StatusCode.Should().Be(HttpStatusCode.OK, "the case took this very action already");
        again.Headers.GetValues(IdempotencyKeys.ReplayedHeader).Should().Equal("true");
        using var http = await _cases.AsAsync(CaseClient.Operator);
        var audit = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/events/{id}/audit", UriKind.Relative));
        audit.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "accept").Should().Be(1);
    }

    [Fact]
    public async Task Another_users_key_of_the_same_value_is_another_action()
    {
        var id = await DispatchedAsync("responder.housing.1");
        var key = Guid.NewGuid().ToString();
        (await ActWithKeyAsync(Housing1, id, key, new { action = "accept" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var other = await ActWithKeyAsync(HousingDispatcher, id, key, new { action = "dispatch", department = "housing", assignee = "responder.housing.2" });

        other.StatusCode.Should().Be(HttpStatusCode.OK);
        other.Headers.Contains(IdempotencyKeys.ReplayedHeader).Should().BeFalse();
        (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignee").GetString().Should().Be("responder.housing.2");
    }

    [Fact]
    public async Task An_action_meant_for_a_case_reassigned_meanwhile_is_refused_as_reassigned_and_changes_nothing()
    {
        var id = await DispatchedAsync("responder.housing.1");
        await _cases.MustActAsync(HousingDispatcher, id, new { action = "dispatch", department = "housing", assignee = "responder.housing.2" });

        var late = await ActWithKeyAsync(Housing1, id, Guid.NewGuid().ToString(), new { action = "accept", ifAssignedTo = "responder.housing.1" });

        late.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await late.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("refusal").GetString().Should().Be("reassigned");
        problem.GetProperty("title").GetString().Should().Contain("reassigned to responder.housing.2");
        (await _cases.GetAsync(id)).GetProperty("state").GetString().Should().Be("dispatched");
    }

    [Fact]
    public async Task A_malformed_idempotency_key_on_an_action_is_400()
    {
        var id = await DispatchedAsync("responder.housing.1");

        var response = await ActWithKeyAsync(Housing1, id, new string('k', 201), new { action = "accept" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_dispatcher_is_suggested_the_departments_on_duty_responders_nearest_the_case_first()
    {
        var place = CaseClient.NewPlace();
        var id = await _cases.ReportAsync("dangerous_building", place);
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await DutyAsync("responder.housing.3", place[0] + 0.02, place[1]);
        await DutyAsync("responder.housing.4", place[0] + 0.001, place[1]);
        using var dispatcher = await _cases.AsAsync(HousingDispatcher);

        var suggestions = await dispatcher.GetFromJsonAsync<JsonElement>(new Uri($"/api/events/{id}/suggestions", UriKind.Relative));

        var ranked = suggestions.EnumerateArray().Select(s => s.GetProperty("username").GetString()).ToList();
        ranked.IndexOf("responder.housing.4").Should().BeLessThan(ranked.IndexOf("responder.housing.3"));
        var near = suggestions.EnumerateArray().Single(s => s.GetProperty("username").GetString() == "responder.housing.4");
        near.GetProperty("distanceMetres").GetDouble().Should().BeApproximately(0.001 * 111_195 * Math.Cos(double.DegreesToRadians(place[1])), 2);
        near.GetProperty("name").GetString().Should().NotBeNullOrEmpty();
        suggestions.EnumerateArray().Select(s => s.GetProperty("distanceMetres").GetDouble()).Should().BeInAscendingOrder();
    }

    [Fact]
    public async Task A_dispatcher_is_not_suggested_another_departments_responders()
    {
        var id = await _cases.ReportAsync("dangerous_building");
        using var dispatcher = await _cases.AsAsync(HousingDispatcher);

        var response = await dispatcher.GetAsync(new Uri($"/api/events/{id}/suggestions?department=water", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_responder_cannot_ask_for_dispatch_suggestions()
    {
        var id = await DispatchedAsync("responder.housing.1");
        using var http = await _cases.AsAsync(Housing1);

        var response = await http.GetAsync(new Uri($"/api/events/{id}/suggestions", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_centre_sees_on_duty_responders_where_they_are_and_a_department_only_its_own()
    {
        var place = CaseClient.NewPlace();
        await DutyAsync("responder.market.1", place[0], place[1]);
        await DutyAsync("responder.police.1", place[0], place[1]);
        using var centre = await _cases.AsAsync(CaseClient.Operator);
        using var market = await _cases.AsAsync(("dispatcher.market", "Dispatch#2026"));

        var all = await centre.GetFromJsonAsync<JsonElement>(new Uri("/api/responders", UriKind.Relative));
        var own = await market.GetFromJsonAsync<JsonElement>(new Uri("/api/responders", UriKind.Relative));
        var other = await market.GetAsync(new Uri("/api/responders?department=police", UriKind.Relative));

        var found = all.EnumerateArray().Single(r => r.GetProperty("username").GetString() == "responder.market.1");
        found.GetProperty("location")[0].GetDouble().Should().Be(place[0]);
        found.GetProperty("department").GetString().Should().Be("market");
        all.EnumerateArray().Select(r => r.GetProperty("username").GetString()).Should().Contain("responder.police.1");
        own.EnumerateArray().Select(r => r.GetProperty("department").GetString()).Should().OnlyContain(d => d == "market");
        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private async Task DutyAsync(string username, double lon, double lat)
    {
        using var http = await _cases.AsAsync((username, "Respond#2026"));
        var response = await http.PostAsJsonAsync("/api/responders/me/duty", new { onDuty = true, lon, lat });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
