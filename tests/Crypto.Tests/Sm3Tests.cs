using System.Text;

namespace CityOps.Crypto.Tests;

/// <summary>SM3 against the examples of GM/T 0004-2012, Appendix A.</summary>
public class Sm3Tests
{
    [Fact]
    public void The_standard_s_first_example_abc_hashes_to_its_published_digest() =>
        ChainDigests.HashHex(ChainDigests.Sm3, "abc"u8).Should().Be("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");

    [Fact]
    public void The_standard_s_512_bit_example_hashes_to_its_published_digest() =>
        ChainDigests.HashHex(ChainDigests.Sm3, Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcd", 16))))
            .Should().Be("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");

    [Fact]
    public void Sha256_stays_sha256_for_entries_that_record_it_or_nothing()
    {
        ChainDigests.HashHex(ChainDigests.Sha256, "abc"u8).Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ChainDigests.HashHex(null, "abc"u8).Should().Be("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Fact]
    public void An_unknown_algorithm_is_refused() =>
        FluentActions.Invoking(() => ChainDigests.Create("md5")).Should().Throw<ArgumentException>();
}
