using System.Net.Sockets;
using System.Text;

namespace CityOps.Silo.Tests.Gb28181;

/// <summary>
/// What a hostile or broken SIP peer sends is refused, counted per reason and never takes the access point down: malformed
/// and oversized messages over UDP and TCP, MESSAGE from a device that is not registered, XML bombs from one that is, and
/// floods of challenges that would otherwise grow memory.
/// </summary>
public sealed class HostileSipTests(SipEngineFixture fixture) : IClassFixture<SipEngineFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static string Request(string method, string from, string body = "", string? contentLength = null) =>
        $"{method} sip:34020000002000000001@3402000000 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
        $"From: <sip:{from}@3402000000>;tag=h1\r\n" +
        "To: <sip:34020000002000000001@3402000000>\r\n" +
        $"Call-ID: {Guid.NewGuid():N}\r\n" +
        $"CSeq: 1 {method}\r\n" +
        "Content-Type: Application/MANSCDP+xml\r\n" +
        $"Content-Length: {contentLength ?? Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)}\r\n\r\n" + body;

    private async Task SendUdpAsync(UdpClient udp, string text) => await udp.SendAsync(Encoding.UTF8.GetBytes(text), fixture.Server);

    private async Task EventuallyCountedAsync(string reason, long before, long by = 1) =>
        await Events.CaseClient.EventuallyAsync(() => Task.FromResult(fixture.Refused(reason) >= before + by), Patience);

    /// <summary>The access point still answers: a recorder registers.</summary>
    private async Task StillServesAsync()
    {
        await using var nvr = fixture.Recorder(0);
        (await nvr.RegisterAsync(CancellationToken.None)).Should().Be(200);
    }

    [Theory]
    [InlineData("not sip at all\r\n\r\n")]
    [InlineData("REGISTER sip:x SIP/2.0\r\nVia: a\r\n folded: b\r\n\r\n")]
    [InlineData("REGISTER sip:x\r\n\r\n")]
    [InlineData("REGISTER sip:x SIP/2.0\r\nVia without colon\r\n\r\n")]
    public async Task Malformed_datagrams_are_refused_and_counted(string garbage)
    {
        using var udp = new UdpClient();
        var before = fixture.Refused("malformed");

        await SendUdpAsync(udp, garbage);

        await EventuallyCountedAsync("malformed", before);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_message_without_its_required_headers_is_refused_and_counted()
    {
        using var udp = new UdpClient();
        var before = fixture.Refused("missingHeader");

        await SendUdpAsync(udp, "OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1\r\nContent-Length: 0\r\n\r\n");

        await EventuallyCountedAsync("missingHeader", before);
    }

    [Fact]
    public async Task An_oversized_datagram_is_refused_and_counted()
    {
        using var udp = new UdpClient();
        var before = fixture.Refused("tooLarge");
        var body = new string('x', SipEngineFixture.MaxMessageBytes);

        await SendUdpAsync(udp, Request("MESSAGE", "34020000001180000001", body));

        await EventuallyCountedAsync("tooLarge", before);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_stream_announcing_an_oversized_body_is_closed_before_the_body_is_read()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Server);
        var stream = tcp.GetStream();
        var before = fixture.Refused("tooLarge");

        await stream.WriteAsync(Encoding.UTF8.GetBytes(Request("MESSAGE", "34020000001180000001", "", contentLength: "10000000")));

        (await ReadUntilClosedAsync(stream)).Should().BeTrue();
        fixture.Refused("tooLarge").Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task A_stream_whose_headers_never_end_is_closed_at_the_message_limit()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Server);
        var stream = tcp.GetStream();
        var before = fixture.Refused("tooLarge");
        var line = Encoding.ASCII.GetBytes("X-Filler: " + new string('a', 100) + "\r\n");

        try
        {
            for (var sent = 0; sent < SipEngineFixture.MaxMessageBytes * 2; sent += line.Length)
            {
                await stream.WriteAsync(line);
            }
        }
        catch (IOException)
        {
            // Closed while we were still writing: what the test expects.
        }

        (await ReadUntilClosedAsync(stream)).Should().BeTrue();
        fixture.Refused("tooLarge").Should().BeGreaterThan(before);
    }

    [Fact]
    public async Task A_stream_without_content_length_is_closed()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Server);
        var stream = tcp.GetStream();
        var before = fixture.Refused("badContentLength");
        var text = Request("MESSAGE", "34020000001180000001").Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal);

        await stream.WriteAsync(Encoding.UTF8.GetBytes(text));

        (await ReadUntilClosedAsync(stream)).Should().BeTrue();
        fixture.Refused("badContentLength").Should().Be(before + 1);
    }

    [Fact]
    public async Task A_message_from_a_device_that_did_not_register_is_refused_and_counted()
    {
        using var udp = new UdpClient();
        var before = fixture.Refused("notRegistered");
        var keepalive = "<?xml version=\"1.0\"?><Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>34020000001180000001</DeviceID><Status>OK</Status></Notify>";

        await SendUdpAsync(udp, Request("MESSAGE", "34020000001180000001", keepalive));

        var answer = await udp.ReceiveAsync().WaitAsync(Patience);
        Encoding.UTF8.GetString(answer.Buffer).Should().StartWith("SIP/2.0 403");
        fixture.Refused("notRegistered").Should().Be(before + 1);
    }

    [Fact]
    public async Task An_xml_bomb_from_a_registered_device_is_refused_without_expanding()
    {
        await using var nvr = fixture.Recorder(1);
        (await nvr.RegisterAsync(CancellationToken.None)).Should().Be(200);
        var before = fixture.Refused("badXml");
        var bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">" +
            string.Concat(Enumerable.Range(2, 9).Select(i => $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 2 ? "&lol;" : $"&lol{i - 1};", 10))}\">")) +
            "]><Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>&lol9;</DeviceID></Notify>";

        await nvr.SendRawAsync(Encoding.UTF8.GetBytes(Request("MESSAGE", nvr.Id, bomb)), CancellationToken.None);

        await EventuallyCountedAsync("badXml", before);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_flood_of_registers_holds_no_more_challenges_than_the_limit()
    {
        using var udp = new UdpClient();

        // Each one is answered with a challenge; the oldest challenges are forgotten.
        for (var i = 0; i < SipEngineFixture.MaxOutstandingNonces * 4; i++)
        {
            await SendUdpAsync(udp, Request("REGISTER", "34020000001180000001"));
            var answer = await udp.ReceiveAsync().WaitAsync(Patience);
            Encoding.UTF8.GetString(answer.Buffer).Should().StartWith("SIP/2.0 401");
        }

        fixture.AccessPoint.OutstandingNonces.Should().BeLessThanOrEqualTo(SipEngineFixture.MaxOutstandingNonces);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_code_that_is_not_a_gb_code_is_refused_as_unknown()
    {
        using var udp = new UdpClient();
        var before = fixture.Refused("unknownDevice");

        await SendUdpAsync(udp, Request("REGISTER", "admin"));

        var answer = await udp.ReceiveAsync().WaitAsync(Patience);
        Encoding.UTF8.GetString(answer.Buffer).Should().StartWith("SIP/2.0 403");
        fixture.Refused("unknownDevice").Should().Be(before + 1);
    }

    /// <summary>True when the server closes the connection (reads end) within the patience.</summary>
    private static async Task<bool> ReadUntilClosedAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
