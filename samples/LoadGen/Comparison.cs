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
            Spread("own-connection devices: p50 / p99 / max PUBACK (ms)", engine.Devices.Ack, mosquitto.Devices.Ack),
            Pair(
                $"aggregator path ({engine.Options.Aggregators} × {engine.Options.Batch}): readings/s acknowledged within 30 s",
                engine.Aggregators.ReadingsPerSecond,
                mosquitto.Aggregators.ReadingsPerSecond,
                "N0"),
            Spread("aggregator path: p50 / p99 / max batch ack (ms)", engine.Aggregators.Ack, mosquitto.Aggregators.Ack),
            new(
                "engine's own count: readings accepted a second over the window",
                engine.EngineAccepted is { Count: > 0 } accepted ? Format(accepted.Values.Sum() / Math.Max(engine.WindowSeconds, 1e-9), "N0") : "-",
                "-",
                "-"),
            new(
                "publish → twin p99 (ms; mosquitto: → subscriber)",
                engine.PublishToTwin is { Exported: true, P99: { } p99 } ? p99.ToString() + " (bucket)" : "not exported",
                Format(Latency(mosquitto.Subscriber?.Delivery, s => s.P99), "0.##"),
                "-"),
            new(
                "publish → dashboard frame p50 / p99 (ms)",
                engine.PublishToFrame?.Latency is { Count: > 0 } frame ? $"{Format(frame.P50, "0.##")} / {Format(frame.P99, "0.##")}" : "-",
                "- (no dashboard)",
                "-"),
            new("registration of the city's devices (s)", Format(registrationSeconds, "0.#"), "- (no registry)", "-"),
            Pair("broker RSS after the load (MB)", engine.Broker?.RssMbAtEnd, mosquitto.Broker?.RssMbAtEnd, "N0"),
            new(
                "engine GC pause over the window (s; % of it)",
                engine.EngineRuntime is { } runtime ? string.Create(CultureInfo.InvariantCulture, $"{runtime.GcPauseSeconds:0.##} ({runtime.GcPausePercent:0.#} %)") : "not exported",
                "- (no collector)",
                "-"),
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
            rows.Insert(8, new Row("engine RSS after registration (MB)", Format(rss, "N0"), "-", "-"));
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

    /// <summary>p50 / p99 / max of both sides, each with its ratio.</summary>
    private static Row Spread(string work, LatencySummary engine, LatencySummary mosquitto)
    {
        static string Three(LatencySummary s, Func<double, string> format) =>
            s.Count == 0 ? "-" : $"{format(s.P50)} / {format(s.P99)} / {format(s.Max)}";
        return new Row(
            work,
            Three(engine, v => Format(v, "0.##")),
            Three(mosquitto, v => Format(v, "0.##")),
            engine.Count == 0 || mosquitto.Count == 0
                ? "-"
                : $"{Ratio(engine.P50, mosquitto.P50)} / {Ratio(engine.P99, mosquitto.P99)} / {Ratio(engine.Max, mosquitto.Max)}");
    }

    private static Row Pair(string work, double? engine, double? mosquitto, string format, bool ratio = true) =>
        new(work, Format(engine, format), Format(mosquitto, format), ratio ? Ratio(engine, mosquitto) : "-");

    private static double? Latency(LatencySummary? summary, Func<LatencySummary, double> pick) =>
        summary is { Count: > 0 } s ? pick(s) : null;

    private static long NotAcknowledged(LedgerFigures f) => f.Refused + f.Failed + f.Unanswered + f.Unaccounted;

    private static string Format(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
