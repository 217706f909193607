using System.Net.Http.Json;
using CityOps.Silo.Tests.Events;
using CityOps.Silo.Tests.Hosting;
using Microsoft.Playwright;

namespace CityOps.Silo.Tests.Pages;

/// <summary>The big screen shows the on-duty responders where their phones last reported them.</summary>
[Collection(EngineTests.Name)]
public class RespondersLayerTests(EngineFixture fixture)
{
    [Fact]
    public async Task A_responder_on_duty_appears_on_the_big_screens_map()
    {
        var place = CaseClient.NewPlace();
        using (var phone = fixture.Engine.Http(await fixture.Engine.TokenAsync("responder.environment.1", "Respond#2026")))
        {
            (await phone.PostAsJsonAsync("/api/responders/me/duty", new { onDuty = true, lon = place[0], lat = place[1] })).EnsureSuccessStatusCode();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await PageBrowser.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });
        await PageBrowser.SignInAsync(page, new Uri(fixture.Engine.BaseAddress, "/"), "operator");
        await page.WaitForSelectorAsync("#map[data-ready=true]");

        await page.WaitForFunctionAsync("Number(document.querySelector('#map').dataset.responders) > 0");
        // The overlay's data is tiled in MapLibre's worker after setData, so the drawn features follow a moment later.
        var drawn = await page.WaitForFunctionAsync(
            "() => window.situationMap.querySourceFeatures('responders').some(f => f.properties.username === 'responder.environment.1')",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        (await drawn.JsonValueAsync<bool>()).Should().BeTrue();
        (await page.EvaluateAsync<bool>("() => window.situationMap.getLayer('responders') !== undefined")).Should().BeTrue();
    }
}
