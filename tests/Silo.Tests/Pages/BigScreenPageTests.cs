using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;
using MQTTnet;

namespace CityOps.Silo.Tests.Pages;

/// <summary>The big screen in headless Chromium: the sample city on the map, live alarms, cases moving.</summary>
[Collection(EngineTests.Name)]
public class BigScreenPageTests(EngineFixture fixture)
{
    private static Task<IPage> OpenAsync(IBrowser browser, int width, int height) =>
        browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });

    private async Task SignInToMapAsync(IPage page, string path = "/")
    {
        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, path), "operator");
        await page.WaitForSelectorAsync("#map[data-ready=true]");
    }

    private static Task<int> RenderedAsync(IPage page, string layer) =>
        page.EvaluateAsync<int>("layer => window.situationMap.queryRenderedFeatures({ layers: [layer] }).length", layer);

    [Fact]
    public async Task An_operator_signs_in_and_sees_the_sample_city_drawn_on_the_map()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await OpenAsync(browser, 1920, 1080);

        await SignInToMapAsync(page);

        int.Parse(await page.GetAttributeAsync("#map", "data-regions") ?? "0", System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeGreaterThanOrEqualTo(80, "the sample city has 4 districts, 14 streets and 61 communities");
        (await page.GetAttributeAsync("#map", "data-area-level")).Should().Be("district");
        (await RenderedAsync(page, "district-line")).Should().BeGreaterThan(0, "the districts' boundaries are drawn on the canvas");
        (await RenderedAsync(page, "area-fill")).Should().BeGreaterThanOrEqualTo(3, "the districts are filled by their health");
        (await page.Locator("#map canvas").BoundingBoxAsync())!.Width.Should().BeGreaterThan(800);
        (await page.TextContentAsync("#city-name")).Should().NotBeNullOrWhiteSpace();
        (await page.Locator(".region-label.district:visible").CountAsync()).Should().BeGreaterThanOrEqualTo(3);
        await PageBrowser.ScreenshotAsync(page, "bigscreen-1920x1080.png");
    }

    [Fact]
    public async Task The_big_screen_scales_to_a_3840x2160_wall_and_zooms_to_a_single_cell()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await OpenAsync(browser, 3840, 2160);
        var cell = Engine.Devices.First(d => d.Id == "WL-990101-00001").CellCode;

        await SignInToMapAsync(page, $"/?cell={cell}");
        await page.WaitForSelectorAsync("#map[data-area-level=cell]");
        await page.WaitForSelectorAsync($"#detail[data-cell='{cell}']");

        var fontSize = await page.EvaluateAsync<double>("() => parseFloat(getComputedStyle(document.body).fontSize)");
        fontSize.Should().BeGreaterThan(25, "text grows with the viewport so it stays legible across the room");
        // The cells are drawn once their data and the basemap's tiles are in, a moment after the layer is set.
        await page.WaitForFunctionAsync(
            "code => window.situationMap.queryRenderedFeatures({ layers: ['area-fill'] }).some(f => f.properties.code === code)", cell);
        await PageBrowser.ScreenshotAsync(page, "bigscreen-3840x2160.png");
    }

    [Fact]
    public async Task A_wrong_password_keeps_the_sign_in_form_with_an_error()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(fixture.Engine.BaseAddress.ToString());
        await page.FillAsync("#login input[name=username]", "operator");
        await page.FillAsync("#login input[name=password]", "wrong");
        await page.ClickAsync("#login button[type=submit]");

        await page.Locator("#login .error").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex(".+") }).WaitForAsync();
        (await page.IsVisibleAsync("#login form")).Should().BeTrue();
    }

    [Fact]
    public async Task A_devices_detail_offers_only_the_commands_it_accepts()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await OpenAsync(browser, 1920, 1080);
        var pole = Engine.Devices.First(d => d.Kind == DeviceKind.SmartPole && !d.Modules!.Contains("broadcast") && !d.Modules!.Contains("camera"));
        var camera = Engine.Devices.First(d => d.Kind == DeviceKind.Camera && d.Video?.Presets is { Length: > 0 });

        await SignInToMapAsync(page, $"/?device={pole.Id}");
        await page.WaitForSelectorAsync($"#detail[data-device='{pole.Id}']");
        var poleForms = await page.Locator("#detail form[data-command]").EvaluateAllAsync<string[]>("forms => forms.map(f => f.dataset.command)");
        var levelBounds = await page.Locator("#detail form[data-command=setLight] input[name=level]").EvaluateAsync<string[]>("i => [i.min, i.max]");
        await page.GotoAsync(new Uri(fixture.Engine.BaseAddress, $"/?device={camera.Id}").ToString());
        await page.WaitForSelectorAsync($"#detail[data-device='{camera.Id}']");
        var cameraForms = await page.Locator("#detail form[data-command]").EvaluateAllAsync<string[]>("forms => forms.map(f => f.dataset.command)");
        var presets = await page.Locator("#detail form[data-command=cameraPreset] select[name=preset] option").EvaluateAllAsync<int[]>("options => options.map(o => Number(o.value))");

        poleForms.Should().Equal("setLight");
        levelBounds.Should().Equal([$"{DeviceCommands.MinLevel}", $"{DeviceCommands.MaxLevel}"], "the bounds come from the engine's rules (GET /api/domain)");
        cameraForms.Should().Equal("cameraPreset");
        presets.Should().Equal(camera.Video!.Presets!);
    }

    /// <summary>Needs the situation hub (/hubs/situation): the alarm arrives as a Delta frame.</summary>
    [Fact]
    public async Task A_water_level_breach_recolours_its_cell_and_reaches_the_alarm_ticker_within_two_seconds()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await OpenAsync(browser, 1920, 1080);
        var device = Engine.Devices.First(d => d.Id == "WL-990101-00001");
        await SignInToMapAsync(page, $"/?cell={device.CellCode}");
        await page.WaitForSelectorAsync("#map[data-area-level=cell]");
        await page.WaitForSelectorAsync("body[data-snapshot]");

        using var mqtt = await fixture.Engine.ConnectDeviceAsync(device);
        await mqtt.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"city/{device.Id}/telemetry")
            .WithPayload("""{"values":{"waterLevelCm":30}}""")
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

        await page.WaitForSelectorAsync($"#ticker li[data-device='{device.Id}']", new PageWaitForSelectorOptions { Timeout = 2000 });
        await page.WaitForFunctionAsync(
            "code => window.situationMap.queryRenderedFeatures({ layers: ['area-fill'] }).some(f => f.properties.code === code && f.state.health && f.state.health !== 'normal')",
            device.CellCode, new PageWaitForFunctionOptions { Timeout = 2000 });
    }

    /// <summary>Needs the events API; the big screen sees the change through the hub, or by polling while the hub is away.</summary>
    [Fact]
    public async Task An_action_taken_in_the_console_appears_on_the_big_screen()
    {
        var token = await fixture.Engine.TokenAsync("operator", Engine.Users.First(u => u.Username == "operator").Password);
        using var http = fixture.Engine.Http(token);
        var device = Engine.Devices.First(d => d.Id == "WL-990101-00001");
        var created = await http.PostAsJsonAsync("/api/events", new
        {
            category = "road_damaged",
            location = device.Location,
            description = "道路破损，页面测试",
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var wall = await OpenAsync(browser, 1920, 1080);
        await SignInToMapAsync(wall);
        await wall.WaitForSelectorAsync($"#events li[data-id='{id}']", new PageWaitForSelectorOptions { Timeout = 15000 });

        var console = await OpenAsync(browser, 1920, 1080);
        await PageBrowser.SignInAsync(console, new Uri(fixture.Engine.BaseAddress, $"/console?event={id}"), "operator");
        await console.WaitForSelectorAsync($"#detail[data-id='{id}']");
        await console.ClickAsync("button[data-event-action=register]");
        await console.ClickAsync("form[data-action-form=register] button[type=submit]");
        await console.WaitForSelectorAsync($"#detail[data-id='{id}'][data-state=registered]");

        await wall.WaitForSelectorAsync($"#events li[data-id='{id}'][data-state=registered]", new PageWaitForSelectorOptions { Timeout = 15000 });
    }
}
