using System.Text;
using CityOps.Sip;

namespace CityOps.DeviceGateway.Tests.Sip;

public sealed class SipParserTests
{
    private static readonly SipParser Parser = new(new SipLimits());

    private const string Register =
        "REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.168.1.64:5060;rport;branch=z9hG4bK1\r\n" +
        "From: <sip:34020000001180000001@3402000000>;tag=abc\r\n" +
        "To: <sip:34020000001180000001@3402000000>\r\n" +
        "Call-ID: 42@192.168.1.64\r\n" +
        "CSeq: 1 REGISTER\r\n" +
        "Contact: <sip:34020000001180000001@192.168.1.64:5060>\r\n" +
        "Max-Forwards: 70\r\n" +
        "Expires: 3600\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static SipParsed<SipMessage> Parse(string text, bool stream = false) => Parser.Parse(Encoding.UTF8.GetBytes(text), stream);

    [Fact]
    public void A_register_request_is_read_with_its_headers()
    {
        var parsed = Parse(Register);

        parsed.IsOk.Should().BeTrue(parsed.Detail);
        var message = parsed.Value!;
        message.Method.Should().Be("REGISTER");
        message.FromUser.Should().Be("34020000001180000001");
        message.CSeq.Should().Be((1L, "REGISTER"));
        message.Header("expires").Should().Be("3600");
        message.Body.Should().BeEmpty();
    }

    [Fact]
    public void Compact_header_names_are_read_as_their_full_names()
    {
        var parsed = Parse(Register.Replace("Call-ID:", "i:", StringComparison.Ordinal));

        parsed.Value!.CallId.Should().Be("42@192.168.1.64");
    }

    [Fact]
    public void A_response_is_read_with_its_status()
    {
        var parsed = Parse(Register.Replace("REGISTER sip:34020000002000000001@3402000000 SIP/2.0", "SIP/2.0 401 Unauthorized", StringComparison.Ordinal));

        parsed.Value!.IsRequest.Should().BeFalse();
        parsed.Value.StatusCode.Should().Be(401);
    }

    [Fact]
    public void The_body_ends_where_content_length_says()
    {
        var text = Register.Replace("REGISTER", "MESSAGE", StringComparison.Ordinal).Replace("Content-Length: 0", "Content-Length: 5", StringComparison.Ordinal) + "hello and more";

        Parse(text).Value!.Body.Should().Equal(Encoding.ASCII.GetBytes("hello"));
    }

    [Fact]
    public void A_body_shorter_than_its_content_length_is_refused()
    {
        var text = Register.Replace("Content-Length: 0", "Content-Length: 50", StringComparison.Ordinal) + "short";

        Parse(text).Refusal.Should().Be(SipRefusal.BadContentLength);
    }

    [Fact]
    public void On_a_stream_content_length_is_required()
    {
        Parse(Register.Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal), stream: true).Refusal.Should().Be(SipRefusal.BadContentLength);
    }

    [Fact]
    public void Two_content_lengths_are_refused()
    {
        Parse(Register.Replace("Content-Length: 0", "Content-Length: 0\r\nl: 3", StringComparison.Ordinal)).Refusal.Should().Be(SipRefusal.BadContentLength);
    }

    [Fact]
    public void A_message_over_the_size_limit_is_refused_before_it_is_read()
    {
        var huge = Register.Replace("Content-Length: 0", "Content-Length: 70000", StringComparison.Ordinal) + new string('x', 70_000);

        Parse(huge).Refusal.Should().Be(SipRefusal.TooLarge);
    }

    [Fact]
    public void A_stream_head_announcing_a_body_beyond_the_limit_is_refused_before_the_body_is_read()
    {
        var head = Encoding.UTF8.GetBytes(Register.Replace("Content-Length: 0", "Content-Length: 99999999999", StringComparison.Ordinal));

        Parser.ContentLengthOf(head, out _).Refusal.Should().Be(SipRefusal.TooLarge);
    }

    [Fact]
    public void A_line_over_the_line_limit_is_refused()
    {
        Parse(Register.Replace("Max-Forwards: 70", "Subject: " + new string('a', 3000), StringComparison.Ordinal)).Refusal.Should().Be(SipRefusal.LineTooLong);
    }

    [Fact]
    public void Too_many_headers_are_refused()
    {
        var many = string.Concat(Enumerable.Range(0, 70).Select(i => $"X-H{i}: {i}\r\n"));

        Parse(Register.Replace("Max-Forwards: 70\r\n", many, StringComparison.Ordinal)).Refusal.Should().Be(SipRefusal.TooManyHeaders);
    }

    [Theory]
    [InlineData("REGISTER sip:x SIP/2.0\r\n", "REGISTER sip:x\r\n")]
    [InlineData("Max-Forwards: 70\r\n", "Max-Forwards 70\r\n")]
    [InlineData("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\n  folded\r\n")]
    [InlineData("Max-Forwards: 70\r\n", "Max-Forwards: 7\u00010\r\n")]
    [InlineData("Max-Forwards: 70\r\n", "Bad Name: 1\r\n")]
    public void Malformed_lines_are_refused(string original, string replacement)
    {
        var text = Register.Replace("REGISTER sip:34020000002000000001@3402000000 SIP/2.0\r\n", "REGISTER sip:x SIP/2.0\r\n", StringComparison.Ordinal)
            .Replace(original, replacement, StringComparison.Ordinal);

        Parse(text).Refusal.Should().Be(SipRefusal.Malformed);
    }

    [Fact]
    public void A_message_without_its_blank_line_is_refused()
    {
        Parse(Register[..^2]).Refusal.Should().Be(SipRefusal.Malformed);
    }

    [Fact]
    public void Another_sip_version_is_refused()
    {
        Parse(Register.Replace("@3402000000 SIP/2.0", "@3402000000 SIP/3.0", StringComparison.Ordinal)).Refusal.Should().Be(SipRefusal.UnsupportedVersion);
    }

    [Theory]
    [InlineData("Call-ID: 42@192.168.1.64\r\n", "")]
    [InlineData("CSeq: 1 REGISTER", "CSeq: 1 MESSAGE")]
    [InlineData("CSeq: 1 REGISTER", "CSeq: one REGISTER")]
    public void Missing_or_inconsistent_required_headers_are_refused(string original, string replacement)
    {
        Parse(Register.Replace(original, replacement, StringComparison.Ordinal)).Refusal.Should().Be(SipRefusal.MissingHeader);
    }

    [Fact]
    public void Headers_that_are_not_utf8_are_refused()
    {
        var bytes = Encoding.UTF8.GetBytes(Register).ToList();
        bytes.InsertRange(Register.IndexOf("70", StringComparison.Ordinal), [0xC3, 0x28]);

        Parser.Parse(bytes.ToArray()).Refusal.Should().Be(SipRefusal.Malformed);
    }

    [Fact]
    public void A_message_written_is_read_back_the_same()
    {
        var message = SipMessage.Request("MESSAGE", "sip:34020000001320000001@3402000000")
            .Add("Via", "SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKx")
            .Add("From", "<sip:34020000002000000001@3402000000>;tag=1")
            .Add("To", "<sip:34020000001320000001@3402000000>")
            .Add("Call-ID", "c1")
            .Add("CSeq", "7 MESSAGE")
            .Add("Content-Type", Manscdp.ContentType);
        message.Body = [1, 2, 3];

        var read = Parser.Parse(message.ToBytes(), stream: true).Value!;

        read.Header("Content-Type").Should().Be(Manscdp.ContentType);
        read.Body.Should().Equal(1, 2, 3);
        read.ToUser.Should().Be("34020000001320000001");
    }

    [Fact]
    public void A_response_copies_the_transaction_headers_and_tags_the_to_header()
    {
        var request = Parse(Register).Value!;

        var response = request.CreateResponse(200, "OK", toTag: "t1");

        response.Header("Via").Should().Be(request.Header("Via"));
        response.CallId.Should().Be(request.CallId);
        response.Header("To").Should().EndWith(";tag=t1");
    }

    [Fact]
    public void The_head_of_a_stream_ends_at_the_blank_line()
    {
        var bytes = Encoding.ASCII.GetBytes(Register + "NEXT");

        SipParser.HeadLength(bytes).Should().Be(Register.Length);
        SipParser.HeadLength(bytes.AsSpan(0, 20)).Should().BeNull();
    }
}
