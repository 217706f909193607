using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.DeviceGateway.Payloads;

/// <summary>
/// Parses a device's telemetry payload (<c>{"ts":"…","seq":42,"values":{"waterLevelCm":12.5}}</c>)
/// strictly and without allocating a DOM: anything a device or an attacker could send that is not
/// exactly that shape is refused with a reason, never thrown.
/// </summary>
public sealed class TelemetryParser(TimeProvider clock, int maxPayloadBytes = TelemetryParser.DefaultMaxPayloadBytes)
{
    public const int DefaultMaxPayloadBytes = 16 * 1024;
    public const int MaxMetrics = 64;
    public const int MaxMetricNameLength = 64;

    /// <summary>Readings beyond this magnitude are not physical for any city sensor.</summary>
    public const double MaxMagnitude = 1e9;

    /// <summary>Containers nested deeper than this are refused as an attack, not as a wrong type.</summary>
    private const int HostileDepth = 8;

    /// <summary>The reader's own limit sits well above ours so that deep nesting is reported as such.</summary>
    private const int ReaderMaxDepth = 64;

    /// <summary>A device clock this far ahead is wrong; its reading is taken as received now.</summary>
    private static readonly TimeSpan MaxClockAhead = TimeSpan.FromMinutes(5);

    public ParseResult<TelemetryReport> Parse(ReadOnlySequence<byte> payload)
    {
        if (payload.Length > maxPayloadBytes)
        {
            return ParseResult<TelemetryReport>.Reject(RejectReason.PayloadTooLarge, $"{payload.Length} bytes > {maxPayloadBytes}");
        }

        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = ReaderMaxDepth });
            return ParseDocument(ref reader);
        }
        catch (JsonException ex)
        {
            return ParseResult<TelemetryReport>.Reject(RejectReason.MalformedJson, ex.Message);
        }
    }

    private ParseResult<TelemetryReport> ParseDocument(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return ParseResult<TelemetryReport>.Reject(RejectReason.MalformedJson, "empty payload");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return RejectContainerOrType(ref reader, "payload must be a JSON object");
        }

        DateTimeOffset? timestamp = null;
        long? seq = null;
        Dictionary<string, double>? values = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!seen.Add(name))
            {
                return ParseResult<TelemetryReport>.Reject(RejectReason.DuplicateField, name);
            }

            reader.Read();
            switch (name)
            {
                case "ts":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return RejectContainerOrType(ref reader, "ts must be an ISO-8601 string");
                    }

                    if (!DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts))
                    {
                        return ParseResult<TelemetryReport>.Reject(RejectReason.InvalidTimestamp, "ts is not an ISO-8601 time");
                    }

                    timestamp = ts;
                    break;
                case "seq":
                    if (reader.TokenType != JsonTokenType.Number)
                    {
                        return RejectContainerOrType(ref reader, "seq must be a number");
                    }

                    if (!reader.TryGetInt64(out var s) || s < 0)
                    {
                        return ParseResult<TelemetryReport>.Reject(RejectReason.OutOfRange, "seq must be a non-negative integer");
                    }

                    seq = s;
                    break;
                case "values":
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return RejectContainerOrType(ref reader, "values must be an object");
                    }

                    var parsed = ParseValues(ref reader, out var reject);
                    if (parsed is null)
                    {
                        return reject;
                    }

                    values = parsed;
                    break;
                default:
                    return ParseResult<TelemetryReport>.Reject(RejectReason.UnknownField, name);
            }
        }

        if (reader.Read())
        {
            return ParseResult<TelemetryReport>.Reject(RejectReason.MalformedJson, "content after the JSON object");
        }

        // An empty values object is a heartbeat: it proves the device alive without a reading.
        if (values is null)
        {
            return ParseResult<TelemetryReport>.Reject(RejectReason.NoValues, "values is missing");
        }

        var now = clock.GetUtcNow();
        var at = timestamp is { } t && t <= now + MaxClockAhead ? t : now;
        return ParseResult<TelemetryReport>.Ok(new TelemetryReport(at, seq, values));
    }

    private static Dictionary<string, double>? ParseValues(ref Utf8JsonReader reader, out ParseResult<TelemetryReport> reject)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var metric = reader.GetString()!;
            if (!IsValidMetricName(metric))
            {
                reject = ParseResult<TelemetryReport>.Reject(RejectReason.InvalidMetricName, Truncate(metric));
                return null;
            }

            if (values.Count == MaxMetrics)
            {
                reject = ParseResult<TelemetryReport>.Reject(RejectReason.TooManyMetrics, $"more than {MaxMetrics} metrics");
                return null;
            }

            reader.Read();
            double value;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
                    {
                        reject = ParseResult<TelemetryReport>.Reject(RejectReason.NonFiniteNumber, metric);
                        return null;
                    }

                    if (Math.Abs(value) > MaxMagnitude)
                    {
                        reject = ParseResult<TelemetryReport>.Reject(RejectReason.OutOfRange, metric);
                        return null;
                    }

                    break;
                case JsonTokenType.True:
                    value = 1;
                    break;
                case JsonTokenType.False:
                    value = 0;
                    break;
                case JsonTokenType.String when reader.GetString() is "NaN" or "Infinity" or "-Infinity":
                    reject = ParseResult<TelemetryReport>.Reject(RejectReason.NonFiniteNumber, metric);
                    return null;
                default:
                    reject = RejectContainerOrType(ref reader, $"{metric} must be a number");
                    return null;
            }

            if (!values.TryAdd(metric, value))
            {
                reject = ParseResult<TelemetryReport>.Reject(RejectReason.DuplicateField, metric);
                return null;
            }
        }

        reject = default;
        return values;
    }

    /// <summary>A nested container where a scalar belongs is a wrong type, unless it nests like an attack.</summary>
    private static ParseResult<TelemetryReport> RejectContainerOrType(ref Utf8JsonReader reader, string detail)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var start = reader.CurrentDepth;
            var deepest = start;
            while (reader.Read() && reader.CurrentDepth > start)
            {
                deepest = Math.Max(deepest, reader.CurrentDepth);
                if (deepest - start >= HostileDepth)
                {
                    return ParseResult<TelemetryReport>.Reject(RejectReason.TooDeep, $"nesting deeper than {HostileDepth}");
                }
            }
        }

        return ParseResult<TelemetryReport>.Reject(RejectReason.WrongType, detail);
    }

    private static bool IsValidMetricName(string name)
    {
        if (name.Length is 0 or > MaxMetricNameLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
