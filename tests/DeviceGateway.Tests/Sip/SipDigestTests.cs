using CityOps.Sip;

namespace CityOps.DeviceGateway.Tests.Sip;

public sealed class SipDigestTests
{
    [Fact]
    public void The_rfc_2617_example_gives_its_published_response()
    {
        // RFC 2617 3.5: Mufasa / "Circle Of Life" at testrealm@host.com, qop=auth.
        var authorization = new DigestAuthorization("Mufasa", "testrealm@host.com", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "/dir/index.html",
            "6629fae49393a05397450978507c4ef1", "MD5", "auth", "00000001", "0a4f113b");
        var ha1 = SipDigest.Ha1("Mufasa", "testrealm@host.com", "Circle Of Life");

        SipDigest.Response(ha1, "GET", authorization).Should().Be("6629fae49393a05397450978507c4ef1");
        SipDigest.Verify(ha1, "GET", authorization).Should().BeTrue();
    }

    [Fact]
    public void A_response_made_with_another_password_does_not_verify()
    {
        var authorization = new DigestAuthorization("34020000001180000001", "3402000000", "n1", "sip:34020000002000000001@3402000000", "", null, null, null, null);
        var wrong = authorization with { Response = SipDigest.Response(SipDigest.Ha1(authorization.Username, authorization.Realm, "guess"), "REGISTER", authorization) };

        SipDigest.Verify(SipDigest.Ha1(authorization.Username, authorization.Realm, "right"), "REGISTER", wrong).Should().BeFalse();
    }

    [Fact]
    public void An_authorization_header_is_read_with_quoted_and_bare_values()
    {
        var parsed = SipDigest.Parse("Digest username=\"34020000001180000001\", realm=\"3402000000\", nonce=\"abc\", uri=\"sip:x@y\", response=\"f00\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\"");

        parsed.Should().Be(new DigestAuthorization("34020000001180000001", "3402000000", "abc", "sip:x@y", "f00", "MD5", "auth", "00000001", "c"));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Digest username=\"a\", realm=\"b\"")]
    [InlineData("Digest username=\"a, realm=b")]
    public void Headers_that_are_not_complete_digests_are_not_read(string header)
    {
        SipDigest.Parse(header).Should().BeNull();
    }

    [Fact]
    public void Another_algorithm_than_md5_does_not_verify()
    {
        var authorization = new DigestAuthorization("u", "r", "n", "sip:x", "", "SHA-256", null, null, null);
        var ha1 = SipDigest.Ha1("u", "r", "p");

        SipDigest.Verify(ha1, "REGISTER", authorization with { Response = SipDigest.Response(ha1, "REGISTER", authorization) }).Should().BeFalse();
    }
}

public sealed class PtzCommandTests
{
    [Fact]
    public void A_preset_call_carries_its_number_and_checksum()
    {
        var hex = PtzCommand.Preset(PtzCommand.CallPreset, 3);

        hex.Should().Be("A50F01820003003A");
        PtzCommand.ReadPreset(hex).Should().Be((PtzCommand.CallPreset, 3));
    }

    [Theory]
    [InlineData("A50F01820003003B")]
    [InlineData("A50F0101000000B6")]
    [InlineData("nothex0000000000")]
    [InlineData("A50F")]
    public void Commands_with_a_bad_checksum_or_of_another_instruction_are_not_presets(string hex)
    {
        PtzCommand.ReadPreset(hex).Should().BeNull();
    }
}
