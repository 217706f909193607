using System.Globalization;
using System.Text;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// The engine beside mosquitto under the same load: one row per figure, with engine ÷ mosquitto where both have
/// it (above 1 means the engine does more a second, or takes longer). Mosquitto has no twin and no dashboard:
/// its row of publish → twin holds its subscriber's publish → delivery, the nearest it has.
/// </summary>
public static class Comparison
{
    public sealed record Row(string Work, string Engine, string Mosquitto, string Ratio);

    public static IReadOnlyList<Row> Rows(LoadReport engine, LoadReport mosquitto, double? registrationSeconds, double? rssMbAfterRegistration)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(mosquitto);
        var rows = new List<Row>
        {
            Pair($"own-connection devices ({engine.Options.Devices:N0}): acknowledged msg/s", engine.Devices.AcknowledgedPerSecond, mosquitto.Devices.AcknowledgedPerSecond, "N0"),
            Pair("own-connection devices: p99 PUBACK (ms)", Latency(engine.Devices.Ack, s => s.P99), Latency(mosquitto.Devices.Ack, s => s.P99), "0.##"),
            Pair($"aggregator path ({engine.Options.Aggregators} × {engine.Options.Batch}): readings/s", engine.Aggregators.ReadingsPerSecond, mosquitto.Aggregators.ReadingsPerSecond, "N0"),
            Pair("aggregator path: p99 batch ack (ms)", Latency(engine.Aggregators.Ack, s => s.P99), Latency(mosquitto.Aggregators.Ack, s => s.P99), "0.##"),
            new(
                "publish → twin p99 (ms; mosquitto: → subscriber)",
                engine.PublishToTwin is { Exported: true, P99: { } p99 } ? p99.ToString() + " (bucket)" : "not exported",
                Format(Latency(mosquitto.Subscriber?.Delivery, s => s.P99), "0.##"),
                "-"),
            new(
                "publish → dashboard frame p99 (ms)",
                Format(Latency(engine.PublishToFrame?.Latency, s => s.P99), "0.##"),
                "- (no dashboard)",
                "-"),
            new("registration of the city's devices (s)", Format(registrationSeconds, "0.#"), "- (no registry)", "-"),
            Pair("broker RSS after the load (MB)", engine.Broker?.RssMbAtEnd, mosquitto.Broker?.RssMbAtEnd, "N0"),
            Pair("broker CPU over the window (% of one core)", engine.Broker?.CpuPercentOfOneCore, mosquitto.Broker?.CpuPercentOfOneCore, "0"),
            Pair("generator CPU over the window (% of one core)", engine.Generator?.CpuPercentOfOneCore, mosquitto.Generator?.CpuPercentOfOneCore, "0"),
            Pair(
                "publishes not acknowledged (refused + failed + unanswered)",
                NotAcknowledged(engine.Devices.Measured) + NotAcknowledged(engine.Aggregators.Measured),
                NotAcknowledged(mosquitto.Devices.Measured) + NotAcknowledged(mosquitto.Aggregators.Measured),
                "N0",
                ratio: false),
        };
        if (rssMbAfterRegistration is { } rss)
        {
            rows.Insert(7, new Row("engine RSS after registration (MB)", Format(rss, "N0"), "-", "-"));
        }

        return rows;
    }

    public static string Markdown(IReadOnlyList<Row> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder();
        text.Append("| work | engine | mosquitto | engine ÷ mosquitto |\n|---|---:|---:|---:|\n");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {row.Work} | {row.Engine} | {row.Mosquitto} | {row.Ratio} |\n");
        }

        return text.ToString();
    }

    /// <summary>engine ÷ mosquitto to two significant places; "-" when either is missing or mosquitto's is 0.</summary>
    public static string Ratio(double? engine, double? mosquitto) =>
        engine is { } e && mosquitto is { } m && m != 0
            ? (e / m).ToString(e / m >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture)
            : "-";

    private static Row Pair(string work, double? engine, double? mosquitto, string format, bool ratio = true) =>
        new(work, Format(engine, format), Format(mosquitto, format), ratio ? Ratio(engine, mosquitto) : "-");

    private static double? Latency(LatencySummary? summary, Func<LatencySummary, double> pick) =>
        summary is { Count: > 0 } s ? pick(s) : null;

    private static long NotAcknowledged(LedgerFigures f) => f.Refused + f.Failed + f.Unanswered + f.Unaccounted;

    private static string Format(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
