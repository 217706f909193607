using System.Text;
using CityOps.DashboardHost.Events;

namespace CityOps.DashboardHost.Tests.Events;

public class EvidenceSniffTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D }, "image/png")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0x24, 0, 0, 0, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    public void Each_accepted_type_is_known_by_its_magic_number(byte[] head, string type) =>
        Evidence.Sniff(head).Should().Be(type);

    [Theory]
    [InlineData("<html><script>alert(1)</script>")]
    [InlineData("GIF89a")]
    [InlineData("%PDF-1.7\n")]
    [InlineData("RIFF\0\0\0\0WAVEfmt ")]
    [InlineData("")]
    public void Anything_else_is_no_evidence_whatever_it_claims(string text) =>
        Evidence.Sniff(Encoding.ASCII.GetBytes(text)).Should().BeNull();

    [Fact]
    public void A_truncated_magic_number_is_not_enough() =>
        Evidence.Sniff(new byte[] { 0x89, 0x50, 0x4E, 0x47 }).Should().BeNull();
}
