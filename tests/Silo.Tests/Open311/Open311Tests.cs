using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CityOps.Silo.Tests.Open311;

/// <summary>
/// The 12345 hotline's view of the engine through Open311 GeoReport v2, on the running engine with
/// the sample city. Each test reports its own category at its own cell, away from the street the
/// events API tests report in, so no test's report is taken for a duplicate of another's.
/// </summary>
[Collection(EngineTests.Name)]
public class Open311Tests(EngineFixture fixture)
{
    private static readonly CatalogueCategory[] Catalogue =
        JsonSerializer.Deserialize<CatalogueCategory[]>(File.ReadAllBytes(Path.Combine(Engine.CityPath, "catalogue.json")), CityJson.Options)!;

    private static readonly EventActor Operator = new("operator", [EventRole.Operator], null);
    private static readonly EventActor Dispatcher = new("dispatcher.urban", [EventRole.Dispatcher], "urban");
    private static readonly EventActor WaterResponder = new("responder.water.1", [EventRole.Responder], "water");
    private static readonly EventActor Inspector = new("inspector.1", [EventRole.Responder], "urban");

    private Engine Engine => fixture.Engine;

    private IGrainFactory Grains => Engine.Services.GetRequiredService<IGrainFactory>();

    private static Dictionary<string, string> Form(string serviceCode, int cellIndex, string key = Engine.Open311Key)
    {
        var centre = SampleGrid.Cells[cellIndex].Centre;
        return new()
        {
            ["api_key"] = key,
            ["service_code"] = serviceCode,
            ["lat"] = centre[1].ToString(CultureInfo.InvariantCulture),
            ["long"] = centre[0].ToString(CultureInfo.InvariantCulture),
            ["address_string"] = "江北区滨江路 18 号",
            ["description"] = "路灯不亮已三天",
            ["first_name"] = "小明",
            ["last_name"] = "王",
            ["phone"] = "13900001234",
            ["email"] = "wang.xiaoming@example.cn",
        };
    }

    private async Task<HttpResponseMessage> PostFormAsync(Dictionary<string, string> form)
    {
        using var http = Engine.Http();
        using var content = new FormUrlEncodedContent(form);
        return await http.PostAsync(new Uri("/open311/v2/requests.json", UriKind.Relative), content);
    }

    private async Task<string> CreateAsync(string serviceCode, int cellIndex)
    {
        var response = await PostFormAsync(Form(serviceCode, cellIndex));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("service_request_id").GetString()!;
    }

    private async Task<JsonElement> GetRequestAsync(string id)
    {
        using var http = Engine.Http();
        var body = await http.GetFromJsonAsync<JsonElement>(new Uri($"/open311/v2/requests/{id}.json", UriKind.Relative));
        body.GetArrayLength().Should().Be(1);
        return body[0];
    }

    private async Task ActAsync(string id, EventActor actor, EventActionRequest request)
    {
        var outcome = await Grains.GetGrain<IUrbanEventGrain>(id).Act(actor, request);
        outcome.Refusal.Should().BeNull();
    }

    private static async Task ShouldBeOpen311ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string saying)
    {
        response.StatusCode.Should().Be(status);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.ValueKind.Should().Be(JsonValueKind.Array);
        body[0].GetProperty("code").GetInt32().Should().Be((int)status);
        body[0].GetProperty("description").GetString().Should().Contain(saying);
    }

    [Fact]
    public async Task The_services_are_the_catalogue_categories_with_their_Chinese_names_and_groups()
    {
        using var http = Engine.Http();

        var services = await http.GetFromJsonAsync<JsonElement>(new Uri("/open311/v2/services.json", UriKind.Relative));

        services.EnumerateArray().Select(s => s.GetProperty("service_code").GetString()).Should().BeEquivalentTo(Catalogue.Select(c => c.Code));
        var light = services.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "street_light_damaged");
        light.GetProperty("service_name").GetString().Should().Be("路灯损坏");
        light.GetProperty("group").GetString().Should().Be("道路交通");
        light.GetProperty("type").GetString().Should().Be("realtime");
        light.GetProperty("metadata").GetBoolean().Should().BeFalse();
        light.GetProperty("keywords").GetString().Should().Contain("路灯损坏");
        light.GetProperty("description").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task The_services_have_English_names_for_locale_en()
    {
        using var http = Engine.Http();

        var services = await http.GetFromJsonAsync<JsonElement>(new Uri("/open311/v2/services.json?locale=en", UriKind.Relative));

        services.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "street_light_damaged")
            .GetProperty("service_name").GetString().Should().Be("Street light out of order");
    }

    [Fact]
    public async Task A_form_encoded_request_opens_a_case_that_reads_open_with_its_stage_and_closed_once_the_case_is_closed()
    {
        var response = await PostFormAsync(Form("street_light_damaged", 5200));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<JsonElement>())[0];
        var id = created.GetProperty("service_request_id").GetString()!;
        created.GetProperty("service_notice").GetString().Should().Contain(id);
        created.GetProperty("account_id").ValueKind.Should().Be(JsonValueKind.Null);

        var opened = await GetRequestAsync(id);
        opened.GetProperty("status").GetString().Should().Be("open");
        opened.GetProperty("status_notes").GetString().Should().Be("已受理，待立案");
        opened.GetProperty("service_code").GetString().Should().Be("street_light_damaged");
        opened.GetProperty("service_name").GetString().Should().Be("路灯损坏");
        opened.GetProperty("address").GetString().Should().Be("江北区滨江路 18 号");
        opened.GetProperty("expected_datetime").GetString().Should().NotBeNullOrEmpty();

        await ActAsync(id, Operator, new(EventAction.Register));
        await ActAsync(id, Dispatcher, new(EventAction.Dispatch, Department: "water"));
        await ActAsync(id, WaterResponder, new(EventAction.Accept));
        await ActAsync(id, WaterResponder, new(EventAction.Handle));
        await ActAsync(id, Inspector, new(EventAction.Verify));
        await ActAsync(id, Operator, new(EventAction.Close));

        var closed = await GetRequestAsync(id);
        closed.GetProperty("status").GetString().Should().Be("closed");
        closed.GetProperty("status_notes").GetString().Should().Be("已结案");
        closed.GetProperty("agency_responsible").GetString().Should().Be("水务局");
        closed.GetProperty("expected_datetime").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_dispatched_request_names_the_department_in_its_notes_and_as_agency_responsible()
    {
        var id = await CreateAsync("guardrail_damaged", 5600);
        await ActAsync(id, Operator, new(EventAction.Register));
        (await GetRequestAsync(id)).GetProperty("status_notes").GetString().Should().Be("已立案，待派遣");

        await ActAsync(id, Dispatcher, new(EventAction.Dispatch, Department: "water"));

        var dispatched = await GetRequestAsync(id);
        dispatched.GetProperty("status").GetString().Should().Be("open");
        dispatched.GetProperty("status_notes").GetString().Should().Be("已派遣至水务局");
        dispatched.GetProperty("agency_responsible").GetString().Should().Be("水务局");
    }

    [Fact]
    public async Task A_rejected_request_reads_closed_without_the_staffs_reason()
    {
        var id = await CreateAsync("trash_bin_damaged", 6000);

        await ActAsync(id, Operator, new(EventAction.Reject, Reason: "非城市管理范围"));

        var rejected = await GetRequestAsync(id);
        rejected.GetProperty("status").GetString().Should().Be("closed");
        rejected.GetProperty("status_notes").GetString().Should().Be("不予立案", "the staff's reasons are internal notes");
    }

    [Fact]
    public async Task A_JSON_body_is_accepted_like_a_form()
    {
        var centre = SampleGrid.Cells[6400].Centre;
        using var http = Engine.Http();

        var response = await http.PostAsJsonAsync(new Uri("/open311/v2/requests.json", UriKind.Relative), new Dictionary<string, object>
        {
            ["api_key"] = Engine.Open311Key,
            ["service_code"] = "road_damaged",
            ["lat"] = centre[1],
            ["long"] = centre[0],
            ["description"] = "路面坑洞",
            ["media_url"] = "https://photos.example.cn/road/1.jpg",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("service_request_id").GetString()!;
        var read = await GetRequestAsync(id);
        read.GetProperty("description").GetString().Should().Be("路面坑洞");
        read.GetProperty("media_url").GetString().Should().Be("https://photos.example.cn/road/1.jpg");
    }

    [Fact]
    public async Task The_case_records_the_Open311_client_as_reporter_on_the_hotline_channel_and_keeps_the_contact()
    {
        var id = await CreateAsync("bus_shelter_damaged", 6800);

        var view = (await Grains.GetGrain<IUrbanEventGrain>(id).Get())!;

        view.Reporter.Should().Be($"open311:{Engine.Open311Client}");
        view.Summary.Channel.Should().Be(EventChannel.Hotline);
        view.Contact.Should().Contain("13900001234").And.Contain("wang.xiaoming@example.cn").And.Contain("小明");
    }

    [Fact]
    public async Task The_reporters_contact_never_appears_in_what_is_read_back()
    {
        var id = await CreateAsync("public_toilet_damaged", 7200);
        using var http = Engine.Http();

        var one = await http.GetStringAsync(new Uri($"/open311/v2/requests/{id}.json", UriKind.Relative));
        var listed = await http.GetStringAsync(new Uri("/open311/v2/requests.json?service_code=public_toilet_damaged", UriKind.Relative));

        listed.Should().Contain(id);
        foreach (var body in new[] { one, listed })
        {
            body.Should().NotContain("13900001234").And.NotContain("wang.xiaoming").And.NotContain("小明");
        }
    }

    [Fact]
    public async Task A_second_report_at_the_same_place_returns_the_open_case_and_says_it_was_added_to_it()
    {
        var first = await CreateAsync("facade_damaged", 7600);

        var response = await PostFormAsync(Form("facade_damaged", 7600));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = (await response.Content.ReadFromJsonAsync<JsonElement>())[0];
        answer.GetProperty("service_request_id").GetString().Should().Be(first);
        answer.GetProperty("service_notice").GetString().Should().Contain("并入");
    }

    [Fact]
    public async Task Requests_are_listed_by_service_code_and_status()
    {
        var open = await CreateAsync("green_space_damaged", 8000);
        var rejected = await CreateAsync("green_space_damaged", 8400);
        await ActAsync(rejected, Operator, new(EventAction.Reject, Reason: "重复反映"));
        using var http = Engine.Http();

        var openOnes = await http.GetFromJsonAsync<JsonElement>(new Uri("/open311/v2/requests.json?service_code=green_space_damaged&status=open", UriKind.Relative));
        var closedOnes = await http.GetFromJsonAsync<JsonElement>(new Uri("/open311/v2/requests.json?service_code=green_space_damaged&status=closed", UriKind.Relative));

        openOnes.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()).Should().Equal(open);
        closedOnes.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()).Should().Equal(rejected);
    }

    [Fact]
    public async Task A_request_reads_exactly_GeoReport_v2s_public_fields_with_the_reported_values()
    {
        var id = await CreateAsync("bus_shelter_damaged", 9600);
        var place = SampleGrid.Cells[9600].Centre;

        var read = await GetRequestAsync(id);

        read.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
            "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible", "service_notice",
            "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url");
        read.GetProperty("service_request_id").GetString().Should().Be(id);
        read.GetProperty("status").GetString().Should().Be("open");
        read.GetProperty("service_code").GetString().Should().Be("bus_shelter_damaged");
        read.GetProperty("service_name").GetString().Should().Be(Catalogue.Single(c => c.Code == "bus_shelter_damaged").Name);
        read.GetProperty("description").GetString().Should().Be("路灯不亮已三天");
        read.GetProperty("address").GetString().Should().Be("江北区滨江路 18 号");
        read.GetProperty("lat").GetDouble().Should().BeApproximately(place[1], 1e-9);
        read.GetProperty("long").GetDouble().Should().BeApproximately(place[0], 1e-9);
        read.GetProperty("requested_datetime").GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$");
        read.GetProperty("service_notice").ValueKind.Should().Be(JsonValueKind.Null);
        read.GetProperty("address_id").ValueKind.Should().Be(JsonValueKind.Null);
        read.GetProperty("zipcode").ValueKind.Should().Be(JsonValueKind.Null);
        read.GetProperty("media_url").ValueKind.Should().Be(JsonValueKind.Null);
        read.GetRawText().Should().NotContain("13900001234").And.NotContain("小明").And.NotContain("wang.xiaoming").And.NotContain(Engine.Open311Client);
    }

    [Fact]
    public async Task A_case_reported_inside_the_city_is_neither_read_by_its_id_nor_listed_by_ids()
    {
        var internalCase = await new Events.CaseClient(Engine).ReportAsync();
        using var http = Engine.Http();

        var byId = await http.GetAsync(new Uri($"/open311/v2/requests/{internalCase}.json", UriKind.Relative));
        var byIds = await http.GetFromJsonAsync<JsonElement>(new Uri($"/open311/v2/requests.json?service_request_id={internalCase}", UriKind.Relative));

        await ShouldBeOpen311ErrorAsync(byId, HttpStatusCode.NotFound, internalCase);
        byIds.GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_listing_window_longer_than_90_days_is_refused()
    {
        using var http = Engine.Http();

        var response = await http.GetAsync(new Uri("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", UriKind.Relative));

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.BadRequest, "90 days");
    }

    [Fact]
    public async Task Requests_are_listed_by_their_ids()
    {
        var first = await CreateAsync("street_tree_damaged", 8800);
        var second = await CreateAsync("street_tree_damaged", 9200);
        using var http = Engine.Http();

        var found = await http.GetFromJsonAsync<JsonElement>(new Uri($"/open311/v2/requests.json?service_request_id={first},{second},E20000101-999999", UriKind.Relative));

        found.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()).Should().Equal(first, second);
    }

    [Theory]
    [InlineData("not-the-key")]
    [InlineData("")]
    public async Task A_request_without_a_valid_api_key_is_forbidden_in_the_Open311_error_format(string key)
    {
        var response = await PostFormAsync(Form("flyposting", 9600, key));

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.Forbidden, "api_key");
    }

    [Fact]
    public async Task A_request_with_only_an_address_is_refused_because_there_is_no_geocoder()
    {
        var form = Form("flyposting", 9600);
        form.Remove("lat");
        form.Remove("long");

        var response = await PostFormAsync(form);

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.BadRequest, "no geocoder");
    }

    [Fact]
    public async Task A_request_without_lat_and_long_is_refused()
    {
        var form = Form("flyposting", 9600);
        form.Remove("lat");
        form.Remove("long");
        form.Remove("address_string");

        var response = await PostFormAsync(form);

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.BadRequest, "lat and long");
    }

    [Fact]
    public async Task A_point_outside_the_city_is_refused()
    {
        var form = Form("flyposting", 9600);
        form["long"] = (SampleGrid.Cells.Min(c => c.West) - 0.01).ToString(CultureInfo.InvariantCulture);

        var response = await PostFormAsync(form);

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.BadRequest, "outside the city");
    }

    [Fact]
    public async Task An_unknown_service_code_is_refused()
    {
        var response = await PostFormAsync(Form("pothole", 9600));

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.BadRequest, "service_code 'pothole'");
    }

    [Fact]
    public async Task An_unknown_request_is_not_found_in_the_Open311_error_format()
    {
        using var http = Engine.Http();

        var response = await http.GetAsync(new Uri("/open311/v2/requests/E20000101-999999.json", UriKind.Relative));

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.NotFound, "E20000101-999999");
    }

    [Fact]
    public async Task The_xml_format_is_refused_as_unsupported()
    {
        using var http = Engine.Http();

        var response = await http.GetAsync(new Uri("/open311/v2/services.xml", UriKind.Relative));

        await ShouldBeOpen311ErrorAsync(response, HttpStatusCode.BadRequest, "JSON only");
    }
}
