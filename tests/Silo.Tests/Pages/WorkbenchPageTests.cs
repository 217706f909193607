using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Pages;

/// <summary>The operator console and the users page in headless Chromium (the phone page: MobilePageTests).</summary>
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
}
