using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityOps.Crypto;

/// <summary>
/// SM4 (GM/T 0002-2012) in GCM mode for data at rest. A sealed blob is the 8 ASCII bytes <c>CSM4GCM1</c>, a 12-byte
/// random nonce, the ciphertext and a 16-byte tag; the associated data is the header and a context string (what the
/// blob is, e.g. an evidence file's name), so a blob moved under another name does not open. Data without the header
/// is plain (written before 国密 mode or under the international mode) and is read as it is: no photo type starts
/// with these bytes.
/// </summary>
public sealed class Sm4Gcm
{
    public const int KeyBytes = 16;
    public const int NonceBytes = 12;
    public const int TagBytes = 16;

    private static readonly byte[] Magic = "CSM4GCM1"u8.ToArray();

    private readonly byte[] _key;

    public Sm4Gcm(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"An SM4 key has {KeyBytes} bytes, not {key.Length}.", nameof(key));
        }

        _key = (byte[])key.Clone();
    }

    /// <summary>Bytes enough to tell sealed data from plain (<see cref="IsSealed"/>).</summary>
    public static int HeaderBytes => Magic.Length;

    /// <summary>What sealing adds to the plain length.</summary>
    public static int Overhead => Magic.Length + NonceBytes + TagBytes;

    public static bool IsSealed(ReadOnlySpan<byte> head) => head.StartsWith(Magic);

    public byte[] Seal(ReadOnlySpan<byte> plain, string context)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var cipher = Cipher(forEncryption: true, nonce, context);
        var output = new byte[Magic.Length + NonceBytes + cipher.GetOutputSize(plain.Length)];
        Magic.CopyTo(output, 0);
        nonce.CopyTo(output, Magic.Length);
        var body = output.AsSpan(Magic.Length + NonceBytes);
        var written = cipher.ProcessBytes(plain, body);
        cipher.DoFinal(body[written..]);
        return output;
    }

    /// <summary>The plain bytes of sealed data, or the data itself when it is not sealed.</summary>
    /// <exception cref="CryptographicException">Sealed data that does not open with this key and context: tampered, or another installation's.</exception>
    public byte[] Open(ReadOnlySpan<byte> data, string context)
    {
        if (!IsSealed(data))
        {
            return data.ToArray();
        }

        if (data.Length < Overhead)
        {
            throw new CryptographicException("The sealed data is truncated.");
        }

        var nonce = data.Slice(Magic.Length, NonceBytes).ToArray();
        var cipher = Cipher(forEncryption: false, nonce, context);
        var body = data[(Magic.Length + NonceBytes)..];
        var plain = new byte[cipher.GetOutputSize(body.Length)];
        try
        {
            var written = cipher.ProcessBytes(body, plain);
            written += cipher.DoFinal(plain.AsSpan(written));
            return written == plain.Length ? plain : plain[..written];
        }
        catch (InvalidCipherTextException e)
        {
            throw new CryptographicException("The sealed data does not open: it was altered, or sealed with another key or under another name.", e);
        }
    }

    private GcmBlockCipher Cipher(bool forEncryption, byte[] nonce, string context)
    {
        var associated = new byte[Magic.Length + Encoding.UTF8.GetByteCount(context)];
        Magic.CopyTo(associated, 0);
        Encoding.UTF8.GetBytes(context, associated.AsSpan(Magic.Length));
        var cipher = new GcmBlockCipher(new SM4Engine());
        cipher.Init(forEncryption, new AeadParameters(new KeyParameter(_key), TagBytes * 8, nonce, associated));
        return cipher;
    }
}
