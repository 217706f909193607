using System.Text;
using CityOps.Crypto;
using CityOps.Grains.Interfaces.Audit;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grains.Tests.Events;

namespace CityOps.Grains.Tests.Audit;

/// <summary>A day's audit checkpoint from the case indexes and the cases' heads, signed with the installation's SM2 key.</summary>
[Collection(EventClusterTests.Name)]
public class AuditCheckpointGrainTests(EventClusterFixture fixture)
{
    private static readonly string[] Districts = ["990101", "990102"];

    private readonly Cases _cases = new(fixture.Grains);

    private IAuditCheckpointGrain Day(string day) => fixture.Grains.GetGrain<IAuditCheckpointGrain>(day);

    [Fact]
    public async Task Today_s_checkpoint_lists_a_case_changed_today_at_its_head_and_the_month_s_administration_audit_signed_by_the_installation_s_key()
    {
        var id = await _cases.ReportedAsync();
        await _cases.ActAsync(id, Cases.Operator, new EventActionRequest(EventAction.Register));
        var head = await _cases.Case(id).AuditHead();
        var today = AuditDays.Of(EventClusterFixture.Clock.GetUtcNow());
        string text = "";
        AuditCheckpoint checkpoint = null!;
        // The case tells its district's index after its change is stored: wait until the index knows the latest.
        for (var i = 0; i < 100 && !text.Contains($"chain case/{id} {head.Count} {head.HeadHash}\n", StringComparison.Ordinal); i++)
        {
            checkpoint = await Day(today).Create(Districts);
            text = checkpoint.Text;
            await Task.Delay(50);
        }

        text.Should().Contain($"chain case/{id} 2 {head.HeadHash}\n");
        text.Should().Contain($"chain admin/{AdminAuditMonths.Of(EventClusterFixture.Clock.GetUtcNow())} ");
        checkpoint.PublicKey.Should().Be(await Day(today).PublicKey());
        Sm2Signing.Verify(checkpoint.PublicKey, Encoding.UTF8.GetBytes(checkpoint.Text), checkpoint.Signature).Should().BeTrue();
        (await Day(today).Get()).Should().Be(checkpoint);
    }

    [Fact]
    public async Task A_day_is_closed_once_and_the_next_close_finds_it_made()
    {
        var first = await Day("2026-01-05").Close(Districts);

        var second = await Day("2026-01-05").Close(Districts);

        second.Should().Be(first);
        first.Day.Should().Be("2026-01-05");
        CheckpointText.Parse(first.Text).Content!.Heads.Should().ContainSingle(h => h.Chain == "admin/2026-01");
    }

    [Fact]
    public async Task A_day_that_is_not_over_is_not_closed() =>
        await FluentActions.Awaiting(() => Day(AuditDays.Of(EventClusterFixture.Clock.GetUtcNow())).Close(Districts))
            .Should().ThrowAsync<InvalidOperationException>();
}
