using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace CityOps.Samples.DeviceSimulator;

/// <summary>The JSON payloads of the MQTT contract (DESIGN §5), written as UTF-8.</summary>
public static class Payloads
{
    public static ReadOnlyMemory<byte> Online { get; } = "{\"online\":true}"u8.ToArray();

    public static ReadOnlyMemory<byte> Offline { get; } = "{\"online\":false}"u8.ToArray();

    public static byte[] Telemetry(DateTimeOffset ts, long seq, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Write(writer =>
        {
            writer.WriteString("ts", Timestamp(ts));
            writer.WriteNumber("seq", seq);
            writer.WriteStartObject("values");
            foreach (var (metric, value) in values)
            {
                writer.WriteNumber(metric, value);
            }

            writer.WriteEndObject();
        });
    }

    public static byte[] Alarm(DateTimeOffset ts, string kind) => Write(writer =>
    {
        writer.WriteString("ts", Timestamp(ts));
        writer.WriteString("kind", kind);
    });

    public static byte[] Detection(DateTimeOffset ts, Detection detection) => Write(writer =>
    {
        writer.WriteString("ts", Timestamp(ts));
        writer.WriteString("kind", detection.Kind);
        writer.WriteNumber("confidence", detection.Confidence);
        writer.WriteNull("snapshot");
    });

    public static byte[] Ack(string commandId, string? error) => Write(writer =>
    {
        writer.WriteString("id", commandId);
        writer.WriteBoolean("ok", error is null);
        if (error is null)
        {
            writer.WriteNull("error");
        }
        else
        {
            writer.WriteString("error", error);
        }
    });

    /// <summary>ISO-8601 UTC with milliseconds, e.g. <c>2026-11-22T08:15:30.250Z</c>.</summary>
    private static string Timestamp(DateTimeOffset ts) =>
        ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] Write(Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
