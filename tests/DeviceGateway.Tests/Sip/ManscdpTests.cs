using System.Text;
using CityOps.Sip;

namespace CityOps.DeviceGateway.Tests.Sip;

public sealed class ManscdpTests
{
    private static readonly SipLimits Limits = new();

    private static SipParsed<ManscdpDocument> Read(string xml, Encoding? encoding = null) => Manscdp.Read((encoding ?? Encoding.UTF8).GetBytes(xml), Limits);

    [Fact]
    public void A_keepalive_notification_is_read()
    {
        var document = Read("<?xml version=\"1.0\"?><Notify><CmdType>Keepalive</CmdType><SN>12</SN><DeviceID>34020000001180000001</DeviceID><Status>OK</Status></Notify>").Value!;

        document.Root.Should().Be("Notify");
        document.CmdType.Should().Be("Keepalive");
        document.Sn.Should().Be("12");
        document.DeviceId.Should().Be("34020000001180000001");
        document.Field("Status").Should().Be("OK");
    }

    [Fact]
    public void A_catalog_in_gb2312_is_read_with_its_channel_names()
    {
        var xml = "<?xml version=\"1.0\" encoding=\"GB2312\"?>\r\n<Response><CmdType>Catalog</CmdType><SN>1</SN><DeviceID>34020000001180000001</DeviceID>" +
            "<SumNum>2</SumNum><DeviceList Num=\"2\">" +
            "<Item><DeviceID>34020000001310000001</DeviceID><Name>滨江路口东</Name><Status>ON</Status><Longitude>113.1</Longitude><Latitude>22.6</Latitude><Info><PTZType>1</PTZType></Info></Item>" +
            "<Item><DeviceID>34020000001310000002</DeviceID><Name>滨江路口西</Name><Status>OFF</Status></Item>" +
            "</DeviceList></Response>";

        var document = Read(xml, Manscdp.Gb18030).Value!;

        document.ListNum.Should().Be(2);
        document.Items.Should().HaveCount(2);
        document.Items[0]["Name"].Should().Be("滨江路口东");
        document.Items[0]["PTZType"].Should().Be("1");
        document.Items[1]["Status"].Should().Be("OFF");
        document.Field("SumNum").Should().Be("2");
    }

    [Fact]
    public void A_document_written_in_gb2312_is_read_back()
    {
        var bytes = Manscdp.Write("Response", "DeviceInfo", 5, "34020000001180000001", w => w.WriteElementString("DeviceName", "澜江一号录像机"));

        var document = Manscdp.Read(bytes, Limits).Value!;

        document.Field("DeviceName").Should().Be("澜江一号录像机");
        document.Sn.Should().Be("5");
    }

    [Fact]
    public void A_dtd_is_refused_so_entities_never_expand()
    {
        var bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" +
            "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]><Notify><CmdType>&lol3;</CmdType></Notify>";

        Read(bomb).Refusal.Should().Be(SipRefusal.BadXml);
    }

    [Fact]
    public void An_external_entity_is_refused()
    {
        Read("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Notify><CmdType>&e;</CmdType></Notify>")
            .Refusal.Should().Be(SipRefusal.BadXml);
    }

    [Fact]
    public void Too_deep_nesting_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("<a>", 20)) + string.Concat(Enumerable.Repeat("</a>", 20));

        Read($"<Notify><CmdType>Alarm</CmdType>{deep}</Notify>").Refusal.Should().Be(SipRefusal.XmlTooLarge);
    }

    [Fact]
    public void More_list_items_than_the_limit_are_refused()
    {
        var items = string.Concat(Enumerable.Repeat("<Item><DeviceID>1</DeviceID></Item>", Limits.MaxListItems + 1));

        Read($"<Response><CmdType>Catalog</CmdType><DeviceList Num=\"9\">{items}</DeviceList></Response>").Refusal.Should().Be(SipRefusal.XmlTooLarge);
    }

    [Fact]
    public void Overlong_text_is_refused()
    {
        Read($"<Notify><CmdType>Alarm</CmdType><AlarmDescription>{new string('x', 2000)}</AlarmDescription></Notify>").Refusal.Should().Be(SipRefusal.XmlTooLarge);
    }

    [Theory]
    [InlineData("<Notify><SN>1</SN></Notify>")]
    [InlineData("<Other><CmdType>Keepalive</CmdType></Other>")]
    [InlineData("<Notify><CmdType>Keepalive</CmdType>")]
    [InlineData("not xml at all")]
    public void Documents_that_are_not_manscdp_commands_are_refused(string xml)
    {
        Read(xml).Refusal.Should().Be(SipRefusal.BadXml);
    }

    [Fact]
    public void An_unknown_encoding_is_refused()
    {
        Read("<?xml version=\"1.0\" encoding=\"EBCDIC\"?><Notify><CmdType>Keepalive</CmdType></Notify>").Refusal.Should().Be(SipRefusal.BadEncoding);
    }

    [Fact]
    public void Bytes_invalid_in_the_declared_encoding_are_refused()
    {
        var bytes = Encoding.ASCII.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Notify><CmdType>K</CmdType><Name>").Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.ASCII.GetBytes("</Name></Notify>")).ToArray();

        Manscdp.Read(bytes, Limits).Refusal.Should().Be(SipRefusal.BadEncoding);
    }
}
