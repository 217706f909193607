using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.DeviceGateway.Payloads;

/// <summary>One entry of an aggregator's batch: the device it names (when it named one) and its reading or why it was refused.</summary>
public sealed record TelemetryBatchEntry(string? DeviceId, ParseResult<TelemetryReport> Report);

/// <summary>
/// Parses a device's telemetry payload (<c>{"ts":"…","seq":42,"values":{"waterLevelCm":12.5}}</c>)
/// strictly and without allocating a DOM: anything a device or an attacker could send that is not
/// exactly that shape is refused with a reason, never thrown. An aggregator's batch is an array of
/// such objects, each also naming its <c>deviceId</c>.
/// </summary>
public sealed class TelemetryParser(TimeProvider clock, int maxPayloadBytes = TelemetryParser.DefaultMaxPayloadBytes)
{
    public const int DefaultMaxPayloadBytes = 16 * 1024;
    public const int MaxMetrics = DeviceIds.MaxMetrics;
    public const int MaxMetricNameLength = 64;

    /// <summary>An NB-IoT/LoRa platform forwards a few hundred readings at a time; more is a misconfiguration or an attack.</summary>
    public const int MaxBatchEntries = 500;

    public const int MaxBatchBytes = 256 * 1024;

    /// <summary>The same limit the provisioning API puts on device ids.</summary>
    public const int MaxDeviceIdLength = DeviceIds.MaxLength;

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
            if (!reader.Read())
            {
                return ParseResult<TelemetryReport>.Reject(RejectReason.MalformedJson, "empty payload");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return RejectContainerOrType(ref reader, "payload must be a JSON object");
            }

            var fields = default(Fields);
            if (ReadObject(ref reader, withDeviceId: false, ref fields) is { } rejected)
            {
                return rejected;
            }

            return reader.Read()
                ? ParseResult<TelemetryReport>.Reject(RejectReason.MalformedJson, "content after the JSON object")
                : Build(fields);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return ParseResult<TelemetryReport>.Reject(RejectReason.MalformedJson, ex.Message);
        }
    }

    /// <summary>
    /// Parses an aggregator's batch (<c>[{"deviceId":"…","ts":"…","seq":1,"values":{…}}, …]</c>). The batch
    /// as a whole is refused only when it cannot be read (too large, not an array, malformed JSON, too many
    /// entries); otherwise each entry is parsed on its own, so one bad entry does not cost the good ones.
    /// </summary>
    public ParseResult<IReadOnlyList<TelemetryBatchEntry>> ParseBatch(ReadOnlySequence<byte> payload)
    {
        if (payload.Length > MaxBatchBytes)
        {
            return ParseResult<IReadOnlyList<TelemetryBatchEntry>>.Reject(RejectReason.PayloadTooLarge, $"{payload.Length} bytes > {MaxBatchBytes}");
        }

        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = ReaderMaxDepth });
            if (!reader.Read())
            {
                return ParseResult<IReadOnlyList<TelemetryBatchEntry>>.Reject(RejectReason.MalformedJson, "empty payload");
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return ParseResult<IReadOnlyList<TelemetryBatchEntry>>.Reject(RejectReason.WrongType, "a batch must be a JSON array");
            }

            var entries = new List<TelemetryBatchEntry>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (entries.Count == MaxBatchEntries)
                {
                    return ParseResult<IReadOnlyList<TelemetryBatchEntry>>.Reject(RejectReason.PayloadTooLarge, $"more than {MaxBatchEntries} entries");
                }

                entries.Add(ReadEntry(ref reader));
            }

            return reader.Read()
                ? ParseResult<IReadOnlyList<TelemetryBatchEntry>>.Reject(RejectReason.MalformedJson, "content after the JSON array")
                : ParseResult<IReadOnlyList<TelemetryBatchEntry>>.Ok(entries);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return ParseResult<IReadOnlyList<TelemetryBatchEntry>>.Reject(RejectReason.MalformedJson, ex.Message);
        }
    }

    /// <summary>Reads one batch entry and leaves the reader on its last token, whether the entry was good or not.</summary>
    private TelemetryBatchEntry ReadEntry(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            var isContainer = reader.TokenType == JsonTokenType.StartArray;
            var rejected = RejectContainerOrType(ref reader, "a batch entry must be a JSON object");
            if (isContainer)
            {
                SkipToEnd(ref reader, depth);
            }

            return new TelemetryBatchEntry(null, rejected);
        }

        var fields = default(Fields);
        if (ReadObject(ref reader, withDeviceId: true, ref fields) is { } refused)
        {
            SkipToEnd(ref reader, depth);
            return new TelemetryBatchEntry(fields.DeviceId, refused);
        }

        return fields.DeviceId is null
            ? new TelemetryBatchEntry(null, ParseResult<TelemetryReport>.Reject(RejectReason.NoValues, "deviceId is missing"))
            : new TelemetryBatchEntry(fields.DeviceId, Build(fields));
    }

    /// <summary>Moves past the rest of a refused entry, up to the token that closes it.</summary>
    private static void SkipToEnd(ref Utf8JsonReader reader, int depth)
    {
        while (reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray) || reader.CurrentDepth != depth)
        {
            if (!reader.Read())
            {
                throw new JsonException("the batch ends inside an entry");
            }
        }
    }

    /// <summary>
    /// Reads the fields of the object the reader stands on, up to its closing brace; returns why it was
    /// refused, or null when every field is acceptable.
    /// </summary>
    private static ParseResult<TelemetryReport>? ReadObject(ref Utf8JsonReader reader, bool withDeviceId, ref Fields fields)
    {
        // The known fields are told apart by their UTF-8 bytes, so an accepted object allocates no field name.
        var seen = KnownField.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader, withDeviceId);
            if (field == KnownField.None)
            {
                return ParseResult<TelemetryReport>.Reject(RejectReason.UnknownField, reader.GetString()!);
            }

            if ((seen & field) != 0)
            {
                return ParseResult<TelemetryReport>.Reject(RejectReason.DuplicateField, reader.GetString()!);
            }

            seen |= field;
            reader.Read();
            switch (field)
            {
                case KnownField.DeviceId:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return RejectContainerOrType(ref reader, "deviceId must be a string");
                    }

                    var deviceId = reader.GetString()!;
                    if (!DeviceIds.IsValid(deviceId))
                    {
                        return ParseResult<TelemetryReport>.Reject(RejectReason.OutOfRange, DeviceIds.Rule("deviceId"));
                    }

                    fields.DeviceId = deviceId;
                    break;
                case KnownField.Ts:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return RejectContainerOrType(ref reader, "ts must be an ISO-8601 string");
                    }

                    if (!TryReadTimestamp(ref reader, out var ts))
                    {
                        return ParseResult<TelemetryReport>.Reject(RejectReason.InvalidTimestamp, "ts is not an ISO-8601 time");
                    }

                    fields.Timestamp = ts;
                    break;
                case KnownField.Seq:
                    if (reader.TokenType != JsonTokenType.Number)
                    {
                        return RejectContainerOrType(ref reader, "seq must be a number");
                    }

                    if (!reader.TryGetInt64(out var s) || s < 0)
                    {
                        return ParseResult<TelemetryReport>.Reject(RejectReason.OutOfRange, "seq must be a non-negative integer");
                    }

                    fields.Seq = s;
                    break;
                case KnownField.Values:
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return RejectContainerOrType(ref reader, "values must be an object");
                    }

                    var parsed = ParseValues(ref reader, out var reject);
                    if (parsed is null)
                    {
                        return reject;
                    }

                    fields.Values = parsed;
                    break;
            }
        }

        return null;
    }

    /// <summary>Which known field the property name the reader stands on is; <see cref="KnownField.None"/> for any other.</summary>
    private static KnownField FieldOf(ref Utf8JsonReader reader, bool withDeviceId) =>
        reader.ValueTextEquals("values"u8) ? KnownField.Values
        : reader.ValueTextEquals("ts"u8) ? KnownField.Ts
        : reader.ValueTextEquals("seq"u8) ? KnownField.Seq
        : withDeviceId && reader.ValueTextEquals("deviceId"u8) ? KnownField.DeviceId
        : KnownField.None;

    [Flags]
    private enum KnownField
    {
        None = 0,
        DeviceId = 1,
        Ts = 2,
        Seq = 4,
        Values = 8,
    }

    private ParseResult<TelemetryReport> Build(Fields fields)
    {
        // An empty values object is a heartbeat: it proves the device alive without a reading.
        if (fields.Values is null)
        {
            return ParseResult<TelemetryReport>.Reject(RejectReason.NoValues, "values is missing");
        }

        var now = clock.GetUtcNow();
        var at = fields.Timestamp is { } t && t <= now + MaxClockAhead ? t : now;
        return ParseResult<TelemetryReport>.Ok(new TelemetryReport(at, fields.Seq, fields.Values));
    }

    /// <summary>
    /// An ISO-8601 time; one in UTC (<c>…Z</c>, what devices send) is read straight from the bytes, without a string per
    /// message. Others keep the lenient reading: without an offset a time is taken as UTC, not as the engine's local time.
    /// </summary>
    private static bool TryReadTimestamp(ref Utf8JsonReader reader, out DateTimeOffset ts)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan is [.., (byte)'Z'] && reader.TryGetDateTimeOffset(out ts))
        {
            return true;
        }

        return DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out ts);
    }

    private static Dictionary<string, double>? ParseValues(ref Utf8JsonReader reader, out ParseResult<TelemetryReport> reject)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        Span<char> name = stackalloc char[MaxMetricNameLength];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var metric = SharedName(ref reader, name) ?? reader.GetString()!;
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

    /// <summary>
    /// The process's one string for the valid metric name the reader stands on (<see cref="MetricNames"/>); null for
    /// any other name, which the caller reads as it is and refuses. A valid name is ASCII, one byte a character.
    /// </summary>
    private static string? SharedName(ref Utf8JsonReader reader, scoped Span<char> buffer)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > buffer.Length)
        {
            return null;
        }

        var name = buffer[..reader.CopyString(buffer)];
        return IsValidMetricName(name) ? MetricNames.Of(name) : null;
    }

    private static bool IsValidMetricName(ReadOnlySpan<char> name)
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

    /// <summary>What one telemetry object said, filled in as its fields are read.</summary>
    private struct Fields
    {
        public string? DeviceId;
        public DateTimeOffset? Timestamp;
        public long? Seq;
        public Dictionary<string, double>? Values;
    }
}
