using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace CityOps.Crypto.Tests;

/// <summary>SM4 against GM/T 0002-2012's example, SM4-GCM against RFC 8998's, and the sealed format of data at rest.</summary>
public class Sm4GcmTests
{
    private static readonly byte[] Key = Convert.FromHexString("0123456789abcdeffedcba9876543210");

    [Fact]
    public void One_block_encrypts_to_the_standard_s_example_ciphertext()
    {
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(Key));
        var output = new byte[16];

        engine.ProcessBlock(Key, 0, output, 0);

        Convert.ToHexStringLower(output).Should().Be("681edf34d206965e86b3e94f536e4246");
    }

    /// <remarks>RFC 8998, Appendix A.1 (SM4-GCM), with the same construction <see cref="Sm4Gcm"/> uses.</remarks>
    [Fact]
    public void Gcm_with_sm4_gives_rfc_8998_s_example_ciphertext_and_tag()
    {
        var cipher = new GcmBlockCipher(new SM4Engine());
        cipher.Init(true, new AeadParameters(new KeyParameter(Key), 128, Convert.FromHexString("00001234567800000000ABCD"), Convert.FromHexString("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")));
        var plain = Convert.FromHexString("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");
        var output = new byte[cipher.GetOutputSize(plain.Length)];

        var written = cipher.ProcessBytes(plain, 0, plain.Length, output, 0);
        cipher.DoFinal(output, written);

        Convert.ToHexString(output).Should().Be(
            "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
            + "83DE3541E4C2B58177E065A9BF7B62EC");
    }

    [Fact]
    public void Sealed_data_starts_with_the_format_header_and_opens_to_the_plain_bytes()
    {
        var sm4 = new Sm4Gcm(Key);
        var plain = RandomNumberGenerator.GetBytes(1000);

        var sealedData = sm4.Seal(plain, "evidence/abc");

        Sm4Gcm.IsSealed(sealedData).Should().BeTrue();
        sealedData.Length.Should().Be(plain.Length + Sm4Gcm.Overhead);
        sm4.Open(sealedData, "evidence/abc").Should().Equal(plain);
    }

    [Fact]
    public void Plain_data_written_before_sealing_reads_as_it_is()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];

        Sm4Gcm.IsSealed(jpeg).Should().BeFalse();
        new Sm4Gcm(Key).Open(jpeg, "evidence/abc").Should().Equal(jpeg);
    }

    [Fact]
    public void A_flipped_bit_is_refused()
    {
        var sm4 = new Sm4Gcm(Key);
        var sealedData = sm4.Seal("photo"u8, "evidence/abc");
        sealedData[^20] ^= 1;

        FluentActions.Invoking(() => sm4.Open(sealedData, "evidence/abc")).Should().Throw<CryptographicException>();
    }

    [Fact]
    public void Data_sealed_under_one_name_does_not_open_under_another() =>
        FluentActions.Invoking(() => new Sm4Gcm(Key).Open(new Sm4Gcm(Key).Seal("photo"u8, "evidence/abc"), "evidence/def"))
            .Should().Throw<CryptographicException>();

    [Fact]
    public void Another_installation_s_key_does_not_open_it() =>
        FluentActions.Invoking(() => new Sm4Gcm(RandomNumberGenerator.GetBytes(16)).Open(new Sm4Gcm(Key).Seal("photo"u8, "x"), "x"))
            .Should().Throw<CryptographicException>();

    [Fact]
    public void The_evidence_key_is_generated_once_in_the_data_folder_and_read_back()
    {
        var folder = Directory.CreateTempSubdirectory("cityops-keys-").FullName;
        try
        {
            var first = KeyFiles.EvidenceKey(null, folder);

            KeyFiles.EvidenceKey(null, folder).Should().Equal(first);
            first.Should().HaveCount(Sm4Gcm.KeyBytes);
            if (!OperatingSystem.IsWindows())
            {
                File.GetUnixFileMode(Path.Combine(folder, "sm4-evidence.key")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
