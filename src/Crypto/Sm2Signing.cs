using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace CityOps.Crypto;

/// <summary>
/// SM2 signatures (GM/T 0003-2012) with SM3 on the recommended curve <c>sm2p256v1</c> and the default signer id
/// <c>1234567812345678</c> (GM/T 0009). Keys are written as hex: the private key as its 32-byte scalar, the public key
/// as the uncompressed point <c>04‖x‖y</c> (65 bytes); a signature is the DER <c>SEQUENCE { r, s }</c> (GM/T 0009) in hex.
/// </summary>
public static class Sm2Signing
{
    public const string CurveName = "sm2p256v1";

    /// <summary>The signer id every checkpoint uses: GM/T 0009's default, which BouncyCastle's SM2Signer applies when given none.</summary>
    public const string DefaultSignerId = "1234567812345678";

    private static readonly X9ECParameters Curve = GMNamedCurves.GetByName(CurveName);

    public static ECDomainParameters Domain { get; } = new(Curve.Curve, Curve.G, Curve.N, Curve.H, Curve.GetSeed());

    /// <summary>A fresh key pair: (private key hex, public key hex).</summary>
    public static (string PrivateKey, string PublicKey) Generate()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Domain, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var d = ((ECPrivateKeyParameters)pair.Private).D;
        return (Convert.ToHexStringLower(d.ToByteArrayUnsigned().AsSpan().PadTo(32)), PublicKeyOf(d));
    }

    /// <summary>The public key (hex of <c>04‖x‖y</c>) of a private key.</summary>
    public static string PublicKeyOf(string privateKeyHex) => PublicKeyOf(ParsePrivate(privateKeyHex).D);

    public static string Sign(string privateKeyHex, ReadOnlySpan<byte> message) =>
        Convert.ToHexStringLower(Sign(ParsePrivate(privateKeyHex), message, new SecureRandom()));

    /// <summary>A signature with the given key and source of the per-signature random k (the standard's examples fix it).</summary>
    public static byte[] Sign(ECPrivateKeyParameters key, ReadOnlySpan<byte> message, SecureRandom random, byte[]? signerId = null)
    {
        var signer = new SM2Signer(new SM3Digest());
        var withRandom = new ParametersWithRandom(key, random);
        signer.Init(true, signerId is null ? withRandom : new ParametersWithID(withRandom, signerId));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }

    /// <summary>Whether the signature (hex) is the public key's over the message; false for anything malformed.</summary>
    public static bool Verify(string publicKeyHex, ReadOnlySpan<byte> message, string signatureHex)
    {
        try
        {
            return Verify(ParsePublic(publicKeyHex, Domain), message, Convert.FromHexString(signatureHex));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    public static bool Verify(ECPublicKeyParameters key, ReadOnlySpan<byte> message, byte[] signature, byte[]? signerId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signer = new SM2Signer(new SM3Digest());
        signer.Init(false, signerId is null ? key : new ParametersWithID(key, signerId));
        signer.BlockUpdate(message);
        try
        {
            return signer.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    /// <exception cref="FormatException">Not 32 bytes of hex, or not a key of the curve.</exception>
    public static ECPrivateKeyParameters ParsePrivate(string privateKeyHex)
    {
        var bytes = Convert.FromHexString(privateKeyHex.Trim());
        var d = new BigInteger(1, bytes);
        if (bytes.Length != 32 || d.SignValue <= 0 || d.CompareTo(Domain.N) >= 0)
        {
            throw new FormatException("An SM2 private key is 32 bytes of hex, between 1 and the curve's order.");
        }

        return new ECPrivateKeyParameters(d, Domain);
    }

    /// <exception cref="FormatException">Not hex, or not a point of the curve.</exception>
    public static ECPublicKeyParameters ParsePublic(string publicKeyHex, ECDomainParameters domain)
    {
        ArgumentNullException.ThrowIfNull(publicKeyHex);
        ArgumentNullException.ThrowIfNull(domain);
        try
        {
            var point = domain.Curve.DecodePoint(Convert.FromHexString(publicKeyHex.Trim()));
            return new ECPublicKeyParameters(point, domain);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("An SM2 public key is the hex of an uncompressed point 04‖x‖y of sm2p256v1.", e);
        }
    }

    /// <summary>
    /// The checkpoint signing key: <c>Crypto:CheckpointKey</c> (hex of the private key) when configured, else
    /// <c>{dataPath}/sm2-checkpoint.key</c>, generated once; its public key is written beside it as <c>sm2-checkpoint.pub</c>.
    /// </summary>
    public static string ResolvePrivateKey(string? configured, string dataPath)
    {
        var key = !string.IsNullOrWhiteSpace(configured)
            ? configured.Trim()
            : KeyFiles.ReadOrCreate(Path.Combine(dataPath, "sm2-checkpoint.key"), () => Generate().PrivateKey);
        var publicKey = PublicKeyOf(key);
        var publicPath = Path.Combine(dataPath, "sm2-checkpoint.pub");
        if (!File.Exists(publicPath) || File.ReadAllText(publicPath).Trim() != publicKey)
        {
            Directory.CreateDirectory(dataPath);
            File.WriteAllText(publicPath, publicKey + "\n");
        }

        return key;
    }

    private static string PublicKeyOf(BigInteger d) => Convert.ToHexStringLower(Domain.G.Multiply(d).Normalize().GetEncoded(compressed: false));

    private static byte[] PadTo(this Span<byte> bytes, int length)
    {
        var padded = new byte[length];
        bytes.CopyTo(padded.AsSpan(length - bytes.Length));
        return padded;
    }
}
