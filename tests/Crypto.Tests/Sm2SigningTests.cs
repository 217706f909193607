using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Security;

namespace CityOps.Crypto.Tests;

/// <summary>SM2 signatures: the example of GM/T 0003-2012 Part 5 (its own 256-bit prime curve), and the recommended curve.</summary>
public class Sm2SigningTests
{
    /// <summary>GM/T 0003-2012 Part 5, Appendix A.2: the example curve, key, random k, signer id and message, and the published (r, s).</summary>
    [Fact]
    public void The_standard_s_example_signature_is_reproduced_and_verifies()
    {
        var p = Hex("8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3");
        var n = Hex("8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7");
        var curve = new FpCurve(p, Hex("787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498"), Hex("63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A"), n, BigInteger.One);
        var domain = new ECDomainParameters(curve, curve.CreatePoint(Hex("421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"), Hex("0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2")), n, BigInteger.One);
        var privateKey = new ECPrivateKeyParameters(Hex("128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263"), domain);
        var signerId = Encoding.ASCII.GetBytes("ALICE123@YAHOO.COM");
        var message = Encoding.ASCII.GetBytes("message digest");

        var signature = Sm2Signing.Sign(privateKey, message, new FixedRandom("6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F"), signerId);

        var (r, s) = Decode(signature);
        r.Should().Be(Hex("40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1"));
        s.Should().Be(Hex("6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7"));
        var publicKey = new ECPublicKeyParameters(domain.G.Multiply(privateKey.D).Normalize(), domain);
        Sm2Signing.Verify(publicKey, message, signature, signerId).Should().BeTrue();
        Sm2Signing.Verify(publicKey, Encoding.ASCII.GetBytes("message digesT"), signature, signerId).Should().BeFalse();
    }

    /// <remarks>
    /// On sm2p256v1 the standard publishes no signature; this one is BouncyCastle's published test vector (its SM2SignerTest,
    /// "sm2test@example.com" signing "hi chappy"), verified here from the public key alone.
    /// </remarks>
    [Fact]
    public void A_published_signature_on_the_recommended_curve_verifies_from_the_public_key()
    {
        var d = Hex("110E7973206F68C19EE5F7328C036F26911C8C73B4E4F36AE3291097F8984FFC");
        var publicKey = new ECPublicKeyParameters(Sm2Signing.Domain.G.Multiply(d).Normalize(), Sm2Signing.Domain);
        var signature = new DerSequence(new DerInteger(Hex("05890B9077B92E47B17A1FF42A814280E556AFD92B4A98B9670BF8B1A274C2FA")), new DerInteger(Hex("E3ABBB8DB2B6ECD9B24ECCEA7F679FB9A4B1DB52F4AA985E443AD73237FA1993"))).GetEncoded();

        Sm2Signing.Verify(publicKey, "hi chappy"u8, signature, Encoding.ASCII.GetBytes("sm2test@example.com")).Should().BeTrue();
    }

    [Fact]
    public void A_generated_key_signs_and_its_public_key_alone_verifies()
    {
        var (privateKey, publicKey) = Sm2Signing.Generate();

        var signature = Sm2Signing.Sign(privateKey, "checkpoint"u8);

        publicKey.Should().StartWith("04").And.HaveLength(130);
        Sm2Signing.PublicKeyOf(privateKey).Should().Be(publicKey);
        Sm2Signing.Verify(publicKey, "checkpoint"u8, signature).Should().BeTrue();
        Sm2Signing.Verify(publicKey, "checkpoinT"u8, signature).Should().BeFalse();
        Sm2Signing.Verify(Sm2Signing.Generate().PublicKey, "checkpoint"u8, signature).Should().BeFalse();
    }

    [Fact]
    public void Malformed_keys_and_signatures_do_not_verify_and_throw_nothing()
    {
        var (_, publicKey) = Sm2Signing.Generate();

        Sm2Signing.Verify(publicKey, "x"u8, "not hex").Should().BeFalse();
        Sm2Signing.Verify(publicKey, "x"u8, "3006020101020101").Should().BeFalse();
        Sm2Signing.Verify("04abcd", "x"u8, "3006020101020101").Should().BeFalse();
    }

    private static BigInteger Hex(string hex) => new(hex, 16);

    private static (BigInteger R, BigInteger S) Decode(byte[] signature)
    {
        var sequence = Asn1Sequence.GetInstance(signature);
        return (DerInteger.GetInstance(sequence[0]).Value, DerInteger.GetInstance(sequence[1]).Value);
    }

    /// <summary>Gives the standard's fixed k where the signer asks for random bytes.</summary>
    private sealed class FixedRandom(string hex) : SecureRandom
    {
        private readonly byte[] _bytes = Convert.FromHexString(hex);

        public override void NextBytes(byte[] buf) => NextBytes(buf.AsSpan());

        public override void NextBytes(byte[] buf, int off, int len) => NextBytes(buf.AsSpan(off, len));

        public override void NextBytes(Span<byte> buffer) => _bytes.AsSpan(0, buffer.Length).CopyTo(buffer);
    }
}
