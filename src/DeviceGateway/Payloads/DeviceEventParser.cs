using System.Buffers;
using System.Globalization;
using System.Text.Json;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.DeviceGateway.Payloads;

/// <summary>
/// Parses the <c>alarm</c> topic (<c>{"ts":"…","kind":"sos"}</c>) and the <c>detections</c> topic
/// (<c>{"ts":"…","kind":"illegal_parking","confidence":0.93,"snapshot":"…"}</c>).
/// </summary>
public sealed class DeviceEventParser(TimeProvider clock, int maxPayloadBytes)
{
    /// <summary>A snapshot reference or small inline image; larger images belong in evidence storage.</summary>
    public const int MaxSnapshotChars = 12 * 1024;

    public ParseResult<DeviceEventReport> Parse(ReadOnlySequence<byte> payload)
    {
        string? kind = null;
        DateTimeOffset? at = null;
        double? confidence = null;
        string? snapshot = null;
        var failure = JsonObjectReader.Read(payload, maxPayloadBytes, (string name, ref Utf8JsonReader reader, out string? detail) =>
        {
            detail = null;
            switch (name)
            {
                case "kind" when reader.TokenType == JsonTokenType.String:
                    kind = reader.GetString();
                    return IsKind(kind!) ? null : RejectReason.OutOfRange;
                case "ts" when reader.TokenType == JsonTokenType.String:
                    if (!DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts))
                    {
                        return RejectReason.InvalidTimestamp;
                    }

                    at = ts;
                    return null;
                case "confidence" when reader.TokenType == JsonTokenType.Number:
                    confidence = reader.GetDouble();
                    return confidence is >= 0 and <= 1 ? null : RejectReason.OutOfRange;
                case "snapshot" when reader.TokenType == JsonTokenType.Null:
                    return null;
                case "snapshot" when reader.TokenType == JsonTokenType.String:
                    snapshot = reader.GetString();
                    return snapshot!.Length <= MaxSnapshotChars ? null : RejectReason.PayloadTooLarge;
                case "kind" or "ts" or "confidence" or "snapshot":
                    return RejectReason.WrongType;
                default:
                    return RejectReason.UnknownField;
            }
        });
        if (failure is { } f)
        {
            return ParseResult<DeviceEventReport>.Reject(f.Reason, f.Detail);
        }

        if (kind is null)
        {
            return ParseResult<DeviceEventReport>.Reject(RejectReason.NoValues, "kind is missing");
        }

        var now = clock.GetUtcNow();
        return ParseResult<DeviceEventReport>.Ok(new DeviceEventReport(kind, at is { } t && t <= now ? t : now, confidence, snapshot));
    }

    /// <summary>Kinds are catalogue codes: lower-case words joined by underscores.</summary>
    private static bool IsKind(string kind) =>
        kind.Length is > 0 and <= 64 && kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
