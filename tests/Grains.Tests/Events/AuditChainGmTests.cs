using CityOps.Crypto;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

/// <summary>Case audit trails in 国密 mode: SM3 entries, and trails that cross a change of <c>Crypto:Mode</c>.</summary>
public class AuditChainGmTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.FromHours(8));
    private static readonly string Photo = new('a', 64);
    private static readonly string PhotoSm3 = new('c', 64);
    private static readonly EventActor Operator = new("operator", [EventRole.Operator], null);
    private static readonly EventActor Dispatcher = new("dispatcher.water", [EventRole.Dispatcher], "water");
    private static readonly EventActor Responder = new("li.water", [EventRole.Responder], "water");

    /// <summary>A case to its acceptance, each entry hashed with the algorithm of its step.</summary>
    private static List<AuditEntry> Trail(params string[] algorithms)
    {
        var trail = new List<AuditEntry>();
        var status = LifecycleStatus.Reported;
        var report = AuditRecord.ForReport(T0, EventActor.Engine, EventRole.Engine, "device wl-0001", [Photo], algorithms[0] == ChainDigests.Sm3 ? [PhotoSm3] : null);
        trail.Add(AuditChain.Append(trail, report, algorithms[0]));
        (EventActor Actor, EventActionRequest Request)[] steps =
        [
            (Operator, new(EventAction.Register, Origin: "10.0.0.5")),
            (Dispatcher, new(EventAction.Dispatch, Department: "water", Assignee: "li.water", Origin: "10.0.0.6")),
            (Responder, new(EventAction.Accept, Origin: "mobile")),
        ];
        foreach (var ((actor, request), i) in steps.Select((s, i) => (s, i)))
        {
            var decision = EventLifecycle.Decide(status, actor, new CaseParties("water", null), request);
            trail.Add(AuditChain.Append(trail, AuditRecord.ForAction(T0.AddMinutes(i + 1), actor, request, status, decision), algorithms[i + 1]));
            status = decision.Next!;
        }

        return trail;
    }

    [Fact]
    public void A_trail_written_in_gm_mode_records_sm3_on_every_entry_and_verifies_with_its_anchor()
    {
        var trail = Trail(ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3);

        trail.Select(e => e.HashAlgorithm).Should().AllBe(ChainDigests.Sm3);
        AuditChain.Verify(trail, AuditChain.Anchor(trail)).Should().Be(AuditVerification.Valid);
    }

    [Fact]
    public void An_edited_sm3_entry_is_found_where_it_was_edited()
    {
        var trail = Trail(ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3);
        trail[2] = trail[2] with { Origin = "10.9.9.9" };

        var result = AuditChain.Verify(trail);

        result.IsValid.Should().BeFalse();
        result.Index.Should().Be(2);
        result.Kind.Should().Be(AuditBreakKind.ContentChanged);
    }

    [Fact]
    public void An_sm3_entry_relabelled_as_sha256_no_longer_verifies()
    {
        var trail = Trail(ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3);
        trail[1] = trail[1] with { HashAlgorithm = ChainDigests.Sha256 };

        AuditChain.Verify(trail).Kind.Should().Be(AuditBreakKind.ContentChanged);
    }

    [Fact]
    public void A_changed_evidence_sm3_digest_is_found()
    {
        var trail = Trail(ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3);
        trail[0] = trail[0] with { AttachmentSm3s = [new string('d', 64)] };

        AuditChain.Verify(trail).Index.Should().Be(0);
    }

    [Fact]
    public void A_trail_begun_in_sha256_and_continued_in_sm3_verifies_and_keeps_each_entry_s_algorithm()
    {
        var trail = Trail(ChainDigests.Sha256, ChainDigests.Sha256, ChainDigests.Sm3, ChainDigests.Sm3);

        trail.Select(e => e.HashAlgorithm).Should().Equal(ChainDigests.Sha256, ChainDigests.Sha256, ChainDigests.Sm3, ChainDigests.Sm3);
        AuditChain.Verify(trail, AuditChain.Anchor(trail)).Should().Be(AuditVerification.Valid);
    }

    [Fact]
    public void A_trail_of_entries_that_record_no_algorithm_is_read_as_sha256_and_can_be_continued_in_sm3()
    {
        var earlier = Trail(ChainDigests.Sha256, ChainDigests.Sha256, ChainDigests.Sha256, ChainDigests.Sha256)
            .Select(e => e with { HashAlgorithm = null }).ToList();
        var handled = new AuditRecord(T0.AddHours(1), "li.water", EventRole.Responder, EventAction.Handle, null, EventState.Accepted, EventState.Handled, [], "mobile", new Dictionary<string, string>());
        earlier.Add(AuditChain.Append(earlier, handled, ChainDigests.Sm3));

        AuditChain.Verify(earlier, AuditChain.Anchor(earlier)).Should().Be(AuditVerification.Valid);
    }

    [Fact]
    public void Sm3_digests_of_attachments_are_kept_only_by_sm3_entries()
    {
        var record = AuditRecord.ForReport(T0, EventActor.Engine, EventRole.Engine, null, [Photo], [PhotoSm3]);

        AuditChain.Append([], record, ChainDigests.Sm3).AttachmentSm3s.Should().Equal(PhotoSm3);
        AuditChain.Append([], record, ChainDigests.Sha256).AttachmentSm3s.Should().BeNull();
    }

    [Fact]
    public void An_entry_naming_an_unknown_algorithm_does_not_verify()
    {
        var trail = Trail(ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3, ChainDigests.Sm3);
        trail[3] = trail[3] with { HashAlgorithm = "md5" };

        AuditChain.Verify(trail).Index.Should().Be(3);
    }

    /// <remarks>The expected hash was computed by a separate implementation of the v2 encoding documented on <see cref="AuditChain"/> (Python's hashlib SM3).</remarks>
    [Fact]
    public void The_sm3_hash_of_a_known_entry_never_changes()
    {
        var entry = new AuditEntry(
            0,
            T0,
            "operator",
            EventRole.Operator,
            EventAction.Register,
            "积水 30 cm",
            EventState.Reported,
            EventState.Registered,
            [Photo],
            "10.0.0.5",
            new Dictionary<string, string> { [AuditDetails.Department] = "water" },
            AuditChain.GenesisHash,
            "",
            ChainDigests.Sm3,
            [PhotoSm3]);

        AuditChain.ComputeHash(entry).Should().Be("47cb8184dab0ec3638ac8b6625bed4f3378981f58c024f1a76b9c2c037c40c0c");
    }
}
