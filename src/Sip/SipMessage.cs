using System.Globalization;
using System.Text;

namespace CityOps.Sip;

/// <summary>
/// One SIP request or response (RFC 3261) as the GB/T 28181 access point and the simulated NVR exchange them:
/// a start line, headers in their order, and a body of exactly <c>Content-Length</c> bytes.
/// </summary>
public sealed class SipMessage
{
    private static readonly Dictionary<string, string> CompactForms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["v"] = "Via", ["f"] = "From", ["t"] = "To", ["i"] = "Call-ID", ["m"] = "Contact", ["l"] = "Content-Length", ["c"] = "Content-Type",
    };

    private SipMessage(string? method, string? requestUri, int statusCode, string? reasonPhrase)
    {
        Method = method;
        RequestUri = requestUri;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    /// <summary>The request's method (REGISTER, MESSAGE, …); null for a response.</summary>
    public string? Method { get; }

    public string? RequestUri { get; }

    /// <summary>The response's status code; 0 for a request.</summary>
    public int StatusCode { get; }

    public string? ReasonPhrase { get; }

    public bool IsRequest => Method is not null;

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public byte[] Body { get; set; } = [];

    public static SipMessage Request(string method, string requestUri) => new(method, requestUri, 0, null);

    public static SipMessage Response(int statusCode, string reasonPhrase) => new(null, null, statusCode, reasonPhrase);

    /// <summary>The full name of a header given in either form (<c>i</c> → <c>Call-ID</c>).</summary>
    public static string CanonicalName(string name) => CompactForms.GetValueOrDefault(name, name);

    public SipMessage Add(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    /// <summary>The first value of the header (either form), or null.</summary>
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(CanonicalName(key), name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(CanonicalName(h.Key), name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public string? CallId => Header("Call-ID");

    /// <summary>The CSeq's number and method, or null when absent or malformed.</summary>
    public (long Number, string Method)? CSeq
    {
        get
        {
            var parts = Header("CSeq")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts is [var number, var method] && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? (n, method)
                : null;
        }
    }

    /// <summary>The user part of the From header's URI: a GB device's 20-digit code.</summary>
    public string? FromUser => SipUri.UserOf(Header("From"));

    public string? ToUser => SipUri.UserOf(Header("To"));

    /// <summary>
    /// A response to this request (RFC 3261 8.2.6): Via, From, Call-ID and CSeq copied, To with a tag added when it
    /// has none.
    /// </summary>
    public SipMessage CreateResponse(int statusCode, string reasonPhrase, string? toTag = null)
    {
        if (!IsRequest)
        {
            throw new InvalidOperationException("Only a request is answered.");
        }

        var response = Response(statusCode, reasonPhrase);
        foreach (var via in HeaderValues("Via"))
        {
            response.Add("Via", via);
        }

        response.Add("From", Header("From") ?? "");
        var to = Header("To") ?? "";
        response.Add("To", toTag is not null && !to.Contains(";tag=", StringComparison.OrdinalIgnoreCase) ? $"{to};tag={toTag}" : to);
        response.Add("Call-ID", CallId ?? "");
        response.Add("CSeq", Header("CSeq") ?? "");
        return response;
    }

    /// <summary>The message on the wire; Content-Length is written from the body, whatever the headers say.</summary>
    public byte[] ToBytes()
    {
        var text = new StringBuilder(256 + (Headers.Count * 48));
        text.Append(IsRequest
            ? string.Create(CultureInfo.InvariantCulture, $"{Method} {RequestUri} SIP/2.0\r\n")
            : string.Create(CultureInfo.InvariantCulture, $"SIP/2.0 {StatusCode} {ReasonPhrase}\r\n"));
        foreach (var (name, value) in Headers)
        {
            if (!string.Equals(CanonicalName(name), "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                text.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n\r\n");
        var head = Encoding.UTF8.GetBytes(text.ToString());
        var bytes = new byte[head.Length + Body.Length];
        head.CopyTo(bytes, 0);
        Body.CopyTo(bytes, head.Length);
        return bytes;
    }

    public override string ToString() => IsRequest ? $"{Method} {RequestUri}" : $"{StatusCode} {ReasonPhrase}";
}

/// <summary>The parts of SIP URIs and name-addresses the access point reads.</summary>
public static class SipUri
{
    /// <summary>The user of <c>"name" &lt;sip:user@host&gt;;tag=x</c> or <c>sip:user@host</c>; null when there is none.</summary>
    public static string? UserOf(string? nameAddress)
    {
        if (nameAddress is null)
        {
            return null;
        }

        var start = nameAddress.IndexOf("sip:", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return null;
        }

        start += 4;
        var at = nameAddress.IndexOf('@', start);
        var end = nameAddress.IndexOfAny([';', '>', ' '], start);
        if (at < 0 || (end >= 0 && at > end))
        {
            return null;
        }

        return nameAddress[start..at];
    }

    /// <summary>The value of a header parameter, e.g. <c>tag</c> of a From header; null when absent.</summary>
    public static string? Parameter(string? header, string name)
    {
        if (header is null)
        {
            return null;
        }

        foreach (var part in header.Split(';').Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? part : part[..eq]).Trim();
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return eq < 0 ? "" : part[(eq + 1)..].Trim().TrimEnd('>');
            }
        }

        return null;
    }
}
