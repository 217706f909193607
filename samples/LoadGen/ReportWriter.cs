using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CityOps.Samples.LoadGen;

/// <summary>The human table of one run, and its JSON.</summary>
public static class ReportWriter
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Text(LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var text = new StringBuilder();
        Line(text, $"mode {report.Mode}, broker {o.Host}:{o.Port}, QoS {o.Qos}, measured window {report.WindowSeconds:F1} s after {o.Warmup.TotalSeconds:0.#} s warm-up");
        Line(text, "");
        Connections(text, "device connections", report.DeviceConnections);
        Connections(text, "aggregator connections", report.AggregatorConnections);
        Line(text, "");
        Path(text, $"devices on their own connections ({o.Devices:N0}, --rate {Rate(o.Rate)})", report.Devices, "PUBACK", "messages");
        Path(text, $"aggregators ({o.Aggregators}, batches of {o.Batch}, --batch-rate {Rate(o.BatchRate)})", report.Aggregators, "batch ack", "batches");
        if (report.Aggregators.Measured.Sent > 0)
        {
            Line(text, $"  readings               {report.Aggregators.Measured.Readings:N0} sent, {report.Aggregators.Measured.ReadingsAcknowledged:N0} in acknowledged batches = {report.Aggregators.ReadingsPerSecond:N0}/s");
        }

        Line(text, "");
        if (report.PublishToTwin is { } twin)
        {
            Line(text, twin.Exported
                ? $"publish → twin         {twin.Readings:N0} readings applied; p50 {twin.P50?.ToString() ?? "-"} ms, p90 {twin.P90?.ToString() ?? "-"} ms, p99 {twin.P99?.ToString() ?? "-"} ms ({twin.Note})"
                : "publish → twin: not exported by this engine");
        }

        if (report.PublishToFrame is { } frame)
        {
            Line(text, frame.Problem is not null && frame.Frames == 0
                ? $"publish → dashboard frame: not measured ({frame.Problem})"
                : $"publish → dashboard frame (street {frame.Region}, {frame.Frames:N0} frames, {frame.DeltaReadings:N0} device readings): {Latency(frame.Latency)}"
                  + (frame.Problem is null ? "" : $" [{frame.Problem}]"));
        }

        if (report.Subscriber is { } subscriber)
        {
            Line(text, $"subscriber on city/#   {subscriber.Received:N0} messages ({subscriber.Readings:N0} readings) of {subscriber.Expected:N0} acknowledged; publish → delivery {Latency(subscriber.Delivery)}");
        }

        if (report.EngineAccepted is { Count: > 0 } accepted)
        {
            Line(text, $"engine accepted        {Counts(accepted)}");
        }

        if (report.EngineRejected is { Count: > 0 } rejected)
        {
            Line(text, $"engine refused         {Counts(rejected)}");
        }

        if (report.EngineRuntime is { } runtime)
        {
            Line(text, string.Create(
                CultureInfo.InvariantCulture,
                $"engine runtime         GC paused {runtime.GcPauseSeconds:0.###} s ({runtime.GcPausePercent:0.#} % of the window); collections {Counts(runtime.Collections)}; allocated {runtime.AllocatedMbPerSecond:0.#} MB/s; heap after the last collection {runtime.HeapMbAfterLastCollection:0.#} MB"));
        }

        Line(text, "");
        Process(text, "generator", report.Generator);
        Process(text, "broker", report.Broker);
        return text.ToString();
    }

    public static string ToJson(LoadReport report) => JsonSerializer.Serialize(report, Json);

    public static LoadReport FromJson(string json) =>
        JsonSerializer.Deserialize<LoadReport>(json, Json) ?? throw new JsonException("the report is empty.");

    public static string Latency(LatencySummary s) => s.Count == 0
        ? "no samples"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {s.P50:0.###} ms, p90 {s.P90:0.###}, p99 {s.P99:0.###}, p99.9 {s.P999:0.###}, max {s.Max:0.###} ({s.Count:N0} samples)");

    private static void Connections(StringBuilder text, string what, ConnectionFigures c)
    {
        if (c.Attempted == 0)
        {
            return;
        }

        Line(text, $"{what,-22} {c.Connected:N0} of {c.Attempted:N0} connected (last after {c.SecondsToConnectAll:0.#} s); "
            + $"refused {Counts(c.Refused)}; failed {Counts(c.Failed)}; dropped while loading {Counts(c.Dropped)}");
    }

    private static void Path(StringBuilder text, string what, PathFigures p, string ack, string unit)
    {
        var m = p.Measured;
        if (m.Sent == 0 && p.WarmupSent == 0)
        {
            return;
        }

        Line(text, what);
        Line(text, $"  {unit,-22} sent {m.Sent:N0} ({p.SentPerSecond:N1}/s), acknowledged {m.Acknowledged:N0} ({p.AcknowledgedPerSecond:N1}/s), "
            + $"refused {m.Refused:N0}{Detail(m.RefusedByReason)}, failed {m.Failed:N0}{Detail(m.FailedByError)}, unanswered {m.Unanswered:N0}");
        Line(text, $"  {"unaccounted",-22} {m.Unaccounted:N0} (sent − acknowledged − refused − failed − unanswered)"
            + (m.AnsweredLate > 0 ? $"; {m.AnsweredLate:N0} unanswered ones were acknowledged after their deadline" : "")
            + (p.SentLate > 0 ? $"; {p.SentLate:N0} sent late, held back by --max-inflight" : ""));
        Line(text, $"  {ack,-22} {Latency(p.Ack)}");
        if (p.Warmup is { } w)
        {
            Line(text, $"  {"warm-up",-22} sent {w.Sent:N0}, acknowledged {w.Acknowledged:N0}, refused {w.Refused:N0}{Detail(w.RefusedByReason)}, "
                + $"failed {w.Failed:N0}{Detail(w.FailedByError)}, unanswered {w.Unanswered:N0}, unaccounted {w.Unaccounted:N0} (not in the figures above)");
        }
    }

    private static void Process(StringBuilder text, string what, ProcessFigures? p)
    {
        if (p is not null)
        {
            Line(text, $"{what,-22} pid {p.Pid}: CPU {p.CpuPercentOfOneCore:0.#} % of one core over the window, RSS {p.RssMbAtStart:N0} → {p.RssMbAtEnd:N0} MB, {p.Threads} threads");
        }
    }

    private static string Rate(double? rate) => rate is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) : "max";

    private static string Counts<T>(IReadOnlyDictionary<string, T> counts) => counts.Count == 0
        ? "0"
        : "(" + string.Join(", ", counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{(c.Key.Length == 0 ? "-" : c.Key)} {c.Value:N0}"))) + ")";

    private static string Detail(IReadOnlyDictionary<string, long> counts) => counts.Count == 0 ? "" : " " + Counts(counts);

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
