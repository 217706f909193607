using System.Buffers;
using System.Text.Json;

namespace CityOps.DeviceGateway.Payloads;

/// <summary>
/// Reads a small flat JSON object field by field for the strict parsers of the event and ack
/// topics: size and depth are bounded, duplicate fields refused, the object must be all there is.
/// </summary>
internal static class JsonObjectReader
{
    public delegate RejectReason? FieldHandler(string name, ref Utf8JsonReader reader, out string? detail);

    public static (RejectReason Reason, string Detail)? Read(ReadOnlySequence<byte> payload, int maxBytes, FieldHandler onField)
    {
        if (payload.Length > maxBytes)
        {
            return (RejectReason.PayloadTooLarge, $"{payload.Length} bytes > {maxBytes}");
        }

        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (RejectReason.WrongType, "payload must be a JSON object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!seen.Add(name))
                {
                    return (RejectReason.DuplicateField, name);
                }

                reader.Read();
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    return (RejectReason.WrongType, $"{name} must not be an object or array");
                }

                if (onField(name, ref reader, out var detail) is { } reason)
                {
                    return (reason, detail ?? name);
                }
            }

            return reader.Read() ? (RejectReason.MalformedJson, "content after the JSON object") : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (RejectReason.MalformedJson, ex.Message);
        }
    }
}
