using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// The load's payloads (docs/devices.md). Each reading carries one metric, <c>benchSentMs</c>: the publish time
/// in Unix milliseconds modulo 10⁹ (the engine refuses magnitudes above 10⁹). No threshold rule watches it, so
/// the load raises no alarm; whoever sees the reading later (the hub's frames, a subscriber) subtracts it from
/// its own clock to time the way there.
/// </summary>
public static class BenchPayloads
{
    public const string Metric = "benchSentMs";

    /// <summary>The modulus of <see cref="Metric"/>: about 11.6 days, far longer than any latency.</summary>
    public const long Modulus = 1_000_000_000;

    private static readonly byte[] MetricProperty = "\"benchSentMs\":"u8.ToArray();

    public static long SentMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds() % Modulus;

    /// <summary>How long ago a reading stamped <paramref name="sentMs"/> was sent, across the modulus' wrap.</summary>
    public static long AgeMs(long sentMs, DateTimeOffset now) => ((SentMs(now) - sentMs) % Modulus + Modulus) % Modulus;

    /// <summary>ISO-8601 UTC with milliseconds, as <c>ts</c> is written.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>{"values":{"benchSentMs":…},"seq":n,"ts":"…"}</c> for a device's own <c>city/{id}/telemetry</c>.</summary>
    public static byte[] Telemetry(DateTimeOffset at, long seq)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteReading(writer, at, seq);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An aggregator's batch: <c>[{"deviceId":"…","ts":"…","seq":n,"values":{"benchSentMs":…}}, …]</c>, one reading a device.</summary>
    public static byte[] Batch(DateTimeOffset at, IReadOnlyList<(string DeviceId, long Seq)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var buffer = new ArrayBufferWriter<byte>(120 * entries.Count);
        var ts = Timestamp(at);
        var sent = SentMs(at);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var (deviceId, seq) in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("deviceId", deviceId);
                writer.WriteString("ts", ts);
                writer.WriteNumber("seq", seq);
                writer.WriteStartObject("values");
                writer.WriteNumber(Metric, sent);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The first <c>benchSentMs</c> in a payload (a telemetry message or a batch), without parsing the rest.</summary>
    public static bool TryReadSentMs(ReadOnlySpan<byte> payload, out long sentMs)
    {
        sentMs = 0;
        var at = payload.IndexOf(MetricProperty);
        if (at < 0)
        {
            return false;
        }

        var rest = payload[(at + MetricProperty.Length)..].TrimStart(" "u8);
        return Utf8Parser.TryParse(rest, out sentMs, out _) && sentMs >= 0;
    }

    private static void WriteReading(Utf8JsonWriter writer, DateTimeOffset at, long seq)
    {
        writer.WriteStartObject("values");
        writer.WriteNumber(Metric, SentMs(at));
        writer.WriteEndObject();
        writer.WriteNumber("seq", seq);
        writer.WriteString("ts", Timestamp(at));
    }
}
