using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Pages;

/// <summary>Debian's headless Chromium for the page tests, with sign-in and screenshots.</summary>
public static class PageBrowser
{
    private static string Chromium => Environment.GetEnvironmentVariable("CITYOPS_TEST_CHROMIUM") is { Length: > 0 } path
        ? path
        : throw new InvalidOperationException("CITYOPS_TEST_CHROMIUM is not set: run the tests with ./scripts/test.sh, which installs Debian's chromium.");

    /// <summary>Screenshots go where CI keeps artifacts, or under the repository's artifacts/ folder.</summary>
    public static string ArtifactsPath => Environment.GetEnvironmentVariable("CITYOPS_TEST_ARTIFACTS") is { Length: > 0 } path
        ? path
        : Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Engine.CityPath))!, "artifacts", "screenshots");

    /// <summary>
    /// Debian's Chromium, headless, kept off the network it would otherwise try to reach. The map is
    /// WebGL, which a machine without a GPU draws with Chromium's software renderer (SwiftShader).
    /// </summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public static async Task SignInAsync(IPage page, Uri address, string username, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(address.ToString());
        await page.FillAsync("#login input[name=username]", username);
        await page.FillAsync("#login input[name=password]", password ?? Engine.Users.First(u => u.Username == username).Password);
        await page.ClickAsync("#login button[type=submit]");
        await page.WaitForSelectorAsync("body[data-ready=true]");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        Directory.CreateDirectory(ArtifactsPath);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsPath, name) });
    }
}
