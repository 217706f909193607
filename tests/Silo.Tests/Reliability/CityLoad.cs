using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CityOps.Grains.Interfaces.City;
using CityOps.Silo.Tests.Hosting;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Reliability;

/// <summary>A report the test means to make, with the key that makes re-sending it safe.</summary>
public sealed record PlannedReport(string Key, string Category, double[] Location, string Description);

/// <summary>What the engine answered to a report: the case's id when acknowledged (201), the body of a failed answer.</summary>
public sealed record ReportAnswer(HttpStatusCode Status, string? Id, bool Merged, string? State, string? Problem = null);

/// <summary>
/// Work for a busy engine from the sample city: reports that never duplicate each other (each
/// category's places lie more than 350 m apart, beyond the 200 m duplicate radius) and smart
/// poles with an SOS button, each handed out once.
/// </summary>
public sealed class CityLoad
{
    public const string IdempotencyHeader = "Idempotency-Key";

    private const double PlaceSpacingMetres = 350;
    private const double PoleSpacingMetres = 250;
    private const int PlacesKept = 600;

    private static readonly Lazy<(IReadOnlyList<string> Reports, string Sos)> Catalogue = new(ReadCatalogue);
    private static readonly Lazy<IReadOnlyList<double[]>> SpreadPlaces = new(() =>
        Spread(SampleGrid.Cells.OrderBy(c => c.Code, StringComparer.Ordinal).Select(c => c.Centre), PlaceSpacingMetres, PlacesKept));

    private static readonly Lazy<IReadOnlyList<DeviceRecord>> SpreadPoles = new(() =>
    {
        var poles = Engine.Devices.Where(d => d.Kind == DeviceKind.SmartPole && d.Modules?.Contains("sos") == true).ToList();
        var places = Spread(poles.Select(p => p.Location), PoleSpacingMetres, int.MaxValue).ToHashSet();
        return [.. poles.Where(p => places.Contains(p.Location))];
    });

    private int _reports = -1;
    private int _poles = -1;

    /// <summary>Categories a person reports and the engine neither raises from alarms nor registers by itself.</summary>
    public static IReadOnlyList<string> ReportCategories => Catalogue.Value.Reports;

    /// <summary>The category the catalogue ties to the <c>sos</c> alarm.</summary>
    public static string SosCategory => Catalogue.Value.Sos;

    public static IReadOnlyList<DeviceRecord> SosPoles => SpreadPoles.Value;

    /// <summary>The next report, its category and place never used together before by this load.</summary>
    public PlannedReport NextReport()
    {
        var n = Interlocked.Increment(ref _reports);
        var categories = ReportCategories;
        var place = n / categories.Count;
        if (place >= SpreadPlaces.Value.Count)
        {
            throw new InvalidOperationException("The sample city has no more places for reports that do not duplicate each other.");
        }

        var key = Guid.NewGuid().ToString("N");
        return new PlannedReport(key, categories[n % categories.Count], SpreadPlaces.Value[place], "可靠性测试 " + key);
    }

    /// <summary>The next smart pole never pressed before by this load.</summary>
    public DeviceRecord NextPole() =>
        TryNextPole() ?? throw new InvalidOperationException("Every smart pole with an SOS button has been used.");

    /// <summary>The next smart pole never pressed before by this load; null when all have been.</summary>
    public DeviceRecord? TryNextPole()
    {
        var n = Interlocked.Increment(ref _poles);
        return n < SosPoles.Count ? SosPoles[n] : null;
    }

    /// <summary>Posts the report with its idempotency key; a dropped connection throws.</summary>
    public static async Task<ReportAnswer> SendAsync(HttpClient http, PlannedReport report, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/events", UriKind.Relative))
        {
            Content = JsonContent.Create(new { category = report.Category, location = report.Location, description = report.Description }),
        };
        request.Headers.Add(IdempotencyHeader, report.Key);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return new ReportAnswer(response.StatusCode, null, false, null, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return new ReportAnswer(
            response.StatusCode,
            body.GetProperty("id").GetString(),
            body.TryGetProperty("merged", out var merged) && merged.GetBoolean(),
            body.TryGetProperty("state", out var state) ? state.GetString() : null);
    }

    /// <summary>Presses the pole's SOS button: a QoS 1 alarm; true when the broker acknowledged it (PUBACK success).</summary>
    public static async Task<bool> PublishSosAsync(IMqttClient client, DeviceRecord pole, CancellationToken cancellationToken = default)
    {
        var result = await client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic($"city/{pole.Id}/alarm")
                .WithPayload(Encoding.UTF8.GetBytes("""{"kind":"sos"}"""))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);
        return result.IsSuccess;
    }

    /// <summary>Points at least <paramref name="spacing"/> metres from each other, taken greedily in order.</summary>
    private static List<double[]> Spread(IEnumerable<double[]> candidates, double spacing, int max)
    {
        var kept = new List<double[]>();
        foreach (var point in candidates)
        {
            if (kept.Count >= max)
            {
                break;
            }

            if (kept.TrueForAll(k => Metres(k, point) > spacing))
            {
                kept.Add(point);
            }
        }

        return kept;
    }

    /// <summary>Distance on the ground, flat-earth: exact enough at city scale.</summary>
    private static double Metres(double[] a, double[] b)
    {
        var dx = (a[0] - b[0]) * 111_320 * Math.Cos((a[1] + b[1]) / 2 * Math.PI / 180);
        var dy = (a[1] - b[1]) * 110_540;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static (IReadOnlyList<string> Reports, string Sos) ReadCatalogue()
    {
        using var catalogue = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Engine.CityPath, "catalogue.json")));
        var categories = catalogue.RootElement.EnumerateArray().ToList();
        static bool RaisedBy(JsonElement c, string kind) => c.GetProperty("alarmKinds").EnumerateArray().Any(k => k.GetString() == kind);
        List<string> reports =
        [
            .. categories
                .Where(c => !c.GetProperty("autoRegister").GetBoolean() && c.GetProperty("alarmKinds").GetArrayLength() == 0)
                .Select(c => c.GetProperty("code").GetString()!)
                .Order(StringComparer.Ordinal),
        ];
        return (reports, categories.Single(c => RaisedBy(c, "sos")).GetProperty("code").GetString()!);
    }
}
