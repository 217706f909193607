using System.Buffers;
using System.Text.Json;

namespace CityOps.DeviceGateway.Payloads;

/// <summary>A device's own statement of its state, from the retained status topic or its last will.</summary>
public sealed record DeviceStatus(bool Online);

/// <summary>Parses <c>{"online":true}</c> / <c>{"online":false}</c>, refusing anything else.</summary>
public static class StatusParser
{
    private const int MaxPayloadBytes = 1024;

    public static ParseResult<DeviceStatus> Parse(ReadOnlySequence<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            return ParseResult<DeviceStatus>.Reject(RejectReason.PayloadTooLarge, $"{payload.Length} bytes > {MaxPayloadBytes}");
        }

        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ParseResult<DeviceStatus>.Reject(RejectReason.WrongType, "status must be a JSON object");
            }

            bool? online = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (name != "online")
                {
                    return ParseResult<DeviceStatus>.Reject(RejectReason.UnknownField, name ?? "");
                }

                if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                {
                    return ParseResult<DeviceStatus>.Reject(RejectReason.WrongType, "online must be true or false");
                }

                if (online is not null)
                {
                    return ParseResult<DeviceStatus>.Reject(RejectReason.DuplicateField, "online");
                }

                online = reader.GetBoolean();
            }

            if (reader.Read())
            {
                return ParseResult<DeviceStatus>.Reject(RejectReason.MalformedJson, "content after the JSON object");
            }

            return online is { } value
                ? ParseResult<DeviceStatus>.Ok(new DeviceStatus(value))
                : ParseResult<DeviceStatus>.Reject(RejectReason.NoValues, "online is missing");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return ParseResult<DeviceStatus>.Reject(RejectReason.MalformedJson, ex.Message);
        }
    }
}
