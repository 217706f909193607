using System.Buffers;
using System.Text.Json;

namespace CityOps.DeviceGateway.Payloads;

/// <summary>A device's answer to a command.</summary>
public sealed record CommandAck(string Id, bool Ok, string? Error);

/// <summary>Parses <c>{"id":"…","ok":true,"error":null}</c> from the <c>commands/ack</c> topic.</summary>
public static class CommandAckParser
{
    private const int MaxPayloadBytes = 4096;

    public static ParseResult<CommandAck> Parse(ReadOnlySequence<byte> payload)
    {
        string? id = null;
        bool? ok = null;
        string? error = null;
        var failure = JsonObjectReader.Read(payload, MaxPayloadBytes, (string name, ref Utf8JsonReader reader, out string? detail) =>
        {
            detail = null;
            switch (name)
            {
                case "id" when reader.TokenType == JsonTokenType.String:
                    id = reader.GetString();
                    return null;
                case "ok" when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                    ok = reader.GetBoolean();
                    return null;
                case "error" when reader.TokenType == JsonTokenType.String:
                    error = reader.GetString();
                    return null;
                case "error" when reader.TokenType == JsonTokenType.Null:
                    return null;
                case "id" or "ok" or "error":
                    return RejectReason.WrongType;
                default:
                    return RejectReason.UnknownField;
            }
        });
        if (failure is { } f)
        {
            return ParseResult<CommandAck>.Reject(f.Reason, f.Detail);
        }

        return id is null || ok is null
            ? ParseResult<CommandAck>.Reject(RejectReason.NoValues, "id and ok are required")
            : ParseResult<CommandAck>.Ok(new CommandAck(id, ok.Value, error));
    }
}
