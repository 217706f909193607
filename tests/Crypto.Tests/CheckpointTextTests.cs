namespace CityOps.Crypto.Tests;

public class CheckpointTextTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 0, 5, 0, TimeSpan.Zero);

    [Fact]
    public void The_text_lists_the_heads_in_order_of_their_names_and_parses_back()
    {
        var text = CheckpointText.Write("2026-12-06", At, [new("case/E2", 3, new string('b', 64)), new("admin/2026-12", 7, new string('a', 64))]);

        text.Should().Be($"cityops/audit-checkpoint/v1\nday 2026-12-06\nat 2026-12-07T00:05:00.0000000+00:00\nchain admin/2026-12 7 {new string('a', 64)}\nchain case/E2 3 {new string('b', 64)}\n");
        var (content, problem) = CheckpointText.Parse(text);
        problem.Should().BeNull();
        content!.Heads.Select(h => h.Chain).Should().Equal("admin/2026-12", "case/E2");
        content.At.Should().Be(At);
    }

    [Theory]
    [InlineData("cityops/audit-checkpoint/v1\nday 2026-12-06\nat 2026-12-07T00:05:00.0000000+00:00\nchain x -1 aa\n")]
    [InlineData("cityops/audit-checkpoint/v2\nday 2026-12-06\nat 2026-12-07T00:05:00.0000000+00:00\n")]
    [InlineData("cityops/audit-checkpoint/v1\nday 2026-13-06\nat 2026-12-07T00:05:00.0000000+00:00\n")]
    [InlineData("cityops/audit-checkpoint/v1\nday 2026-12-06\nat 2026-12-07T00:05:00.0000000+00:00")]
    public void Text_that_is_not_a_checkpoint_is_refused_with_a_reason(string text) =>
        CheckpointText.Parse(text).Problem.Should().NotBeNullOrEmpty();

    [Fact]
    public void A_signed_checkpoint_is_signed_by_its_key_only()
    {
        var (privateKey, publicKey) = Sm2Signing.Generate();
        var file = CheckpointFile.Sign(CheckpointText.Write("2026-12-06", At, []), privateKey);

        file.PublicKey.Should().Be(publicKey);
        file.IsSignedBy(publicKey).Should().BeTrue();
        file.IsSignedBy(Sm2Signing.Generate().PublicKey).Should().BeFalse();
        (file with { Text = file.Text.Replace("2026-12-06", "2026-12-05", StringComparison.Ordinal) }).IsSignedBy(publicKey).Should().BeFalse();
    }
}
