using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CityOps.Silo.Tests.Hosting;

namespace CityOps.Silo.Tests.Events;

/// <summary>The case API as the sample city's users call it, and places in street 990101001 (every demo user's scope) far enough apart never to merge.</summary>
public sealed class CaseClient(Engine engine)
{
    public const string Street = "990101001";

    private static readonly object Gate = new();
    private static readonly List<double[]> Used = [];

    public static readonly (string User, string Password) Operator = ("operator", "Operator#2026");
    public static readonly (string User, string Password) WaterDispatcher = ("dispatcher.water", "Dispatch#2026");
    public static readonly (string User, string Password) UrbanDispatcher = ("dispatcher.urban", "Dispatch#2026");
    public static readonly (string User, string Password) GasDispatcher = ("dispatcher.gas", "Dispatch#2026");
    public static readonly (string User, string Password) GasResponder = ("responder.gas.1", "Respond#2026");
    public static readonly (string User, string Password) WaterResponder = ("responder.water.1", "Respond#2026");
    public static readonly (string User, string Password) TrafficResponder = ("responder.traffic.1", "Respond#2026");
    public static readonly (string User, string Password) Inspector = ("inspector.1", "Respond#2026");

    /// <summary>The centre of a cell of the street at least 400 m from every place handed out before.</summary>
    public static double[] NewPlace()
    {
        lock (Gate)
        {
            var place = SampleGrid.Cells
                .Where(c => c.Code.StartsWith(Street, StringComparison.Ordinal))
                .Select(c => c.Centre)
                .First(p => Used.TrueForAll(u => Math.Abs(u[0] - p[0]) > 0.0045 || Math.Abs(u[1] - p[1]) > 0.0045));
            Used.Add(place);
            return place;
        }
    }

    public async Task<HttpClient> AsAsync((string User, string Password) who) => engine.Http(await engine.TokenAsync(who.User, who.Password));

    public async Task<string> ReportAsync(string category = "street_light_damaged", double[]? at = null)
    {
        using var http = await AsAsync(Operator);
        var response = await http.PostAsJsonAsync("/api/events", new { category, location = at ?? NewPlace(), description = "报告：" + category });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<HttpResponseMessage> ActAsync((string User, string Password) who, string id, object action)
    {
        using var http = await AsAsync(who);
        return await http.PostAsJsonAsync($"/api/events/{id}/actions", action);
    }

    /// <summary>An action that must succeed; returns the case afterwards.</summary>
    public async Task<JsonElement> MustActAsync((string User, string Password) who, string id, object action)
    {
        var response = await ActAsync(who, id, action);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetAsync(string id, (string User, string Password)? who = null)
    {
        using var http = await AsAsync(who ?? Operator);
        var response = await http.GetAsync(new Uri($"/api/events/{id}", UriKind.Relative));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Registers, dispatches to water, accepts, handles, verifies and closes a case reported as a street light
    /// (the urban dispatcher's by the responsibility list until dispatched).
    /// </summary>
    public async Task CloseAsync(string id)
    {
        await MustActAsync(Operator, id, new { action = "register" });
        await MustActAsync(UrbanDispatcher, id, new { action = "dispatch", department = "water" });
        await MustActAsync(WaterResponder, id, new { action = "accept" });
        await MustActAsync(WaterResponder, id, new { action = "handle" });
        await MustActAsync(Inspector, id, new { action = "verify" });
        await MustActAsync(Operator, id, new { action = "close" });
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(100);
        }
    }
}
