namespace CityOps.Sip;

/// <summary>Why the access point refused a SIP message or a MANSCDP body; each is counted under its <see cref="SipRefusals.Name"/>.</summary>
public enum SipRefusal
{
    /// <summary>Larger than the message limit (<c>Sip:MaxMessageBytes</c>).</summary>
    TooLarge,

    /// <summary>A start or header line longer than the line limit.</summary>
    LineTooLong,

    /// <summary>More headers than the limit.</summary>
    TooManyHeaders,

    /// <summary>Not a SIP start line, a header without a colon, a folded header, a control character.</summary>
    Malformed,

    /// <summary>A SIP version other than 2.0.</summary>
    UnsupportedVersion,

    /// <summary>Via, From, To, Call-ID or CSeq missing or unreadable.</summary>
    MissingHeader,

    /// <summary>Content-Length missing on a stream, not a number, or more than the bytes that came.</summary>
    BadContentLength,

    /// <summary>A MANSCDP body that is not well-formed XML, declares a DTD, or lacks CmdType.</summary>
    BadXml,

    /// <summary>A MANSCDP body beyond the XML limits (size, depth, elements, list items).</summary>
    XmlTooLarge,

    /// <summary>A body in an encoding other than UTF-8 or GB2312/GBK/GB18030, or bytes invalid in it.</summary>
    BadEncoding,

    /// <summary>REGISTER from a code the device registry does not hold, a revoked device, or a device without digest credentials.</summary>
    UnknownDevice,

    /// <summary>A digest response that does not match the device's credentials.</summary>
    WrongDigest,

    /// <summary>A nonce the access point did not issue, already used, or expired: a replay.</summary>
    StaleNonce,

    /// <summary>A MESSAGE from a device that is not registered (or from another address than it registered from).</summary>
    NotRegistered,

    /// <summary>A method or CmdType the access point does not take.</summary>
    Unsupported,

    /// <summary>An alarm whose type maps to no detection kind a camera may report.</summary>
    UnmappedAlarm,

    /// <summary>A device sending faster than its budget.</summary>
    RateLimited,
}

public static class SipRefusals
{
    /// <summary>The refusal's metric label: its name in camelCase.</summary>
    public static string Name(this SipRefusal refusal) =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(refusal.ToString());
}

/// <summary>A parsed value or the reason it was refused.</summary>
public readonly record struct SipParsed<T>(T? Value, SipRefusal? Refusal, string? Detail)
    where T : class
{
    public bool IsOk => Refusal is null;

    public static SipParsed<T> Ok(T value) => new(value, null, null);

    public static SipParsed<T> Refuse(SipRefusal refusal, string detail) => new(null, refusal, detail);
}
