namespace CityOps.Sip;

/// <summary>What a SIP message and its MANSCDP body may be at most; anything beyond is refused before it is kept.</summary>
public sealed record SipLimits
{
    /// <summary>A whole message, head and body: a catalog page of a few dozen channels fits well within it.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    public int MaxHeaders { get; init; } = 64;

    /// <summary>One start or header line (a Via or an Authorization header is a few hundred bytes).</summary>
    public int MaxLineBytes { get; init; } = 2048;

    /// <summary>Elements of one MANSCDP document.</summary>
    public int MaxXmlElements { get; init; } = 8192;

    /// <summary>Nesting of a MANSCDP document (Response/DeviceList/Item/Info/… is five).</summary>
    public int MaxXmlDepth { get; init; } = 8;

    /// <summary>Items of one DeviceList (a catalog arrives in pages; each page is held to this).</summary>
    public int MaxListItems { get; init; } = 512;

    /// <summary>The text of one element.</summary>
    public int MaxTextChars { get; init; } = 1024;
}
