using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Pages;

/// <summary>The operator console and the responders' phone page in headless Chromium.</summary>
[Collection(EngineTests.Name)]
public class WorkbenchPageTests(EngineFixture fixture)
{
    [Fact]
    public async Task An_operator_opens_the_console_with_its_filters_and_case_table()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });

        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/console"), "operator");

        (await page.Locator("#filters select[name=status] option").CountAsync()).Should().Be(12, "all states and 'all'");
        (await page.Locator("#filters select[name=region] option").CountAsync()).Should().BeGreaterThan(4);
        (await page.IsVisibleAsync("#events thead")).Should().BeTrue();
        (await page.TextContentAsync("header.top h1")).Should().Be("运行管理台");
        await PageBrowser.ScreenshotAsync(page, "console-1920x1080.png");

        await page.ClickAsync("[data-action=lang]");
        (await page.TextContentAsync("header.top h1")).Should().Be("Console");
    }

    [Fact]
    public async Task An_administrator_manages_users_on_their_page_in_Chinese_and_English()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });

        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/console/users"), "admin");

        (await page.TextContentAsync("header.top h1")).Should().Be("用户管理");
        (await page.Locator("#users tbody tr").CountAsync()).Should().BeGreaterThanOrEqualTo(Engine.Users.Count);
        (await page.TextContentAsync("#users tr[data-username=operator] .account-state")).Should().Be("初始密码（需重置）");
        (await page.TextContentAsync("#admin-audit")).Should().Contain("admin 登录");
        await page.ClickAsync("#users tr[data-username=operator]");
        (await page.IsVisibleAsync("#password-form")).Should().BeTrue();
        await PageBrowser.ScreenshotAsync(page, "console-users-1920x1080.png");

        await page.ClickAsync("[data-action=lang]");
        (await page.TextContentAsync("header.top h1")).Should().Be("Users");
        (await page.TextContentAsync("#users tr[data-username=operator] .account-state")).Should().Be("Initial password (reset it)");
    }

    [Fact]
    public async Task A_page_whose_access_token_is_refused_renews_it_with_the_refresh_token_and_carries_on()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/console"), "operator");
        var refresh = await page.EvaluateAsync<string>("sessionStorage.getItem('cityops.refresh')");

        // A token the server refuses (not signed by it) that the page still takes for unexpired.
        await page.EvaluateAsync("sessionStorage.setItem('cityops.token', 'x.eyJleHAiOjQxMDI0NDQ4MDB9.x')");
        var listed = page.WaitForResponseAsync(r => r.Url.Contains("/api/events?", StringComparison.Ordinal) && r.Status == 200);
        await page.ClickAsync("#filters button[type=submit]");
        await listed;

        (await page.EvaluateAsync<string>("sessionStorage.getItem('cityops.token')")).Should().NotStartWith("x.");
        (await page.EvaluateAsync<string>("sessionStorage.getItem('cityops.refresh')")).Should().NotBe(refresh, "a refresh token is used once");
        (await page.IsVisibleAsync("#login")).Should().BeFalse();
    }

    [Fact]
    public async Task Signing_out_on_a_page_ends_the_session_on_the_server()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/console"), "operator");
        var token = await page.EvaluateAsync<string>("sessionStorage.getItem('cityops.token')");

        var signedOut = page.WaitForResponseAsync(r => r.Url.EndsWith("/api/auth/signout", StringComparison.Ordinal));
        await page.ClickAsync("[data-action=logout]");
        (await signedOut).Status.Should().Be(204);

        using var http = fixture.Engine.Http(token);
        (await http.GetAsync(new Uri("/api/catalogue", UriKind.Relative))).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Someone_who_is_not_an_administrator_is_told_the_users_page_is_for_administrators()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/console/users"), "operator");

        (await page.TextContentAsync("#users-status")).Should().Be("仅系统管理员可管理用户");
        (await page.Locator("#users tbody tr").CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task A_responder_signs_in_on_the_mobile_page_and_looks_up_a_device()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var user = Engine.Users.First(u => u.Username == "responder.water.1");
        var device = Engine.Devices.First(d => user.Regions.Any(r => d.CellCode.StartsWith(r, StringComparison.Ordinal)));

        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/m/"), user.Username);
        await page.FillAsync("#device-form input[name=id]", device.Id);
        await page.ClickAsync("#device-form button[type=submit]");
        await page.Locator("#device table").WaitForAsync();

        (await page.GetAttributeAsync("body", "class")).Should().Be("mobile");
        (await page.TextContentAsync("#department")).Should().Be("water");
        (await page.TextContentAsync("#device")).Should().Contain(device.Id);
        await PageBrowser.ScreenshotAsync(page, "mobile-390x844.png");
        await page.SetViewportSizeAsync(1920, 1080);
        await PageBrowser.ScreenshotAsync(page, "mobile-1920x1080.png");
    }

    [Fact]
    public async Task A_responder_goes_on_duty_from_where_the_phone_is()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var device = Engine.Devices.First(d => d.Id == "WL-990101-00001");
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            Geolocation = new Geolocation { Longitude = (float)device.Location[0], Latitude = (float)device.Location[1] },
            Permissions = ["geolocation"],
        });
        var page = await context.NewPageAsync();

        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/m"), "responder.water.1");
        await page.ClickAsync("#duty");

        await page.WaitForSelectorAsync("#duty-state.on");
    }
}
