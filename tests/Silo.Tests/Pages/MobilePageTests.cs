using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Pages;

/// <summary>
/// The phone page (<c>/m/</c>) at a phone's viewport, 390×844, in headless Chromium, as responders, an inspector and a
/// dispatcher use it together; each screen is kept as a screenshot beside the tests' output.
/// </summary>
[Collection(EngineTests.Name)]
public class MobilePageTests(EngineFixture fixture)
{
    private const string Responder = "responder.water.1";

    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly CaseClient _cases = new(fixture.Engine);

    private Engine Engine => fixture.Engine;

    /// <summary>A phone at <paramref name="place"/>; the outbox, not the service worker, is what these contexts test, so the worker is left out.</summary>
    private static Task<IBrowserContext> PhoneAsync(IBrowser browser, double[] place, bool serviceWorker = false) => browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = Phone,
        IsMobile = true,
        HasTouch = true,
        Geolocation = new Geolocation { Longitude = (float)place[0], Latitude = (float)place[1] },
        Permissions = ["geolocation", "notifications"],
        ServiceWorkers = serviceWorker ? ServiceWorkerPolicy.Allow : ServiceWorkerPolicy.Block,
    });

    private async Task<IPage> SignInAsync(IBrowserContext context, string username)
    {
        var page = await context.NewPageAsync();
        await PageBrowser.SignInAsync(page, new Uri(Engine.BaseAddress, "/m/"), username);
        return page;
    }

    private async Task<JsonElement> AuditAsync(string id)
    {
        using var http = await _cases.AsAsync(CaseClient.Operator);
        return await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/events/{id}/audit", UriKind.Relative));
    }

    private static async Task GoOnDutyAsync(IPage page)
    {
        await page.ClickAsync("#tabs button[data-view=me]");
        await page.CheckAsync("#share-location");
        await page.ClickAsync("#duty");
        await page.WaitForSelectorAsync("#duty-state.on");
    }

    private static async Task OpenAsync(IPage page, string tab, string id)
    {
        await page.ClickAsync($"#tabs button[data-view={tab}]");
        await page.ClickAsync($"#{tab} [data-id='{id}']");
        await page.WaitForSelectorAsync($"#case [data-case='{id}'] .state");
    }

    [Fact]
    public async Task A_case_goes_from_the_dispatcher_to_a_responder_offline_and_an_inspector_and_each_action_arrives_once()
    {
        var place = CaseClient.NewPlace();
        var id = await _cases.ReportAsync("water_main_leak", place);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);

        // The responder, 300 m east of the case, goes on duty and so shares where they are.
        await using var responderPhone = await PhoneAsync(browser, [place[0] + 0.003, place[1]]);
        var responder = await SignInAsync(responderPhone, Responder);
        await GoOnDutyAsync(responder);
        await PageBrowser.ScreenshotAsync(responder, "mobile-me-390x844.png");
        await responder.ClickAsync("#tabs button[data-view=tasks]");

        // The dispatcher registers the new report and dispatches it to the nearest on-duty responder suggested.
        await using var dispatcherPhone = await PhoneAsync(browser, place);
        var dispatcher = await SignInAsync(dispatcherPhone, "dispatcher.water");
        await dispatcher.WaitForSelectorAsync($"#dispatch [data-group=newReports] [data-id='{id}']");
        await PageBrowser.ScreenshotAsync(dispatcher, "mobile-dispatch-queue-390x844.png");
        await OpenAsync(dispatcher, "dispatch", id);
        await dispatcher.ClickAsync("[data-event-action=register]");
        var suggestion = dispatcher.Locator($"[data-assignee='{Responder}']");
        await suggestion.WaitForAsync();
        (await suggestion.TextContentAsync()).Should().Contain("m");
        await PageBrowser.ScreenshotAsync(dispatcher, "mobile-dispatch-suggestions-390x844.png");
        await suggestion.ClickAsync();

        // The assignment reaches the responder's open page through the hub, with no reload (the page polls only once a minute).
        await responder.WaitForSelectorAsync($"#tasks [data-id='{id}']", new() { Timeout = 10_000 });
        (await responder.GetAttributeAsync("#last-notice", "data-change")).Should().Be("assigned");
        (await responder.TextContentAsync($"#tasks [data-id='{id}'] .countdown")).Should().Contain("剩余");
        await PageBrowser.ScreenshotAsync(responder, "mobile-tasks-390x844.png");
        await OpenAsync(responder, "tasks", id);
        (await responder.GetAttributeAsync("#case .distance", "data-metres")).Should().NotBeNull();
        int.Parse((await responder.GetAttributeAsync("#case .distance", "data-metres"))!, System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeInRange(250, 350);
        (await responder.GetAttributeAsync("#case [data-navigate]", "href")).Should().StartWith("geo:");
        await PageBrowser.ScreenshotAsync(responder, "mobile-case-390x844.png");

        // Offline, the responder accepts and reports the work handled with a photo: both wait in the outbox.
        await responderPhone.SetOfflineAsync(true);
        await responder.WaitForSelectorAsync("#net.off");
        await responder.ClickAsync("[data-event-action=accept]");
        await responder.WaitForSelectorAsync("[data-action-form=handle]");
        var photo = Engine.Photo(Encoding.UTF8.GetBytes("leak fixed " + id), 1024, 768);
        await responder.FillAsync("[data-action-form=handle] textarea", "已关阀抢修，恢复供水");
        await responder.SetInputFilesAsync("[data-action-form=handle] input[type=file]", new FilePayload { Name = "site.jpg", MimeType = "image/jpeg", Buffer = photo });
        await responder.ClickAsync("[data-action-form=handle] button[data-event-action=handle]");
        await responder.WaitForSelectorAsync("#outbox li:nth-child(2)");
        (await responder.TextContentAsync("#outbox-count")).Should().Be("2");
        await PageBrowser.ScreenshotAsync(responder, "mobile-offline-outbox-390x844.png");
        (await _cases.GetAsync(id)).GetProperty("state").GetString().Should().Be("dispatched", "nothing left the phone");

        // Back online; the answer to the first action is lost on the way, so the phone sends it again with its key.
        var online = false;
        var actionPosts = 0;
        await responderPhone.RouteAsync("**/api/events/*/actions", async route =>
        {
            if (!online)
            {
                await route.AbortAsync("internetdisconnected");
                return;
            }

            if (Interlocked.Increment(ref actionPosts) == 1)
            {
                await route.FetchAsync();
                await route.AbortAsync("connectionreset");
                return;
            }

            await route.ContinueAsync();
        });
        online = true;
        await responderPhone.SetOfflineAsync(false);
        await responder.WaitForSelectorAsync("#outbox-count", new() { State = WaitForSelectorState.Hidden });

        actionPosts.Should().BeGreaterThanOrEqualTo(3, "accept was sent twice, then handle");
        var audit = await AuditAsync(id);
        var actions = audit.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        actions.Count(a => a == "accept").Should().Be(1);
        actions.Count(a => a == "handle").Should().Be(1);
        var handled = audit.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("action").GetString() == "handle");
        handled.GetProperty("actor").GetString().Should().Be(Responder);
        handled.GetProperty("reason").GetString().Should().Be("已关阀抢修，恢复供水");
        handled.GetProperty("attachmentSha256s").EnumerateArray().Select(a => a.GetString()).Should().Equal(Convert.ToHexStringLower(SHA256.HashData(photo)));

        // The dispatcher's view shows the case handled, with the responder's actions and the photo in its timeline.
        await dispatcher.ClickAsync("#back");
        await dispatcher.WaitForSelectorAsync($"#dispatch [data-group=inProgress] [data-id='{id}'][data-state=handled]");
        await OpenAsync(dispatcher, "dispatch", id);
        await dispatcher.ClickAsync("#case .timeline summary");
        (await dispatcher.Locator("#case [data-audit-action=accept]").CountAsync()).Should().Be(1);
        (await dispatcher.TextContentAsync("#case [data-audit-action=handle]")).Should().Contain(Convert.ToHexStringLower(SHA256.HashData(photo))[..8]);
        await dispatcher.Locator("#case .photos img").First.WaitForAsync();
        await PageBrowser.ScreenshotAsync(dispatcher, "mobile-dispatch-handled-390x844.png");

        // An inspector sees the photo, verifies with a photo of their own, and the dispatcher closes the case.
        await using var inspectorPhone = await PhoneAsync(browser, place);
        var inspector = await SignInAsync(inspectorPhone, "inspector.1");
        await OpenAsync(inspector, "inspect", id);
        await inspector.WaitForFunctionAsync("document.querySelector('#case .photos img')?.naturalWidth > 0");
        (await inspector.EvaluateAsync<int>("document.querySelector('#case .photos img').naturalWidth")).Should().Be(320, "lists show the small copy");
        await inspector.SetInputFilesAsync("[data-action-form=verify] input[type=file]",
            new FilePayload { Name = "check.jpg", MimeType = "image/jpeg", Buffer = Engine.Photo(Encoding.UTF8.GetBytes("verified " + id)) });
        await PageBrowser.ScreenshotAsync(inspector, "mobile-inspect-390x844.png");
        await inspector.ClickAsync("[data-action-form=verify] button[data-event-action=verify]");
        await inspector.WaitForSelectorAsync(".toast.ok");
        (await _cases.GetAsync(id)).GetProperty("state").GetString().Should().Be("verified");

        await dispatcher.ClickAsync("#back");
        await dispatcher.WaitForSelectorAsync($"#dispatch [data-group=toClose] [data-id='{id}']");
        await OpenAsync(dispatcher, "dispatch", id);
        await dispatcher.ClickAsync("[data-event-action=close]");
        await dispatcher.WaitForSelectorAsync("#case .state[data-state=closed]");

        var closed = await AuditAsync(id);
        closed.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString())
            .Should().Equal("report", "register", "dispatch", "accept", "handle", "verify", "close");
        closed.GetProperty("verification").GetProperty("isValid").GetBoolean().Should().BeTrue();
        (await _cases.GetAsync(id)).GetProperty("state").GetString().Should().Be("closed");
    }

    [Fact]
    public async Task An_action_taken_offline_on_a_case_reassigned_meanwhile_is_shown_as_a_conflict_in_words()
    {
        var place = CaseClient.NewPlace();
        var id = await _cases.ReportAsync("water_main_leak", place);
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "register" });
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch", department = "water", assignee = "responder.water.1" });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        await using var phone = await PhoneAsync(browser, place);
        var page = await SignInAsync(phone, Responder);
        await OpenAsync(page, "tasks", id);

        await phone.SetOfflineAsync(true);
        await page.ClickAsync("[data-event-action=accept]");
        await page.WaitForSelectorAsync("#outbox li[data-state=pending]");
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch", department = "water", assignee = "responder.water.2" });
        await phone.SetOfflineAsync(false);

        var conflict = page.Locator("#outbox li[data-state=conflict]");
        await conflict.WaitForAsync();
        (await conflict.TextContentAsync()).Should().Contain("案件已改派给他人").And.Contain("responder.water.2");
        await PageBrowser.ScreenshotAsync(page, "mobile-conflict-390x844.png");
        (await _cases.GetAsync(id)).GetProperty("assignee").GetString().Should().Be("responder.water.2");
        (await AuditAsync(id)).GetProperty("entries").EnumerateArray().Should().NotContain(e => e.GetProperty("action").GetString() == "accept");
        await page.ClickAsync("#outbox li[data-state=conflict] button");
        await page.WaitForSelectorAsync("#outbox-panel", new() { State = WaitForSelectorState.Hidden });
    }

    [Fact]
    public async Task A_responder_hears_at_once_that_a_task_was_assigned_to_them_and_then_reassigned_away()
    {
        var place = CaseClient.NewPlace();
        var id = await _cases.ReportAsync("water_main_leak", place);
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "register" });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        await using var phone = await PhoneAsync(browser, place);
        var page = await SignInAsync(phone, Responder);
        await page.WaitForFunctionAsync("document.body.dataset.live === 'true'");

        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch", department = "water", assignee = Responder });
        await page.WaitForSelectorAsync($"#tasks [data-id='{id}']", new() { Timeout = 10_000 });
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch", department = "water", assignee = "responder.water.2" });

        await page.WaitForSelectorAsync($"#last-notice[data-change=reassignedAway][data-id='{id}']", new() { Timeout = 10_000 });
        await page.WaitForSelectorAsync($"#tasks [data-id='{id}']", new() { State = WaitForSelectorState.Detached });
        (await page.TextContentAsync(".toast.error")).Should().Contain("任务已改派给他人");
    }

    [Fact]
    public async Task The_page_installs_as_an_app_and_opens_with_its_last_tasks_without_a_connection()
    {
        var place = CaseClient.NewPlace();
        var id = await _cases.ReportAsync("water_main_leak", place);
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "register" });
        await _cases.MustActAsync(CaseClient.WaterDispatcher, id, new { action = "dispatch", department = "water", assignee = Responder });
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        await using var phone = await PhoneAsync(browser, place, serviceWorker: true);
        var page = await SignInAsync(phone, Responder);
        await page.WaitForSelectorAsync($"#tasks [data-id='{id}']");
        await page.WaitForFunctionAsync("navigator.serviceWorker.controller !== null");
        using var http = Engine.Http();
        var manifest = await http.GetFromJsonAsync<JsonElement>(new Uri("/manifest.webmanifest", UriKind.Relative));

        await phone.SetOfflineAsync(true);
        await page.ReloadAsync();

        await page.WaitForSelectorAsync("body[data-ready=true]");
        await page.WaitForSelectorAsync($"#tasks [data-id='{id}']");
        (await page.TextContentAsync("#tasks")).Should().Contain("离线：显示上次同步的内容");
        (await page.TextContentAsync("#net")).Should().Be("离线");
        manifest.GetProperty("start_url").GetString().Should().Be("/m/");
        manifest.GetProperty("display").GetString().Should().Be("standalone");
        manifest.GetProperty("icons").EnumerateArray().Should().Contain(i => i.GetProperty("sizes").GetString() == "512x512");
        await PageBrowser.ScreenshotAsync(page, "mobile-offline-start-390x844.png");
    }

    [Fact]
    public async Task A_responder_looks_up_a_device_in_English_too()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var user = Engine.Users.First(u => u.Username == Responder);
        var device = Engine.Devices.First(d => user.Regions.Any(r => d.CellCode.StartsWith(r, StringComparison.Ordinal)));
        await using var phone = await PhoneAsync(browser, device.Location);
        var page = await SignInAsync(phone, Responder);

        await page.ClickAsync("#tabs button[data-view=me]");
        await page.FillAsync("#device-form input[name=id]", device.Id);
        await page.ClickAsync("#device-form button[type=submit]");
        await page.Locator("#device table").WaitForAsync();

        (await page.GetAttributeAsync("body", "class")).Should().Be("mobile");
        (await page.TextContentAsync("#department")).Should().Be("water");
        (await page.TextContentAsync("#device")).Should().Contain(device.Id);
        (await page.TextContentAsync("#tabs button[data-view=tasks]")).Should().Be("我的任务");
        await page.ClickAsync("[data-action=lang]");
        (await page.TextContentAsync("#tabs button[data-view=tasks]")).Should().Be("My tasks");
        await PageBrowser.ScreenshotAsync(page, "mobile-me-en-390x844.png");
    }
}
