using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Pages;

/// <summary>
/// The big screen's history on an engine of its own, which it restarts: the trend chart after a
/// reload and after a restart, the replay of the recorded hour, and the alert of a new critical
/// case acknowledged by an operator. The district feeds record each minute when it ends, so the
/// test waits for the minute of its case to be recorded.
/// </summary>
public sealed class SituationHistoryPageTests : IAsyncLifetime
{
    private Engine _engine = null!;

    public async Task InitializeAsync() => _engine = await Engine.StartAsync();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private async Task<HttpClient> OperatorAsync() =>
        _engine.Http(await _engine.TokenAsync("operator", Engine.Users.First(u => u.Username == "operator").Password));

    private static async Task<string> ReportAsync(HttpClient http, string category, string description)
    {
        var device = Engine.Devices.First(d => d.Id == "WL-990101-00001");
        var created = await http.PostAsJsonAsync("/api/events", new { category, location = device.Location, description });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task WaitForRecordedCaseAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var history = await http.GetFromJsonAsync<JsonElement>("/api/situation/history?region=9901&range=1h");
            if (history.GetProperty("points").EnumerateArray().Any(p => p.GetProperty("casesOpened").GetInt32() > 0))
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "a minute is recorded when it ends");
            await Task.Delay(2000);
        }
    }

    private static async Task WaitForTrendAsync(IPage page) =>
        await page.WaitForFunctionAsync(
            "() => Number(document.querySelector('#trend-chart').dataset.points) > 0 && Number(document.querySelector('#category-chart').dataset.categories) > 0",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });

    [Fact]
    public async Task The_trend_shows_history_after_a_reload_and_a_restart_and_the_replay_shows_the_case_opened_in_that_hour()
    {
        using var http = await OperatorAsync();
        var id = await ReportAsync(http, "road_damaged", "道路破损，历史测试");
        var reportedAt = DateTimeOffset.UtcNow;
        await WaitForRecordedCaseAsync(http);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        foreach (var (width, height) in new[] { (1920, 1080), (3840, 2160) })
        {
            var page = await SituationMapPageTests.OpenMapAsync(browser, _engine, width, height);
            await WaitForTrendAsync(page);
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("#map[data-ready=true]");
            await WaitForTrendAsync(page);
            await PageBrowser.ScreenshotAsync(page, $"history-{width}x{height}.png");
            await page.CloseAsync();
        }

        await _engine.StopAsync();
        await _engine.StartAgainAsync();

        foreach (var (width, height) in new[] { (1920, 1080), (3840, 2160) })
        {
            var page = await SituationMapPageTests.OpenMapAsync(browser, _engine, width, height);
            await WaitForTrendAsync(page);
            await PageBrowser.ScreenshotAsync(page, $"history-after-restart-{width}x{height}.png");

            await page.ClickAsync("button[data-action=replay]");
            await page.WaitForSelectorAsync("#replay:not([hidden])");
            await page.EvaluateAsync(
                "at => { const s = document.querySelector('input[name=replay-time]'); s.value = String(at); s.dispatchEvent(new Event('input')); }",
                reportedAt.AddMinutes(1).ToUnixTimeMilliseconds());
            await page.WaitForSelectorAsync($"#replay[data-cases*='{id}']");
            await SituationMapPageTests.WaitRenderedAsync(page, "replay-points", id);
            await PageBrowser.ScreenshotAsync(page, $"replay-{width}x{height}.png");
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task A_new_critical_case_flashes_on_the_map_until_an_operator_acknowledges_it()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var wall = await SituationMapPageTests.OpenMapAsync(browser, _engine, 1920, 1080);
        var other = await SituationMapPageTests.OpenMapAsync(browser, _engine, 1920, 1080);
        await wall.WaitForSelectorAsync("body[data-snapshot]");
        await other.WaitForSelectorAsync("body[data-snapshot]");
        using var http = await OperatorAsync();

        var id = await ReportAsync(http, "gas_leak", "燃气泄漏，告警测试");

        await wall.WaitForSelectorAsync($"#alerts li[data-id='{id}']", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await SituationMapPageTests.WaitRenderedAsync(wall, "alert-flash", id);
        await other.WaitForSelectorAsync($"#alerts li[data-id='{id}']", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await PageBrowser.ScreenshotAsync(wall, "alert-1920x1080.png");

        await wall.ClickAsync($"#alerts li[data-id='{id}'] button[data-action=acknowledge]");

        await wall.WaitForSelectorAsync($"#alerts li[data-id='{id}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        await other.WaitForSelectorAsync($"#alerts li[data-id='{id}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 15_000 });
        var acknowledged = await http.GetFromJsonAsync<JsonElement>("/api/alerts/acknowledged?region=9901");
        acknowledged.EnumerateArray().Should().Contain(a => a.GetProperty("caseId").GetString() == id && a.GetProperty("by").GetString() == "operator");
    }

    [Fact]
    public async Task An_operator_acknowledges_a_critical_case_from_the_console_and_the_big_screen_stops_flashing_it()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var wall = await SituationMapPageTests.OpenMapAsync(browser, _engine, 1920, 1080);
        await wall.WaitForSelectorAsync("body[data-snapshot]");
        var console = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });
        await PageBrowser.SignInAsync(console, new Uri(_engine.BaseAddress, "/console"), "operator");
        using var http = await OperatorAsync();

        var id = await ReportAsync(http, "gas_leak", "燃气泄漏，管理台确认测试");

        await wall.WaitForSelectorAsync($"#alerts li[data-id='{id}']", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await console.WaitForSelectorAsync($"#console-alerts li.pending[data-id='{id}']", new PageWaitForSelectorOptions { Timeout = 15_000 });
        await PageBrowser.ScreenshotAsync(console, "console-alert-1920x1080.png");

        await console.ClickAsync($"#console-alerts li[data-id='{id}'] button[data-action=acknowledge]");

        await console.WaitForSelectorAsync($"#console-alerts li.acknowledged[data-id='{id}']");
        await wall.WaitForSelectorAsync($"#alerts li[data-id='{id}']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached, Timeout = 15_000 });
    }
}
