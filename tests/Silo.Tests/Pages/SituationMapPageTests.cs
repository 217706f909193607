using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Pages;

/// <summary>
/// The 一张图 on the wall, at 1920×1080 and 3840×2160: the basemap's roads and water at city and
/// street zoom, every device clustered at city zoom and on its own at street zoom, a device's
/// detail from a click. Screenshots are kept with the tests' output.
/// </summary>
[Collection(EngineTests.Name)]
public class SituationMapPageTests(EngineFixture fixture)
{
    public static TheoryData<int, int> Screens => new() { { 1920, 1080 }, { 3840, 2160 } };

    internal static async Task<IPage> OpenMapAsync(IBrowser browser, Engine engine, int width, int height, string path = "/")
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        await PageBrowser.SignInAsync(page, new Uri(engine.BaseAddress, path), "operator");
        await page.WaitForSelectorAsync("#map[data-ready=true]");
        return page;
    }

    internal static async Task WaitRenderedAsync(IPage page, string layer, string? id = null) =>
        await page.WaitForFunctionAsync(
            "([layer, id]) => { const m = window.situationMap; return m.loaded() && m.queryRenderedFeatures({ layers: [layer] }).some(f => id === null || f.properties.id === id); }",
            new object?[] { layer, id }, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 250 });

    internal static async Task JumpAsync(IPage page, double[] centre, double zoom) =>
        await page.EvaluateAsync("([lon, lat, zoom]) => { window.situationMap.jumpTo({ center: [lon, lat], zoom }); }", new[] { centre[0], centre[1], zoom });

    /// <summary>A point on the river's southern bank, where street zoom shows water, the riverside road and buildings.</summary>
    private static double[] Riverbank()
    {
        using var basemap = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Engine.CityPath, "basemap.geojson")));
        var river = basemap.RootElement.GetProperty("features").EnumerateArray()
            .First(f => f.GetProperty("properties").GetProperty("class").GetString() == "river");
        var ring = river.GetProperty("geometry").GetProperty("coordinates")[0];
        var bank = ring[ring.GetArrayLength() / 4];
        return [bank[0].GetDouble(), bank[1].GetDouble()];
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task The_basemap_shows_roads_and_water_at_city_and_at_street_zoom(int width, int height)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await OpenMapAsync(browser, fixture.Engine, width, height);

        await WaitRenderedAsync(page, "basemap-water");
        await WaitRenderedAsync(page, "basemap-road-primary");
        await PageBrowser.ScreenshotAsync(page, $"map-city-{width}x{height}.png");

        await JumpAsync(page, Riverbank(), 16);
        await WaitRenderedAsync(page, "basemap-water");
        await WaitRenderedAsync(page, "basemap-road-primary");
        await WaitRenderedAsync(page, "basemap-building");
        await PageBrowser.ScreenshotAsync(page, $"map-street-{width}x{height}.png");
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Devices_cluster_at_city_zoom_stand_alone_at_street_zoom_and_open_their_detail_on_a_click(int width, int height)
    {
        var device = Engine.Devices.First(d => d.Kind == DeviceKind.WaterLevel);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await OpenMapAsync(browser, fixture.Engine, width, height);

        await WaitRenderedAsync(page, "device-clusters");
        // The hub's first changes can draw clusters before the city's atlas of every device has arrived.
        await page.WaitForFunctionAsync(
            "n => Number(document.querySelector('#map').dataset.devices ?? 0) >= n",
            Engine.Devices.Count, new PageWaitForFunctionOptions { Timeout = 30_000, PollingInterval = 250 });
        int.Parse(await page.GetAttributeAsync("#map", "data-devices") ?? "0", CultureInfo.InvariantCulture)
            .Should().BeGreaterThanOrEqualTo(Engine.Devices.Count, "every registered device of the city is on the map, and those other tests provisioned");
        await page.WaitForSelectorAsync(".cluster-count");

        await JumpAsync(page, device.Location, 18);
        await WaitRenderedAsync(page, "device-points", device.Id);
        await PageBrowser.ScreenshotAsync(page, $"map-devices-{width}x{height}.png");
        var at = await page.EvaluateAsync<double[]>(
            "([lon, lat]) => { const p = window.situationMap.project([lon, lat]); const r = window.situationMap.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }",
            device.Location);
        await page.Mouse.ClickAsync((float)at[0], (float)at[1]);

        await page.WaitForSelectorAsync($"#detail[data-device='{device.Id}']");
    }

    [Fact]
    public async Task A_responder_on_duty_appears_on_the_map_where_they_reported()
    {
        var place = Engine.Devices.First(d => d.Id == "WL-990101-00001").Location;
        var token = await fixture.Engine.TokenAsync("responder.water.2", Engine.Users.First(u => u.Username == "responder.water.2").Password);
        using var http = fixture.Engine.Http(token);
        (await http.PostAsJsonAsync("/api/responders/me/duty", new { onDuty = true, lon = place[0], lat = place[1] })).EnsureSuccessStatusCode();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);

        var page = await OpenMapAsync(browser, fixture.Engine, 1920, 1080);

        await WaitRenderedAsync(page, "responders", "responder.water.2");
    }

    [Fact]
    public async Task Filtering_by_kind_leaves_only_that_kind_on_the_map()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await OpenMapAsync(browser, fixture.Engine, 1920, 1080);
        await WaitRenderedAsync(page, "device-clusters");

        using var http = fixture.Engine.Http(await fixture.Engine.TokenAsync("operator"));
        var marks = await http.GetFromJsonAsync<JsonElement>("/api/map/devices");
        var camera = marks.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()).ToList().IndexOf("camera");
        var cameras = marks.GetProperty("kind").EnumerateArray().Count(k => k.GetInt32() == camera);

        await page.SelectOptionAsync("select[name=filter-kind]", "camera");

        await page.WaitForSelectorAsync($"#map[data-devices-shown='{cameras}']");
        cameras.Should().BeGreaterThanOrEqualTo(Engine.Devices.Count(d => d.Kind == DeviceKind.Camera));
    }
}
