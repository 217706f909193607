using CityOps.Crypto;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grains.Users;

namespace CityOps.Grains.Tests.Users;

public class AdminAuditChainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    private static List<AdminAuditEntry> Trail()
    {
        var trail = new List<AdminAuditEntry>();
        foreach (var (actor, action, ok) in new[] { ("admin", AdminAuditActions.SignIn, true), ("admin", AdminAuditActions.CreateUser, true), ("mallory", AdminAuditActions.SignIn, false) })
        {
            trail.Add(AdminAuditChain.Append(trail, new AdminAuditRecord(T0.AddMinutes(trail.Count), actor, action, "alice", ok, "127.0.0.1", new() { ["reason"] = "x" })));
        }

        return trail;
    }

    [Fact]
    public void A_trail_as_written_verifies_with_its_anchor() =>
        AdminAuditChain.Verify(Trail(), AuditChain.Anchor(Trail())).Should().Be(AuditVerification.Valid);

    [Fact]
    public void A_failed_sign_in_turned_into_a_success_is_found_at_its_entry()
    {
        var trail = Trail();
        trail[2] = trail[2] with { Succeeded = true };

        var result = AdminAuditChain.Verify(trail);

        result.Kind.Should().Be(AuditBreakKind.ContentChanged);
        result.Index.Should().Be(2);
    }

    [Fact]
    public void A_removed_entry_is_found()
    {
        var trail = Trail();
        trail.RemoveAt(1);

        AdminAuditChain.Verify(trail).Kind.Should().Be(AuditBreakKind.EntryMissing);
    }

    [Fact]
    public void A_cut_off_tail_is_found_by_the_anchor()
    {
        var trail = Trail();
        var anchor = AuditChain.Anchor(trail);

        AdminAuditChain.Verify(trail.Take(2).ToList(), anchor).Kind.Should().Be(AuditBreakKind.Truncated);
    }

    [Fact]
    public void Entries_are_hashed_apart_from_case_audit_entries_by_their_own_version_string() =>
        AdminAuditChain.Version.Should().NotBe(AuditChain.Version);

    [Fact]
    public void A_month_begun_in_sha256_and_continued_in_sm3_verifies_and_an_edit_of_an_sm3_entry_is_found()
    {
        var trail = Trail();
        trail.Add(AdminAuditChain.Append(trail, new AdminAuditRecord(T0.AddHours(1), "admin", AdminAuditActions.DisableUser, "bob", true, "127.0.0.1", []), ChainDigests.Sm3));
        trail.Add(AdminAuditChain.Append(trail, new AdminAuditRecord(T0.AddHours(2), "admin", AdminAuditActions.EnableUser, "bob", true, "127.0.0.1", []), ChainDigests.Sm3));

        AdminAuditChain.Verify(trail, AuditChain.Anchor(trail)).Should().Be(AuditVerification.Valid);
        trail[4] = trail[4] with { Subject = "carol" };
        AdminAuditChain.Verify(trail).Index.Should().Be(4);
    }
}
