using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>The big-screen page in headless Chromium: sign in and see the sample city's map.</summary>
[Collection(EngineTests.Name)]
public class BigScreenPageTests(EngineFixture fixture)
{
    private static string Chromium => Environment.GetEnvironmentVariable("CITYOPS_TEST_CHROMIUM") is { Length: > 0 } path
        ? path
        : throw new InvalidOperationException("CITYOPS_TEST_CHROMIUM is not set: run the tests with ./scripts/test.sh, which installs Debian's chromium.");

    /// <summary>Screenshots go where CI keeps artifacts, or under the repository's artifacts/ folder.</summary>
    private static string ArtifactsPath => Environment.GetEnvironmentVariable("CITYOPS_TEST_ARTIFACTS") is { Length: > 0 } path
        ? path
        : Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Engine.CityPath))!, "artifacts", "screenshots");

    /// <summary>Debian's Chromium, headless, kept off the network it would otherwise try to reach.</summary>
    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });

    [Fact]
    public async Task An_operator_signs_in_and_sees_the_sample_city_drawn_on_the_map()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });
        var user = Engine.Users.First(u => u.Username == "operator");

        await page.GotoAsync(fixture.Engine.BaseAddress.ToString());
        await page.FillAsync("#login input[name=username]", user.Username);
        await page.FillAsync("#login input[name=password]", user.Password);
        await page.ClickAsync("#login button[type=submit]");
        await page.WaitForSelectorAsync("body[data-ready=true]");

        (await page.Locator("#map path.district").CountAsync()).Should().BeGreaterThanOrEqualTo(3);
        (await page.Locator("#map path.community").CountAsync()).Should().BeGreaterThanOrEqualTo(40);
        (await page.TextContentAsync("#city-name")).Should().NotBeNullOrWhiteSpace();
        Directory.CreateDirectory(ArtifactsPath);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsPath, "bigscreen-1920x1080.png") });
    }

    [Fact]
    public async Task A_wrong_password_keeps_the_sign_in_form_with_an_error()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();

        await page.GotoAsync(fixture.Engine.BaseAddress.ToString());
        await page.FillAsync("#login input[name=username]", "operator");
        await page.FillAsync("#login input[name=password]", "wrong");
        await page.ClickAsync("#login button[type=submit]");

        await page.Locator("#login .error").Filter(new LocatorFilterOptions { HasTextRegex = new System.Text.RegularExpressions.Regex(".+") }).WaitForAsync();
        (await page.IsVisibleAsync("#login form")).Should().BeTrue();
    }

    [Fact]
    public async Task A_responder_signs_in_on_the_mobile_page_and_looks_up_a_device()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var user = Engine.Users.First(u => u.Username == "responder.water.1");
        var device = Engine.Devices.First(d => user.Regions.Any(r => d.CellCode.StartsWith(r, StringComparison.Ordinal)));

        await page.GotoAsync(new Uri(fixture.Engine.BaseAddress, "/m/").ToString());
        await page.FillAsync("#login input[name=username]", user.Username);
        await page.FillAsync("#login input[name=password]", user.Password);
        await page.ClickAsync("#login button[type=submit]");
        await page.FillAsync("#device-form input[name=id]", device.Id);
        await page.ClickAsync("#device-form button[type=submit]");
        await page.Locator("#device table").WaitForAsync();

        (await page.GetAttributeAsync("body", "class")).Should().Be("phone");
        (await page.TextContentAsync("#me")).Should().Contain("responder").And.Contain("water");
        (await page.TextContentAsync("#device")).Should().Contain(device.Id);
        Directory.CreateDirectory(ArtifactsPath);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsPath, "mobile-390x844.png") });
    }
}
