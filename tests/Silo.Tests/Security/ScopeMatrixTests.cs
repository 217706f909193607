using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using CityOps.Silo.Tests.Situation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CityOps.Silo.Tests.Security;

/// <summary>
/// Every route of the running engine against every kind of demo user (each role, each department, each
/// level of region), for a target in the user's scope and targets outside it: another department's
/// case, and a case, device, cell or region in another district. The routes come from the engine's
/// <see cref="EndpointDataSource"/>, so a route added without a row here fails
/// <see cref="Every_route_of_the_engine_has_a_row_and_every_row_a_route"/>.
/// </summary>
[Collection(EngineTests.Name)]
public class ScopeMatrixTests(EngineFixture fixture, ITestOutputHelper output)
{
    private const string Street = CaseClient.Street;
    private const string OtherDistrict = "990102";
    private const string OtherStreet = "990102001";
    private const string NoEvidence = "0000000000000000000000000000000000000000000000000000000000000000";

    private Engine Engine => fixture.Engine;

    /// <summary>Where a target stands to the user.</summary>
    public enum Kind
    {
        /// <summary>In their regions and, for a case, their department's (or any department's for the centre).</summary>
        InScope,

        /// <summary>In their regions, but another department's case (department users only).</summary>
        OtherDepartment,

        /// <summary>In another district than theirs (users not scoped to the whole city only).</summary>
        OtherRegion,
    }

    /// <summary>A demo user as the matrix sees them.</summary>
    public sealed record User(string Username, string Password, string Role, string? Department, string[] Regions)
    {
        public bool IsCentre => Role is "operator" or "admin";

        public bool IsCityWide => Regions.Contains("9901");

        public override string ToString() => Username;
    }

    /// <summary>What a probe meets: the department's case with its photo and category, and a device, cell, region and point.</summary>
    public sealed record Target(
        Kind Kind, string Department, string CaseId, string Photo, string Category, string DeviceId, string CellCode, string Region, double[] Point);

    /// <summary>An expected answer: one of these statuses and, for a list or a snapshot, whether the target case is in it.</summary>
    public sealed record Expect(int[] Statuses, bool? Listed = null)
    {
        public override string ToString() => string.Join("|", Statuses) + (Listed is null ? string.Empty : Listed.Value ? " listed" : " absent");
    }

    public sealed record Outcome(int Status, bool? Listed, string Body);

    public sealed record Probe(string Name, Func<Call, Task<Outcome>> Run, Func<User, Kind, Expect> Expected);

    /// <summary>A row: the route (method and pattern, as the endpoint data source lists it) and its probes; a public route has none.</summary>
    public sealed record Row(string Route, Probe[] Probes, string? PublicBecause = null);

    public sealed record Call(Engine Engine, User User, string Token, Target Target, string RevocableDevice);

    private static Expect Status(params int[] statuses) => new(statuses);

    private static Expect Listed(bool listed) => new([200], listed);

    /// <summary>A case route: only a case in scope answers; any other is 403.</summary>
    private static Func<User, Kind, Expect> CaseRule(int allowed) => (_, kind) => kind == Kind.InScope ? Status(allowed) : Status(403);

    /// <summary>A route scoped by region only: the department does not matter.</summary>
    private static Func<User, Kind, Expect> RegionRule(int allowed) => (_, kind) => kind == Kind.OtherRegion ? Status(403) : Status(allowed);

    /// <summary>History is kept per district: a user whose regions lie below the target's district may not read it.</summary>
    private static Func<User, Kind, Expect> DistrictRule(int allowed) =>
        (user, kind) => kind == Kind.OtherRegion || !user.Regions.Any(r => r.Length <= 6) ? Status(403) : Status(allowed);

    private static Func<User, Kind, Expect> CentreOnly(Func<User, Kind, Expect> rule) => (user, kind) => user.IsCentre ? rule(user, kind) : Status(403);

    private static Func<User, Kind, Expect> AdminOnly(Func<User, Kind, Expect> rule) => (user, kind) => user.Role == "admin" ? rule(user, kind) : Status(403);

    private static Func<User, Kind, Expect> Everyone(int status) => (_, _) => Status(status);

    private static async Task<Outcome> SendAsync(Call call, HttpMethod method, string url, HttpContent? content = null, string? listedId = null)
    {
        using var http = call.Engine.Http(call.Token);
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = content };
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        bool? listed = null;
        if (listedId is not null && response.StatusCode == HttpStatusCode.OK)
        {
            listed = JsonDocument.Parse(body).RootElement.EnumerateArray().Any(e => e.GetProperty("id").GetString() == listedId);
        }

        return new Outcome((int)response.StatusCode, listed, body.Length > 300 ? body[..300] : body);
    }

    private static Func<Call, Task<Outcome>> Get(Func<Call, string> url, bool listsCase = false) =>
        call => SendAsync(call, HttpMethod.Get, url(call), listedId: listsCase ? call.Target.CaseId : null);

    private static Func<Call, Task<Outcome>> Post(Func<Call, string> url, Func<Call, object> body) =>
        call => SendAsync(call, HttpMethod.Post, url(call), JsonContent.Create(body(call)));

    private static Func<Call, Task<Outcome>> Put(Func<Call, string> url, Func<Call, object> body) =>
        call => SendAsync(call, HttpMethod.Put, url(call), JsonContent.Create(body(call)));

    /// <summary>Signs the user in once more and signs that session out, so the matrix's own token stays good.</summary>
    private static async Task<Outcome> SignOutAsync(Call call)
    {
        var own = await call.Engine.TokenAsync(call.User.Username, call.User.Password);
        return await SendAsync(call with { Token = own }, HttpMethod.Post, "/api/auth/signout");
    }

    /// <summary>A multipart form without the file: whoever gets past the scope check is told to send one (400).</summary>
    private static Func<Call, Task<Outcome>> PostEmptyForm(Func<Call, string> url) =>
        call => SendAsync(call, HttpMethod.Post, url(call), new MultipartFormDataContent { { new StringContent("x"), "note" } });

    private static async Task<Outcome> SubscribeAsync(Call call)
    {
        await using var client = await SituationClient.ConnectAsync(call.Engine, call.Token);
        var region = call.Target.Kind == Kind.OtherRegion ? OtherDistrict : Street;
        try
        {
            await client.SubscribeAsync(region);
        }
        catch (HubException e)
        {
            return new Outcome(403, null, e.Message);
        }

        var snapshot = await client.NextAsync(f => f.Type == "Snapshot", "the snapshot");
        return new Outcome(200, snapshot.Items("events").Any(e => e.GetProperty("id").GetString() == call.Target.CaseId), string.Empty);
    }

    /// <summary>The rows: every route the engine maps, with what each kind of user must get.</summary>
    public static IReadOnlyList<Row> Rows { get; } =
    [
        new("POST /api/auth/token", [], PublicBecause: "signing in"),
        new("POST /api/auth/refresh", [], PublicBecause: "renewing a session: the refresh token is the credential"),
        new("POST /api/auth/signout", [new("sign out a session of its own", SignOutAsync, Everyone(204))]),
        new("GET /console/users", [], PublicBecause: "page shell"),
        new("* /health", [], PublicBecause: "readiness for load balancers"),
        new("* /metrics", [], PublicBecause: "Prometheus scrape; counters only"),
        new("GET /openapi/{documentName}.json", [], PublicBecause: "the API document"),
        new("GET /", [], PublicBecause: "page shell; data comes through the API"),
        new("GET /console", [], PublicBecause: "page shell"),
        new("GET /m", [], PublicBecause: "page shell"),
        new("GET /open311/v2/services.{format}", [], PublicBecause: "Open311: the catalogue's services"),
        new("POST /open311/v2/requests.{format}", [], PublicBecause: "Open311: needs the client's api_key"),
        new("GET /open311/v2/requests.{format}", [], PublicBecause: "Open311 GeoReport v2 is public by design"),
        new("GET /open311/v2/requests/{id}.{format}", [], PublicBecause: "Open311 GeoReport v2 is public by design"),

        new("GET /api/events/",
        [
            new("list", Get(c => $"/api/events?category={c.Target.Category}&limit=1000", listsCase: true), (_, kind) => Listed(kind == Kind.InScope)),
            new("list by region", Get(c => $"/api/events?region={c.Target.Region}&category={c.Target.Category}&limit=1000", listsCase: true),
                (_, kind) => kind == Kind.OtherRegion ? Status(403) : Listed(kind == Kind.InScope)),
        ]),
        new("GET /api/events/{id}", [new("read", Get(c => $"/api/events/{c.Target.CaseId}"), CaseRule(200))]),
        new("POST /api/events/",
        [
            // A photo never uploaded: past the scope check the report is refused without opening a case.
            new("report", Post(_ => "/api/events", c => new { category = c.Target.Category, location = c.Target.Point, photos = new[] { NoEvidence } }), RegionRule(400)),
        ]),
        new("POST /api/events/{id}/actions",
        [
            // Close is not allowed in state dispatched: in scope the lifecycle answers 409 and nothing changes.
            new("act", Post(c => $"/api/events/{c.Target.CaseId}/actions", _ => new { action = "close" }), CaseRule(409)),
        ]),
        new("POST /api/events/{id}/evidence", [new("attach", PostEmptyForm(c => $"/api/events/{c.Target.CaseId}/evidence"), CaseRule(400))]),
        new("GET /api/events/{id}/audit", [new("audit", Get(c => $"/api/events/{c.Target.CaseId}/audit"), CaseRule(200))]),
        new("POST /api/events/{id}/audit/verify", [new("verify", Post(c => $"/api/events/{c.Target.CaseId}/audit/verify", _ => new { }), CaseRule(200))]),
        new("POST /api/evidence", [new("upload", PostEmptyForm(_ => "/api/evidence"), Everyone(400))]),
        new("GET /api/evidence/{sha256}",
        [
            new("download through the case", Get(c => $"/api/evidence/{c.Target.Photo}?case={c.Target.CaseId}"), CaseRule(200)),
            new("download without a case", Get(c => $"/api/evidence/{c.Target.Photo}"), Everyone(403)),
        ]),
        new("GET /api/catalogue", [new("catalogue", Get(_ => "/api/catalogue"), Everyone(200))]),
        new("GET /api/domain", [new("domain rules", Get(_ => "/api/domain"), Everyone(200))]),
        new("GET /api/me/tasks", [new("my tasks", Get(_ => "/api/me/tasks"), (user, _) => Status(user.Department is null ? 403 : 200))]),
        new("GET /api/events/{id}/photos", [new("photo links", Get(c => $"/api/events/{c.Target.CaseId}/photos"), CaseRule(200))]),
        new("GET /api/events/{id}/suggestions",
        [
            new("suggest responders", Get(c => $"/api/events/{c.Target.CaseId}/suggestions"),
                (user, kind) => user.Role == "responder" || kind != Kind.InScope ? Status(403) : Status(200)),
        ]),
        new("GET /evidence/{sha256}", [], PublicBecause: "a photo through a short-lived signed link, made for a user who may read its case"),
        new("GET /api/responders", [new("on duty", Get(_ => "/api/responders"), Everyone(200))]),
        new("GET /api/kpis",
        [
            new("by department", Get(c => $"/api/kpis?department={c.Target.Department}"), (user, kind) =>
                kind == Kind.OtherDepartment || !user.IsCityWide ? Status(403) : Status(200)),
            new("by region", Get(c => $"/api/kpis?region={c.Target.Region}"), RegionRule(200)),
        ]),

        new("GET /api/devices/", [new("list", Get(c => $"/api/devices?cell={c.Target.CellCode}"), RegionRule(200))]),
        new("GET /api/devices/{id}", [new("read", Get(c => $"/api/devices/{c.Target.DeviceId}"), RegionRule(200))]),
        new("GET /api/devices/{id}/history", [new("history", Get(c => $"/api/devices/{c.Target.DeviceId}/history?metric=waterLevelCm"), RegionRule(200))]),
        new("GET /api/devices/{id}/commands", [new("commands", Get(c => $"/api/devices/{c.Target.DeviceId}/commands"), RegionRule(200))]),
        new("POST /api/devices/{id}/commands",
            [new("send", Post(c => $"/api/devices/{c.Target.DeviceId}/commands", _ => new { name = "noSuchCommand", args = new { } }), CentreOnly(RegionRule(400)))]),
        new("POST /api/devices/{id}/alarms/{kind}/clear",
            [new("clear", Post(c => $"/api/devices/{c.Target.DeviceId}/alarms/sos/clear", _ => new { }), CentreOnly(RegionRule(404)))]),
        new("POST /api/devices/",
        [
            new("provision", Post(_ => "/api/devices", c => new
            {
                id = $"SCOPE-{Guid.NewGuid():N}"[..20], kind = "waterLevel", name = "scope probe", location = c.Target.Point, cellCode = c.Target.CellCode,
            }), AdminOnly(RegionRule(201))),
        ]),
        new("POST /api/devices/{id}/revoke", [new("revoke", Post(c => $"/api/devices/{c.RevocableDevice}/revoke", _ => new { }), AdminOnly(RegionRule(204)))]),
        new("GET /api/gateway/stats", [new("stats", Get(_ => "/api/gateway/stats"), CentreOnly(Everyone(200)))]),

        new("GET /api/grid/locate", [new("locate", Get(c => string.Create(CultureInfo.InvariantCulture, $"/api/grid/locate?lon={c.Target.Point[0]}&lat={c.Target.Point[1]}")), RegionRule(200))]),
        new("GET /api/grid/cells/{code}", [new("cell", Get(c => $"/api/grid/cells/{c.Target.CellCode}"), RegionRule(200))]),
        new("GET /api/grid/map", [new("map", Get(c => $"/api/grid/map?region={c.Target.Region}&zoom=15"), RegionRule(200))]),
        new("POST /api/grid/import", [new("import", Post(_ => "/api/grid/import", _ => new { }), AdminOnly(Everyone(422)))]),
        new("GET /api/grid/nearest-responder",
        [
            new("nearest", Get(c => string.Create(CultureInfo.InvariantCulture, $"/api/grid/nearest-responder?department={c.Target.Department}&lon={c.Target.Point[0]}&lat={c.Target.Point[1]}")),
                (user, kind) => user.Role == "responder" || kind != Kind.InScope ? Status(403) : Status(200, 404)),
        ]),
        new("GET /api/regions/{code}", [new("region", Get(c => $"/api/regions/{c.Target.Region}"), RegionRule(200))]),
        new("POST /api/responders/me/duty", [new("duty", Post(_ => "/api/responders/me/duty", _ => new { }), (user, _) => Status(user.Role == "responder" ? 400 : 403))]),
        new("GET /api/map/regions", [new("boundaries", Get(_ => "/api/map/regions"), Everyone(200))]),
        new("GET /api/map/devices", [new("device atlas", Get(c => $"/api/map/devices?region={c.Target.Region}"), RegionRule(200))]),
        new("GET /api/map/responders", [new("responders", Get(c => $"/api/map/responders?region={c.Target.Region}"), RegionRule(200))]),
        new("GET /api/map/basemap", [], PublicBecause: "where the basemap's tiles are: public geography, fetched by the map library without a token"),
        new("GET /api/map/tiles/{z:int}/{x:int}/{y:int}.pbf", [], PublicBecause: "basemap tiles: roads, water and buildings, none of the city's devices or cases"),
        new("GET /api/map/basemap.pmtiles", [], PublicBecause: "the configured basemap archive: public geography"),
        new("GET /api/map/glyphs/{fontstack}/{range}.pbf", [], PublicBecause: "empty glyph ranges for the map's labels"),
        new("GET /api/situation/history", [new("history", Get(c => $"/api/situation/history?region={c.Target.Region[..6]}&range=1h"), DistrictRule(200))]),
        new("GET /api/situation/replay", [new("replay", Get(c => $"/api/situation/replay?region={c.Target.Region[..6]}"), DistrictRule(200))]),
        new("GET /api/alerts/acknowledged", [new("acknowledged", Get(c => $"/api/alerts/acknowledged?region={c.Target.Region}"), RegionRule(200))]),
        new("POST /api/alerts/{caseId}/acknowledge", [new("acknowledge", Post(c => $"/api/alerts/{c.Target.CaseId}/acknowledge", _ => new { }), CentreOnly(CaseRule(200)))]),

        new("GET /api/admin/users", [new("list", Get(_ => "/api/admin/users"), AdminOnly(Everyone(200)))]),
        new("GET /api/admin/users/{username}", [new("read", Get(c => $"/api/admin/users/{c.User.Username}"), AdminOnly(Everyone(200)))]),
        new("POST /api/admin/users", [new("create (no password)", Post(_ => "/api/admin/users", _ => new { username = "scope.probe", displayName = "x", roles = new[] { "operator" }, regions = new[] { "9901" } }), AdminOnly(Everyone(400)))]),
        new("PUT /api/admin/users/{username}", [new("update (no roles)", Put(c => $"/api/admin/users/{c.User.Username}", _ => new { displayName = "x" }), AdminOnly(Everyone(400)))]),
        new("POST /api/admin/users/{username}/disable", [new("disable", Post(_ => "/api/admin/users/no.such.user/disable", _ => new { }), AdminOnly(Everyone(404)))]),
        new("POST /api/admin/users/{username}/enable", [new("enable", Post(_ => "/api/admin/users/no.such.user/enable", _ => new { }), AdminOnly(Everyone(404)))]),
        new("POST /api/admin/users/{username}/password", [new("reset (weak)", Post(c => $"/api/admin/users/{c.User.Username}/password", _ => new { password = "weak" }), AdminOnly(Everyone(400)))]),
        new("GET /api/admin/audit", [new("audit", Get(_ => "/api/admin/audit"), AdminOnly(Everyone(200)))]),
        new("POST /api/admin/audit/verify", [new("verify", Post(_ => "/api/admin/audit/verify", _ => new { }), AdminOnly(Everyone(200)))]),
        // The matrix's engine runs in the international mode: the centre is told checkpoints need 国密 mode (409).
        new("POST /api/audit/checkpoints", [new("sign", Post(_ => "/api/audit/checkpoints", _ => new { }), CentreOnly(Everyone(409)))]),
        new("GET /api/audit/checkpoints/{day}", [new("read", Get(_ => "/api/audit/checkpoints/2026-12-06"), CentreOnly(Everyone(409)))]),
        new("GET /api/audit/public-key", [new("public key", Get(_ => "/api/audit/public-key"), CentreOnly(Everyone(409)))]),

        new("* /hubs/situation/negotiate", [new("subscribe", SubscribeAsync, (_, kind) => kind == Kind.OtherRegion ? Status(403) : Listed(kind == Kind.InScope))]),
        new("* /hubs/situation", [], PublicBecause: "the hub's transport; the token is checked on negotiate and its scope by the subscribe probe above"),
    ];

    [Fact]
    public void Every_route_of_the_engine_has_a_row_and_every_row_a_route()
    {
        var routes = Engine.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: RouteOf(e), Public: e.Metadata.GetMetadata<IAllowAnonymous>() is not null))
            .ToList();
        var rows = Rows.ToDictionary(r => r.Route);

        routes.Select(r => r.Route).Where(r => !rows.ContainsKey(r)).Should().BeEmpty("every route needs a row in the scope matrix");
        rows.Keys.Where(k => routes.All(r => r.Route != k)).Should().BeEmpty("a row of the scope matrix names a route the engine no longer maps");
        routes.Where(r => r.Public && rows[r.Route].PublicBecause is null).Select(r => r.Route).Should().BeEmpty("a route open to anyone must say why in its row");
        routes.Where(r => !r.Public && rows[r.Route].PublicBecause is not null && !r.Route.StartsWith("* /hubs", StringComparison.Ordinal))
            .Select(r => r.Route).Should().BeEmpty("a row says a route is public that needs a token");
        rows.Values.Where(r => r.PublicBecause is null && r.Probes.Length == 0).Should().BeEmpty();
    }

    [Fact]
    public async Task Every_kind_of_user_meets_exactly_the_expected_answer_on_every_route_in_and_out_of_scope()
    {
        var world = await World.BuildAsync(Engine);
        var users = Engine.Users
            .Select(u => new User(u.Username, u.Password, u.Roles.Single(), u.Department, u.Regions))
            .GroupBy(u => (u.Role, u.Department, Level: u.Regions.Min(r => r.Length)))
            .Select(g => g.First())
            .ToList();
        users.Select(u => u.Role).Distinct().Should().BeEquivalentTo("admin", "operator", "dispatcher", "responder");
        users.Where(u => u.Department is not null).Select(u => u.Department).Distinct().Should().BeEquivalentTo(world.Departments);

        var failures = new List<string>();
        var table = new StringBuilder();
        var probes = 0;
        foreach (var user in users)
        {
            var token = await Engine.TokenAsync(user.Username, user.Password);
            foreach (var target in world.TargetsFor(user))
            {
                var call = new Call(Engine, user, token, target, world.RevocableDevice);
                foreach (var row in Rows)
                {
                    foreach (var probe in row.Probes)
                    {
                        var expected = probe.Expected(user, target.Kind);
                        var outcome = await probe.Run(call);
                        probes++;
                        table.Append(CultureInfo.InvariantCulture, $"{user,-24} {target.Kind,-16} {row.Route} [{probe.Name}]: {outcome.Status}{(outcome.Listed is { } l ? l ? " listed" : " absent" : string.Empty)}\n");
                        if (!expected.Statuses.Contains(outcome.Status) || (expected.Listed is { } listed && outcome.Listed != listed))
                        {
                            failures.Add($"{user} on {target.Kind} ({target.CaseId}, {target.Department}) {row.Route} [{probe.Name}]: expected {expected}, got {outcome.Status}{(outcome.Listed is { } got ? got ? " listed" : " absent" : string.Empty)} {outcome.Body}");
                        }
                        else if (outcome.Status == 403 && !outcome.Body.Contains("\"title\"", StringComparison.Ordinal) && !row.Route.Contains("/hubs/", StringComparison.Ordinal))
                        {
                            failures.Add($"{user} {row.Route} [{probe.Name}]: a 403 must be ProblemDetails naming why, got {outcome.Body}");
                        }
                    }
                }
            }
        }

        output.WriteLine($"{users.Count} users, {probes} probes");
        users.Should().HaveCount(26, "admin, two operators (city, district), a dispatcher and a responder of each of 11 departments, an inspector (street)");
        output.WriteLine(table.ToString());
        failures.Should().BeEmpty();
    }

    private static string RouteOf(RouteEndpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        var verb = methods is { Count: > 0 } ? string.Join(",", methods) : "*";
        var pattern = endpoint.RoutePattern.RawText ?? string.Empty;
        return $"{verb} {(pattern.StartsWith('/') ? pattern : "/" + pattern)}";
    }

    /// <summary>
    /// The cases the matrix probes: one of each department in street 990101001 (within every demo user's
    /// regions) and one of each in district 990102, each dispatched to its department with its own photo;
    /// and a device of its own to revoke.
    /// </summary>
    private sealed class World
    {
        private readonly Dictionary<string, Target> _street = [];
        private readonly Dictionary<string, Target> _otherDistrict = [];

        public required IReadOnlyList<string> Departments { get; init; }

        public required string RevocableDevice { get; init; }

        public static async Task<World> BuildAsync(Engine engine)
        {
            var catalogue = CityCatalogue.Load(Engine.CityPath);
            var departments = catalogue.Departments.Select(d => d.Code).ToList();
            var cases = new CaseClient(engine);
            using var centre = await cases.AsAsync(CaseClient.Operator);
            using var admin = engine.Http(await engine.TokenAsync("admin"));
            var revocable = $"SCOPE-REVOKE-{Guid.NewGuid():N}"[..24];
            var inStreet = Hosting.Engine.Devices.First(d => d.CellCode.StartsWith(Street, StringComparison.Ordinal) && d.Kind == DeviceKind.WaterLevel);
            var provisioned = await admin.PostAsJsonAsync("/api/devices", new
            {
                id = revocable, kind = "waterLevel", name = "scope probe", location = SampleGrid.Cell(inStreet.CellCode).Centre, cellCode = inStreet.CellCode,
            });
            provisioned.StatusCode.Should().Be(HttpStatusCode.Created, await provisioned.Content.ReadAsStringAsync());

            var world = new World { Departments = departments, RevocableDevice = revocable };
            var otherDevice = Hosting.Engine.Devices.First(d => d.CellCode.StartsWith(OtherStreet, StringComparison.Ordinal) && d.Kind == DeviceKind.WaterLevel);
            var otherPlaces = SampleGrid.Cells.Where(c => c.Code.StartsWith(OtherStreet, StringComparison.Ordinal)).Where((_, i) => i % 40 == 0).ToList();
            for (var i = 0; i < departments.Count; i++)
            {
                var department = departments[i];
                var category = catalogue.Categories.First(c => !c.AutoRegister && !c.AutoDispatch && catalogue.ResponsibleDepartment(c.Code, Street) == department).Code;
                var dispatcher = Hosting.Engine.Users.Single(u => u.Roles.Contains("dispatcher") && u.Department == department);
                world._street[department] = await OpenAsync(cases, centre, dispatcher, Kind.InScope, department, category, CaseClient.NewPlace(), inStreet.Id, Street);
                world._otherDistrict[department] = await OpenAsync(cases, centre, dispatcher, Kind.OtherRegion, department, category, otherPlaces[i].Centre, otherDevice.Id, OtherDistrict);
            }

            return world;
        }

        /// <summary>The in-scope target, another department's case and another district's, as far as the user has them.</summary>
        public IEnumerable<Target> TargetsFor(User user)
        {
            var own = user.Department ?? "water";
            yield return _street[own];
            if (user.Department is not null)
            {
                yield return _street[own == "gas" ? "water" : "gas"] with { Kind = Kind.OtherDepartment };
            }

            if (!user.Regions.Any(r => OtherDistrict.StartsWith(r, StringComparison.Ordinal)))
            {
                yield return _otherDistrict[own];
            }
        }

        private static async Task<Target> OpenAsync(
            CaseClient cases, HttpClient centre, UserRecord dispatcher, Kind kind, string department, string category, double[] place, string deviceId, string region)
        {
            using var form = new MultipartFormDataContent();
            var photo = new ByteArrayContent(Hosting.Engine.Photo(Encoding.UTF8.GetBytes($"photo of {department} in {region} {Guid.NewGuid()}")));
            photo.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(photo, "file", "scene.png");
            var upload = await centre.PostAsync(new Uri("/api/evidence", UriKind.Relative), form);
            upload.StatusCode.Should().Be(HttpStatusCode.OK);
            var sha = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sha256").GetString()!;

            var reported = await centre.PostAsJsonAsync("/api/events", new { category, location = place, description = "scope matrix", photos = new[] { sha } });
            reported.StatusCode.Should().Be(HttpStatusCode.Created, await reported.Content.ReadAsStringAsync());
            var body = await reported.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("merged").GetBoolean().Should().BeFalse();
            var id = body.GetProperty("id").GetString()!;
            await cases.MustActAsync(CaseClient.Operator, id, new { action = "register" });
            await cases.MustActAsync((dispatcher.Username, dispatcher.Password), id, new { action = "dispatch", department });

            var cell = (await cases.GetAsync(id)).GetProperty("cellCode").GetString()!;
            return new Target(kind, department, id, sha, category, deviceId, cell, region == Street ? Street : OtherStreet, place);
        }
    }
}
