using System.Text;
using System.Xml;

namespace CityOps.Sip;

/// <summary>
/// One MANSCDP document (GB/T 28181 Annex A): its root (<c>Notify</c>, <c>Query</c>, <c>Response</c>, <c>Control</c>),
/// <c>CmdType</c>, <c>SN</c>, <c>DeviceID</c>, the other leaf elements by name (nested ones such as <c>Info/AlarmType</c> by
/// their own name, the first occurrence kept) and the items of a <c>DeviceList</c> (or <c>AlarmList</c>…), each flattened likewise.
/// </summary>
public sealed record ManscdpDocument(
    string Root,
    string CmdType,
    string? Sn,
    string? DeviceId,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Items,
    int? ListNum)
{
    public string? Field(string name) => Fields.GetValueOrDefault(name);
}

/// <summary>
/// Reads and writes MANSCDP XML bodies. Reading is bounded: the body was already held to the message limit, the XML reader
/// prohibits DTDs (no entity expansion, so no XML bomb) and resolves nothing, and depth, element count, list items and text
/// length are counted as it reads. Bodies in GB2312/GBK/GB18030 (what most devices send) and UTF-8 are read.
/// </summary>
public static class Manscdp
{
    public const string ContentType = "Application/MANSCDP+xml";

    private static readonly string[] Roots = ["Notify", "Query", "Response", "Control"];

    /// <summary>GB18030, the superset of GB2312 and GBK; strict so invalid bytes are refused rather than replaced.</summary>
    public static Encoding Gb18030 { get; } = LoadGb18030();

    public static SipParsed<ManscdpDocument> Read(byte[] body, SipLimits limits)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(limits);
        if (body.Length > limits.MaxMessageBytes)
        {
            return SipParsed<ManscdpDocument>.Refuse(SipRefusal.XmlTooLarge, $"{body.Length} bytes");
        }

        string text;
        try
        {
            text = EncodingOf(body).GetString(body);
        }
        catch (ArgumentException e)
        {
            return SipParsed<ManscdpDocument>.Refuse(SipRefusal.BadEncoding, e.Message);
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = limits.MaxMessageBytes,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(StripDeclaration(text)), settings);
            return ReadDocument(reader, limits);
        }
        catch (XmlException e)
        {
            return SipParsed<ManscdpDocument>.Refuse(SipRefusal.BadXml, e.Message);
        }
    }

    /// <summary>Writes a document with the given root; <paramref name="body"/> writes its elements after CmdType, SN and DeviceID.</summary>
    public static byte[] Write(string root, string cmdType, long sn, string deviceId, Action<XmlWriter>? body = null, bool gb2312 = true)
    {
        var text = new StringBuilder(512);
        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, NewLineChars = "\r\n" };
        using (var writer = XmlWriter.Create(text, settings))
        {
            writer.WriteStartElement(root);
            writer.WriteElementString("CmdType", cmdType);
            writer.WriteElementString("SN", sn.ToString(System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteElementString("DeviceID", deviceId);
            body?.Invoke(writer);
            writer.WriteEndElement();
        }

        var declaration = $"<?xml version=\"1.0\" encoding=\"{(gb2312 ? "GB2312" : "UTF-8")}\"?>\r\n";
        return (gb2312 ? Gb18030 : new UTF8Encoding(false)).GetBytes(declaration + text + "\r\n");
    }

    private static SipParsed<ManscdpDocument> ReadDocument(XmlReader reader, SipLimits limits)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = new List<IReadOnlyDictionary<string, string>>();
        string? root = null;
        int? listNum = null;
        var elements = 0;
        var path = new Stack<string>();
        Dictionary<string, string>? item = null;
        var itemDepth = -1;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (++elements > limits.MaxXmlElements || reader.Depth >= limits.MaxXmlDepth)
                    {
                        return SipParsed<ManscdpDocument>.Refuse(SipRefusal.XmlTooLarge, "too many or too deeply nested elements");
                    }

                    if (root is null)
                    {
                        root = reader.LocalName;
                        if (!Roots.Contains(root, StringComparer.Ordinal))
                        {
                            return SipParsed<ManscdpDocument>.Refuse(SipRefusal.BadXml, $"root <{root}> is not a MANSCDP command");
                        }
                    }
                    else if (reader.Depth == 1 && reader.LocalName.EndsWith("List", StringComparison.Ordinal)
                        && int.TryParse(reader.GetAttribute("Num"), System.Globalization.CultureInfo.InvariantCulture, out var num))
                    {
                        listNum = num;
                    }
                    else if (reader.Depth == 2 && reader.LocalName == "Item" && path.Peek().EndsWith("List", StringComparison.Ordinal))
                    {
                        if (items.Count >= limits.MaxListItems)
                        {
                            return SipParsed<ManscdpDocument>.Refuse(SipRefusal.XmlTooLarge, $"more than {limits.MaxListItems} list items");
                        }

                        item = new Dictionary<string, string>(StringComparer.Ordinal);
                        itemDepth = reader.Depth;
                        items.Add(item);
                    }

                    if (!reader.IsEmptyElement)
                    {
                        path.Push(reader.LocalName);
                    }
                    else if (item is not null && reader.Depth == itemDepth)
                    {
                        item = null;
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    if (reader.Value.Length > limits.MaxTextChars)
                    {
                        return SipParsed<ManscdpDocument>.Refuse(SipRefusal.XmlTooLarge, $"an element's text is longer than {limits.MaxTextChars}");
                    }

                    var target = item ?? fields;
                    target.TryAdd(path.Peek(), reader.Value.Trim());
                    break;
                case XmlNodeType.EndElement:
                    path.Pop();
                    if (item is not null && reader.Depth == itemDepth)
                    {
                        item = null;
                    }

                    break;
                case XmlNodeType.DocumentType:
                    return SipParsed<ManscdpDocument>.Refuse(SipRefusal.BadXml, "a DTD");
                default:
                    break;
            }
        }

        if (root is null || !fields.TryGetValue("CmdType", out var cmdType) || cmdType.Length == 0)
        {
            return SipParsed<ManscdpDocument>.Refuse(SipRefusal.BadXml, "no CmdType");
        }

        return SipParsed<ManscdpDocument>.Ok(new ManscdpDocument(
            root, cmdType, fields.GetValueOrDefault("SN"), fields.GetValueOrDefault("DeviceID"), fields, items, listNum));
    }

    /// <summary>UTF-8 unless the declaration names a GB encoding; anything else is refused.</summary>
    private static Encoding EncodingOf(byte[] body)
    {
        var head = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 100));
        var at = head.IndexOf("encoding=", StringComparison.OrdinalIgnoreCase);
        if (at < 0 || !head.TrimStart().StartsWith("<?xml", StringComparison.Ordinal))
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true);
        }

        var rest = head[(at + 9)..].TrimStart('"', '\'');
        var name = new string([.. rest.TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')]);
        return name.ToUpperInvariant() switch
        {
            "UTF-8" or "UTF8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
            "GB2312" or "GBK" or "GB18030" => Gb18030,
            _ => throw new ArgumentException($"encoding '{name}' is not read"),
        };
    }

    /// <summary>The text is already decoded: the declaration's encoding must not make the reader decode again.</summary>
    private static string StripDeclaration(string text)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        if (!trimmed.StartsWith("<?xml", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var end = trimmed.IndexOf("?>", StringComparison.Ordinal);
        return end < 0 ? trimmed : trimmed[(end + 2)..];
    }

    private static Encoding LoadGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }
}
