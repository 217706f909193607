using System.Globalization;
using System.Text;

namespace CityOps.Sip;

/// <summary>
/// A strict SIP parser (RFC 3261, the part GB/T 28181 uses): one message from a datagram, or from a stream once its head
/// is complete (<see cref="HeadLength"/>). No header folding, no multipart; Content-Length decides where the body ends.
/// Refuses rather than guesses, with the reason.
/// </summary>
public sealed class SipParser(SipLimits limits)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] RequiredHeaders = ["Via", "From", "To", "Call-ID", "CSeq"];

    public SipLimits Limits => limits;

    /// <summary>
    /// The length of the head (start line and headers, with the blank line) at the start of <paramref name="buffer"/>;
    /// null while the blank line has not come yet.
    /// </summary>
    public static int? HeadLength(ReadOnlySpan<byte> buffer)
    {
        var end = buffer.IndexOf("\r\n\r\n"u8);
        return end < 0 ? null : end + 4;
    }

    /// <summary>
    /// The Content-Length declared in a complete head, for a stream that must read that many bytes more; a refusal when it is
    /// missing or not a number (a stream cannot be framed without it).
    /// </summary>
    public SipParsed<string> ContentLengthOf(ReadOnlySpan<byte> head, out int length)
    {
        length = 0;
        var parsed = ParseHead(head, requireContentLength: true);
        if (!parsed.IsOk)
        {
            return SipParsed<string>.Refuse(parsed.Refusal!.Value, parsed.Detail!);
        }

        length = parsed.Value!.DeclaredLength ?? 0;
        return SipParsed<string>.Ok("");
    }

    /// <summary>
    /// Parses one whole message. Over UDP the datagram may carry bytes beyond Content-Length (ignored, RFC 3261 18.3) but
    /// never fewer; without Content-Length the rest of the datagram is the body.
    /// </summary>
    public SipParsed<SipMessage> Parse(ReadOnlySpan<byte> data, bool stream = false)
    {
        if (data.Length > limits.MaxMessageBytes)
        {
            return SipParsed<SipMessage>.Refuse(SipRefusal.TooLarge, $"{data.Length} bytes, more than {limits.MaxMessageBytes}");
        }

        // Leading blank lines are keep-alives between messages on a stream (RFC 3261 7.5).
        while (data.StartsWith("\r\n"u8))
        {
            data = data[2..];
        }

        if (HeadLength(data) is not { } headLength)
        {
            return SipParsed<SipMessage>.Refuse(SipRefusal.Malformed, "no blank line after the headers");
        }

        var head = ParseHead(data[..headLength], requireContentLength: stream);
        if (!head.IsOk)
        {
            return SipParsed<SipMessage>.Refuse(head.Refusal!.Value, head.Detail!);
        }

        var message = head.Value!.Message;
        var rest = data[headLength..];
        var bodyLength = head.Value.DeclaredLength ?? rest.Length;
        if (bodyLength > rest.Length)
        {
            return SipParsed<SipMessage>.Refuse(SipRefusal.BadContentLength, $"Content-Length {bodyLength}, but {rest.Length} bytes came");
        }

        message.Body = rest[..bodyLength].ToArray();
        return SipParsed<SipMessage>.Ok(message);
    }

    private SipParsed<Head> ParseHead(ReadOnlySpan<byte> head, bool requireContentLength)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(head);
        }
        catch (DecoderFallbackException)
        {
            return SipParsed<Head>.Refuse(SipRefusal.Malformed, "the headers are not UTF-8");
        }

        var lines = text[..^4].Split("\r\n");
        if (lines.Any(l => Encoding.UTF8.GetByteCount(l) > limits.MaxLineBytes))
        {
            return SipParsed<Head>.Refuse(SipRefusal.LineTooLong, $"a line longer than {limits.MaxLineBytes} bytes");
        }

        if (lines.Length - 1 > limits.MaxHeaders)
        {
            return SipParsed<Head>.Refuse(SipRefusal.TooManyHeaders, $"{lines.Length - 1} headers, more than {limits.MaxHeaders}");
        }

        var start = StartLine(lines[0]);
        if (!start.IsOk)
        {
            return SipParsed<Head>.Refuse(start.Refusal!.Value, start.Detail!);
        }

        var message = start.Value!;
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0 || line[0] is ' ' or '\t')
            {
                return SipParsed<Head>.Refuse(SipRefusal.Malformed, "a folded or empty header line");
            }

            if (line.Any(c => char.IsControl(c) && c != '\t'))
            {
                return SipParsed<Head>.Refuse(SipRefusal.Malformed, "a control character in a header");
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? line[..colon].Trim() : "";
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                return SipParsed<Head>.Refuse(SipRefusal.Malformed, "a header without a name");
            }

            message.Add(name, line[(colon + 1)..].Trim());
        }

        foreach (var required in RequiredHeaders)
        {
            if (message.Header(required) is not { Length: > 0 })
            {
                return SipParsed<Head>.Refuse(SipRefusal.MissingHeader, $"no {required}");
            }
        }

        if (message.CSeq is not { } cseq || (message.IsRequest && !string.Equals(cseq.Method, message.Method, StringComparison.Ordinal)))
        {
            return SipParsed<Head>.Refuse(SipRefusal.MissingHeader, "CSeq unreadable or of another method");
        }

        var lengths = message.HeaderValues("Content-Length").ToList();
        if (lengths.Count > 1)
        {
            return SipParsed<Head>.Refuse(SipRefusal.BadContentLength, "Content-Length given twice");
        }

        int? declared = null;
        if (lengths is [var value])
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                return SipParsed<Head>.Refuse(value.Length > 0 && value.All(char.IsAsciiDigit) ? SipRefusal.TooLarge : SipRefusal.BadContentLength, $"Content-Length '{value}'");
            }

            if (length > limits.MaxMessageBytes)
            {
                return SipParsed<Head>.Refuse(SipRefusal.TooLarge, $"Content-Length {length}, more than {limits.MaxMessageBytes}");
            }

            declared = length;
        }
        else if (requireContentLength)
        {
            return SipParsed<Head>.Refuse(SipRefusal.BadContentLength, "no Content-Length on a stream");
        }

        return SipParsed<Head>.Ok(new Head(message, declared));
    }

    private static SipParsed<SipMessage> StartLine(string line)
    {
        var parts = line.Split(' ', 3);
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return SipParsed<SipMessage>.Refuse(SipRefusal.Malformed, "not a SIP start line");
        }

        if (parts[0].StartsWith("SIP/", StringComparison.Ordinal))
        {
            if (parts[0] != "SIP/2.0")
            {
                return SipParsed<SipMessage>.Refuse(SipRefusal.UnsupportedVersion, parts[0]);
            }

            return parts[1].Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 699
                ? SipParsed<SipMessage>.Ok(SipMessage.Response(status, parts[2]))
                : SipParsed<SipMessage>.Refuse(SipRefusal.Malformed, "a status code that is not 100–699");
        }

        if (!parts[0].All(IsTokenChar) || parts[1].Any(char.IsWhiteSpace))
        {
            return SipParsed<SipMessage>.Refuse(SipRefusal.Malformed, "not a SIP request line");
        }

        return parts[2] == "SIP/2.0"
            ? SipParsed<SipMessage>.Ok(SipMessage.Request(parts[0], parts[1]))
            : SipParsed<SipMessage>.Refuse(parts[2].StartsWith("SIP/", StringComparison.Ordinal) ? SipRefusal.UnsupportedVersion : SipRefusal.Malformed, parts[2]);
    }

    /// <summary>RFC 3261 25.1 token characters.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "-.!%*_+`'~".Contains(c, StringComparison.Ordinal);

    private sealed record Head(SipMessage Message, int? DeclaredLength);
}
