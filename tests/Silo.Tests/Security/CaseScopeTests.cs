using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using CityOps.Silo.Tests.Situation;

namespace CityOps.Silo.Tests.Security;

/// <summary>Department scope on the running engine: what a department's users may list, read, receive and act on.</summary>
[Collection(EngineTests.Name)]
public class CaseScopeTests(EngineFixture fixture)
{
    private static readonly (string User, string Password) WaterResponder = CaseClient.WaterResponder;
    private static readonly (string User, string Password) GasResponder = CaseClient.GasResponder;

    private readonly CaseClient _cases = new(fixture.Engine);

    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task A_water_dispatcher_can_neither_list_read_dispatch_nor_close_a_gas_case()
    {
        var gas = await RegisteredAsync("gas_facility_damaged");

        await ShouldBeOutOfScopeAsync(CaseClient.WaterDispatcher, gas, "the responsibility list gives it to gas, not to your department water");
        (await ListedAsync(CaseClient.GasDispatcher, gas, "gas_facility_damaged")).Should().BeTrue();

        await _cases.MustActAsync(CaseClient.GasDispatcher, gas, new { action = "dispatch", department = "gas" });

        await ShouldBeOutOfScopeAsync(CaseClient.WaterDispatcher, gas, "is dispatched to gas, not to your department water");
        var unchanged = await _cases.GetAsync(gas);
        unchanged.GetProperty("state").GetString().Should().Be("dispatched");
        unchanged.GetProperty("department").GetString().Should().Be("gas");
    }

    [Fact]
    public async Task A_case_reassigned_to_another_department_leaves_the_first_one()
    {
        var id = await RegisteredAsync("gas_facility_damaged");
        await _cases.MustActAsync(CaseClient.GasDispatcher, id, new { action = "dispatch", department = "water" });

        (await GetAsync(CaseClient.GasDispatcher, id)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await GetAsync(CaseClient.WaterDispatcher, id)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ListedAsync(WaterResponder, id, "gas_facility_damaged")).Should().BeTrue();
    }

    [Fact]
    public async Task A_case_not_yet_dispatched_is_listed_only_for_the_dispatchers_of_its_responsible_department()
    {
        var id = await RegisteredAsync("gas_facility_damaged");

        (await ListedAsync(CaseClient.Operator, id, "gas_facility_damaged")).Should().BeTrue();
        (await ListedAsync(CaseClient.GasDispatcher, id, "gas_facility_damaged")).Should().BeTrue();
        (await ListedAsync(CaseClient.WaterDispatcher, id, "gas_facility_damaged")).Should().BeFalse();
        (await ListedAsync(GasResponder, id, "gas_facility_damaged")).Should().BeFalse();

        await _cases.MustActAsync(CaseClient.GasDispatcher, id, new { action = "dispatch" });

        (await ListedAsync(GasResponder, id, "gas_facility_damaged")).Should().BeTrue();
    }

    [Fact]
    public async Task An_inspector_reads_and_verifies_another_departments_case_once_it_is_handled_and_not_before()
    {
        var id = await RegisteredAsync("gas_facility_damaged");
        await _cases.MustActAsync(CaseClient.GasDispatcher, id, new { action = "dispatch" });
        await _cases.MustActAsync(GasResponder, id, new { action = "accept" });

        (await GetAsync(CaseClient.Inspector, id)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        await _cases.MustActAsync(GasResponder, id, new { action = "handle" });
        (await GetAsync(CaseClient.Inspector, id)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await ListedAsync(CaseClient.Inspector, id, "gas_facility_damaged")).Should().BeTrue();
        (await GetAsync(WaterResponder, id)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await _cases.MustActAsync(CaseClient.Inspector, id, new { action = "verify" });

        (await GetAsync(CaseClient.Inspector, id)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        await _cases.MustActAsync(CaseClient.GasDispatcher, id, new { action = "close" });
    }

    [Fact]
    public async Task A_merge_into_a_primary_case_out_of_scope_is_403()
    {
        var duplicate = await RegisteredAsync("manhole_damaged");
        var gasPrimary = await RegisteredAsync("gas_facility_damaged");
        var waterPrimary = await RegisteredAsync("water_main_leak");

        var refused = await _cases.ActAsync(CaseClient.WaterDispatcher, duplicate, new { action = "merge", primaryEventId = gasPrimary });

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await TitleAsync(refused)).Should().Be($"The primary case is out of your scope: Case {gasPrimary} is not dispatched yet and the responsibility list gives it to gas, not to your department water.");
        (await _cases.GetAsync(duplicate)).GetProperty("state").GetString().Should().Be("registered");

        var merged = await _cases.MustActAsync(CaseClient.WaterDispatcher, duplicate, new { action = "merge", primaryEventId = waterPrimary });
        merged.GetProperty("state").GetString().Should().Be("merged");
    }

    [Fact]
    public async Task An_evidence_download_out_of_scope_is_403()
    {
        using var centre = await _cases.AsAsync(CaseClient.Operator);
        var (photo, sha) = await UploadAsync(centre);
        var report = await centre.PostAsJsonAsync("/api/events", new { category = "manhole_damaged", location = CaseClient.NewPlace(), photos = new[] { sha } });
        var water = (await report.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var gas = await RegisteredAsync("gas_facility_damaged");
        using var waterDispatcher = await _cases.AsAsync(CaseClient.WaterDispatcher);
        using var gasDispatcher = await _cases.AsAsync(CaseClient.GasDispatcher);

        (await waterDispatcher.GetByteArrayAsync(new Uri($"/api/evidence/{sha}?case={water}", UriKind.Relative))).Should().Equal(photo);

        var outOfScope = await gasDispatcher.GetAsync(new Uri($"/api/evidence/{sha}?case={water}", UriKind.Relative));
        outOfScope.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await TitleAsync(outOfScope)).Should().Contain("not to your department gas");
        var throughAnotherCase = await gasDispatcher.GetAsync(new Uri($"/api/evidence/{sha}?case={gas}", UriKind.Relative));
        throughAnotherCase.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await TitleAsync(throughAnotherCase)).Should().Be($"Case {gas} names no evidence {sha}.");
        var withoutCase = await waterDispatcher.GetAsync(new Uri($"/api/evidence/{sha}", UriKind.Relative));
        withoutCase.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await TitleAsync(withoutCase)).Should().Contain("?case=");
    }

    [Fact]
    public async Task Department_kpis_of_another_department_are_403()
    {
        using var waterDispatcher = await _cases.AsAsync(CaseClient.WaterDispatcher);
        using var centre = await _cases.AsAsync(CaseClient.Operator);
        using var waterResponder = await _cases.AsAsync(WaterResponder);

        (await waterDispatcher.GetAsync(new Uri("/api/kpis?department=water", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
        var other = await waterDispatcher.GetAsync(new Uri("/api/kpis?department=gas", UriKind.Relative));
        other.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await TitleAsync(other)).Should().Be("You see the figures of your department water, not of gas.");
        (await centre.GetAsync(new Uri("/api/kpis?department=gas", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);

        // A district's responder: the department's figures count the whole city.
        var district = await waterResponder.GetAsync(new Uri("/api/kpis?department=water", UriKind.Relative));
        district.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await waterResponder.GetAsync(new Uri("/api/kpis?region=990101", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_gas_responders_hub_frames_never_carry_water_cases()
    {
        var waterBefore = await DispatchedAsync("manhole_damaged", CaseClient.WaterDispatcher);
        await using var hub = await SituationClient.ConnectAsync(Engine, await Engine.TokenAsync(GasResponder.User, GasResponder.Password));
        await hub.SubscribeAsync(CaseClient.Street);
        var frames = new List<SituationClient.Frame> { await hub.NextAsync(f => f.Type == "Snapshot", "the snapshot") };

        var water = await DispatchedAsync("water_main_leak", CaseClient.WaterDispatcher);
        await _cases.MustActAsync(WaterResponder, water, new { action = "accept" });
        var gas = await DispatchedAsync("gas_facility_damaged", CaseClient.GasDispatcher);
        await _cases.MustActAsync(WaterResponder, waterBefore, new { action = "accept" });
        await _cases.MustActAsync(GasResponder, gas, new { action = "accept" });
        await hub.NextAsync(
            f =>
            {
                frames.Add(f);
                return Cases(f).Any(e => e.GetProperty("id").GetString() == gas && e.GetProperty("state").GetString() == "accepted");
            },
            "the gas case accepted");

        frames.SelectMany(Cases).Select(e => e.GetProperty("department").GetString()).Should().OnlyContain(d => d == "gas");
        frames.SelectMany(Cases).Select(e => e.GetProperty("id").GetString()).Should().NotContain([waterBefore, water]);
    }

    [Fact]
    public async Task A_case_reassigned_to_another_department_is_withdrawn_from_the_first_departments_screens()
    {
        await using var hub = await SituationClient.ConnectAsync(Engine, await Engine.TokenAsync(CaseClient.GasDispatcher.User, CaseClient.GasDispatcher.Password));
        await hub.SubscribeAsync(CaseClient.Street);
        var frames = new List<SituationClient.Frame> { await hub.NextAsync(f => f.Type == "Snapshot", "the snapshot") };
        var id = await RegisteredAsync("gas_facility_damaged");
        await hub.NextAsync(f => { frames.Add(f); return Cases(f).Any(e => e.GetProperty("id").GetString() == id); }, "the gas case");

        await _cases.MustActAsync(CaseClient.GasDispatcher, id, new { action = "dispatch", department = "water" });

        await hub.NextAsync(
            f =>
            {
                frames.Add(f);
                return f.Body.TryGetProperty("withdrawn", out var withdrawn) && withdrawn.EnumerateArray().Any(w => w.GetString() == id);
            },
            "the case withdrawn");
        frames.SelectMany(Cases).Where(e => e.GetProperty("id").GetString() == id)
            .Select(e => e.GetProperty("department").GetString()).Should().NotContain("water");
    }

    private static IEnumerable<JsonElement> Cases(SituationClient.Frame frame) => frame.Items("events");

    /// <summary>A case reported by the centre and registered: no department has it yet.</summary>
    private async Task<string> RegisteredAsync(string category)
    {
        var id = await _cases.ReportAsync(category);
        await _cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
        return id;
    }

    private async Task<string> DispatchedAsync(string category, (string User, string Password) dispatcher)
    {
        var id = await RegisteredAsync(category);
        await _cases.MustActAsync(dispatcher, id, new { action = "dispatch" });
        return id;
    }

    private async Task<HttpResponseMessage> GetAsync((string User, string Password) who, string id)
    {
        using var http = await _cases.AsAsync(who);
        return await http.GetAsync(new Uri($"/api/events/{id}", UriKind.Relative));
    }

    private async Task<bool> ListedAsync((string User, string Password) who, string id, string category)
    {
        using var http = await _cases.AsAsync(who);
        var list = await http.GetFromJsonAsync<JsonElement>($"/api/events?category={category}&limit=1000");
        return list.EnumerateArray().Any(e => e.GetProperty("id").GetString() == id);
    }

    /// <summary>Absent from the user's lists, 403 naming why on reading, dispatching, closing and the audit trail.</summary>
    private async Task ShouldBeOutOfScopeAsync((string User, string Password) who, string id, string why)
    {
        using var http = await _cases.AsAsync(who);
        (await ListedAsync(who, id, "gas_facility_damaged")).Should().BeFalse();
        var responses = new[]
        {
            await http.GetAsync(new Uri($"/api/events/{id}", UriKind.Relative)),
            await http.PostAsJsonAsync($"/api/events/{id}/actions", new { action = "dispatch", department = "water" }),
            await http.PostAsJsonAsync($"/api/events/{id}/actions", new { action = "close" }),
            await http.GetAsync(new Uri($"/api/events/{id}/audit", UriKind.Relative)),
        };
        foreach (var response in responses)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            (await TitleAsync(response)).Should().Contain(why);
        }
    }

    private static async Task<string> TitleAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()!;

    private static async Task<(byte[] Photo, string Sha256)> UploadAsync(HttpClient http)
    {
        var photo = Engine.Photo(Encoding.UTF8.GetBytes($"scene {Guid.NewGuid()}"));
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(photo);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "scene.jpg");
        var upload = await http.PostAsync(new Uri("/api/evidence", UriKind.Relative), form);
        upload.StatusCode.Should().Be(HttpStatusCode.OK);
        return (photo, (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha256").GetString()!);
    }
}
