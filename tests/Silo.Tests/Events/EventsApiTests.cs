using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CityOps.DashboardHost.Events;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Silo.Tests.Events;

[Collection(EngineTests.Name)]
public class EventsApiTests(EngineFixture fixture)
{
    private static readonly double[] OutsideTheCity = [100.0, 10.0];

    private readonly CaseClient _cases = new(fixture.Engine);

    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task A_report_is_placed_in_the_grid_cell_of_its_location()
    {
        var place = CaseClient.NewPlace();

        var id = await _cases.ReportAsync(at: place);

        var detail = await _cases.GetAsync(id);
        detail.GetProperty("cellCode").GetString().Should().Be(SampleGrid.Cells.Single(c => c.Covers(place[0], place[1])).Code);
        detail.GetProperty("state").GetString().Should().Be("reported");
        detail.GetProperty("channel").GetString().Should().Be("operator");
    }

    [Fact]
    public async Task A_case_goes_from_report_to_closure_through_the_users_whose_roles_allow_each_step()
    {
        var id = await _cases.ReportAsync();

        await _cases.CloseAsync(id);

        var detail = await _cases.GetAsync(id);
        detail.GetProperty("state").GetString().Should().Be("closed");
        detail.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("actor").GetString()).Should().Equal(
            "operator", "operator", "dispatcher.urban", "responder.water.1", "responder.water.1", "inspector.1", "operator");
    }

    [Fact]
    public async Task An_action_the_state_does_not_allow_is_409_with_the_allowed_actions()
    {
        var id = await _cases.ReportAsync();

        var response = await _cases.ActAsync(CaseClient.Operator, id, new { action = "close" });

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()).Should().BeEquivalentTo("register", "reject", "merge");
    }

    [Fact]
    public async Task A_responder_of_another_department_is_403()
    {
        var id = await _cases.ReportAsync();
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await _cases.MustActAsync(CaseClient.UrbanDispatcher, id, new { action = "dispatch", department = "water" });

        var response = await _cases.ActAsync(CaseClient.TrafficResponder, id, new { action = "accept" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_actor_is_the_tokens_user_whatever_the_body_says()
    {
        var id = await _cases.ReportAsync();

        var detail = await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register", actor = "admin", username = "admin" });

        detail.GetProperty("timeline")[1].GetProperty("actor").GetString().Should().Be("operator");
    }

    [Fact]
    public async Task Dispatch_without_a_department_follows_the_responsibility_list()
    {
        var id = await _cases.ReportAsync("manhole_damaged");
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });

        var detail = await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch" });

        detail.GetProperty("department").GetString().Should().Be("water");
    }

    [Fact]
    public async Task A_merge_back_into_a_case_merged_into_this_one_is_409()
    {
        var a = await _cases.ReportAsync();
        var b = await _cases.ReportAsync();
        await _cases.MustActAsync(CaseClient.Operator, a, new { action = "merge", primaryEventId = b });

        var response = await _cases.ActAsync(CaseClient.Operator, b, new { action = "merge", primaryEventId = a });

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("refusal").GetString().Should().Be("primaryUnavailable");
        problem.GetProperty("title").GetString().Should().Contain("cycle");
    }

    [Fact]
    public async Task An_unknown_action_is_400_naming_the_actions()
    {
        var id = await _cases.ReportAsync();

        var response = await _cases.ActAsync(CaseClient.Operator, id, new { action = "teleport" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("register");
    }

    [Fact]
    public async Task A_report_sent_again_with_its_idempotency_key_answers_the_same_case()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);
        var key = Guid.NewGuid().ToString("N");
        var body = new { category = "street_light_damaged", location = CaseClient.NewPlace(), description = "路灯不亮" };

        var first = await PostWithKeyAsync(http, body, key);
        var again = await PostWithKeyAsync(http, body, key);
        var unkeyed = await http.PostAsJsonAsync("/api/events", body);

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString().Should().Be(id);
        (await unkeyed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("merged").GetBoolean().Should().BeTrue("a report without a key is another report of the same problem");
        (await _cases.GetAsync(id!)).GetProperty("reports").GetInt32().Should().Be(2);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a\tb")]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")]
    public async Task A_malformed_idempotency_key_is_400_and_opens_nothing(string key)
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events")
        {
            Content = JsonContent.Create(new { category = "street_light_damaged", location = CaseClient.NewPlace() }),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Idempotency-Key");
    }

    private static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient http, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task A_report_outside_the_grid_is_400_and_opens_nothing()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);

        var response = await http.PostAsJsonAsync("/api/events", new { category = "street_light_damaged", location = OutsideTheCity });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("outside the city's grid");
    }

    [Fact]
    public async Task A_report_of_an_unknown_category_is_400()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);

        var response = await http.PostAsJsonAsync("/api/events", new { category = "ufo", location = CaseClient.NewPlace() });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_case_outside_the_users_regions_is_403()
    {
        var id = await _cases.ReportAsync();
        using var http = Engine.Http(await Engine.TokenAsync("inspector.2", "Respond#2026"));

        var response = await http.GetAsync(new Uri($"/api/events/{id}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_suspension_asked_by_a_responder_waits_for_an_operators_approval()
    {
        var id = await _cases.ReportAsync();
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await _cases.MustActAsync(CaseClient.UrbanDispatcher, id, new { action = "dispatch", department = "water" });
        await _cases.MustActAsync(CaseClient.WaterResponder, id, new { action = "accept" });

        var asked = await _cases.ActAsync(CaseClient.WaterResponder, id, new { action = "suspend", reason = "待汛期结束后施工" });
        asked.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await _cases.GetAsync(id)).GetProperty("state").GetString().Should().Be("accepted");

        var approved = await _cases.MustActAsync(CaseClient.Operator, id, new { action = "suspend" });

        approved.GetProperty("state").GetString().Should().Be("suspended");
        approved.GetProperty("deadline").ValueKind.Should().Be(JsonValueKind.Null);
        var entry = approved.GetProperty("timeline").EnumerateArray().Last();
        entry.GetProperty("actor").GetString().Should().Be("responder.water.1");
        entry.GetProperty("details").GetProperty("approver").GetString().Should().Be("operator");
    }

    [Fact]
    public async Task Evidence_uploaded_for_a_case_is_named_by_its_sha256_in_the_action_that_attaches_it()
    {
        var id = await _cases.ReportAsync();
        var photo = Engine.Photo(RandomNumberGenerator.GetBytes(2048));
        using var http = await _cases.AsAsync(CaseClient.Operator);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "scene.jpg");

        var upload = await http.PostAsync(new Uri($"/api/events/{id}/evidence", UriKind.Relative), form);
        upload.StatusCode.Should().Be(HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        var sha = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha256").GetString();
        var detail = await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register", attachments = new[] { sha } });

        sha.Should().Be(Convert.ToHexStringLower(SHA256.HashData(photo)));
        detail.GetProperty("timeline")[1].GetProperty("attachmentSha256s")[0].GetString().Should().Be(sha);
        (await http.GetByteArrayAsync(new Uri($"/api/evidence/{sha}?case={id}", UriKind.Relative))).Should().Equal(photo);
    }

    [Fact]
    public async Task An_attachment_never_uploaded_is_400()
    {
        var id = await _cases.ReportAsync();

        var response = await _cases.ActAsync(CaseClient.Operator, id, new { action = "register", attachments = new[] { new string('a', 64) } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_audit_trail_of_a_case_verifies()
    {
        var id = await _cases.ReportAsync();
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        using var http = await _cases.AsAsync(CaseClient.Operator);

        var audit = await http.GetFromJsonAsync<JsonElement>($"/api/events/{id}/audit");

        audit.GetProperty("entries").GetArrayLength().Should().Be(2);
        audit.GetProperty("verification").GetProperty("isValid").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Lists_filter_by_status_and_department()
    {
        var id = await _cases.ReportAsync("manhole_damaged");
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch", department = "water" });
        using var http = await _cases.AsAsync(CaseClient.Operator);

        var dispatched = await http.GetFromJsonAsync<JsonElement>($"/api/events?region={CaseClient.Street}&status=dispatched&department=water");
        var reported = await http.GetFromJsonAsync<JsonElement>($"/api/events?region={CaseClient.Street}&status=reported");

        dispatched.EnumerateArray().Select(e => e.GetProperty("id").GetString()).Should().Contain(id);
        reported.EnumerateArray().Select(e => e.GetProperty("id").GetString()).Should().NotContain(id);
    }

    [Fact]
    public async Task Kpis_count_what_happened_to_cases_in_a_region()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);
        var before = await http.GetFromJsonAsync<JsonElement>($"/api/kpis?region={CaseClient.Street}");
        var id = await _cases.ReportAsync();

        await _cases.CloseAsync(id);

        var after = await http.GetFromJsonAsync<JsonElement>($"/api/kpis?region={CaseClient.Street}");
        foreach (var counter in new[] { "reported", "registered", "dispatched", "handled", "closed" })
        {
            (after.GetProperty(counter).GetInt64() - before.GetProperty(counter).GetInt64()).Should().Be(1, counter);
        }

        after.GetProperty("rates").GetProperty("onTimeHandling").GetProperty("denominator").GetInt64()
            .Should().Be(after.GetProperty("handled").GetInt64());
    }

    [Fact]
    public async Task Kpis_tell_the_earliest_day_kept_and_a_period_starting_before_it_is_400_naming_it()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);
        var today = await http.GetFromJsonAsync<JsonElement>($"/api/kpis?region={CaseClient.Street}");
        var keptFrom = DateOnly.ParseExact(today.GetProperty("keptFrom").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        DateOnly.ParseExact(today.GetProperty("to").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-399).Should().Be(keptFrom, "400 days are kept, today included");

        var before = await http.GetAsync(new Uri($"/api/kpis?region={CaseClient.Street}&from={Day(keptFrom.AddDays(-1))}&to={Day(keptFrom.AddDays(30))}", UriKind.Relative));
        var from = await http.GetAsync(new Uri($"/api/kpis?region={CaseClient.Street}&from={Day(keptFrom)}&to={Day(keptFrom.AddDays(30))}", UriKind.Relative));

        before.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await before.Content.ReadAsStringAsync()).Should().Contain(Day(keptFrom));
        from.StatusCode.Should().Be(HttpStatusCode.OK);

        static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Evidence_of_a_type_that_is_no_photo_or_document_is_415_and_stores_nothing()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("#!/bin/sh"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/x-sh");
        form.Add(file, "file", "run.sh");

        var response = await http.PostAsync(new Uri("/api/evidence", UriKind.Relative), form);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        var sha = Convert.ToHexStringLower(SHA256.HashData("#!/bin/sh"u8.ToArray()));
        (await Engine.Services.GetRequiredService<IEvidenceStore>().ExistsAsync(sha, CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task A_list_by_an_unknown_status_is_400_naming_the_states()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);

        var response = await http.GetAsync(new Uri("/api/events?status=pending", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("dispatched");
    }

    [Fact]
    public async Task Kpis_of_both_a_region_and_a_department_at_once_are_400()
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);

        var response = await http.GetAsync(new Uri($"/api/kpis?region={CaseClient.Street}&department=water", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_departmental_user_may_not_read_another_departments_kpis()
    {
        using var http = await _cases.AsAsync(CaseClient.WaterDispatcher);

        var response = await http.GetAsync(new Uri("/api/kpis?department=traffic", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
