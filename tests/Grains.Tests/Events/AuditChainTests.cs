using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

public class AuditChainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.FromHours(8));
    private static readonly string Photo = new('a', 64);
    private static readonly string OtherPhoto = new('b', 64);

    private static readonly EventActor Operator = new("operator", [EventRole.Operator], null);
    private static readonly EventActor Dispatcher = new("dispatcher.water", [EventRole.Dispatcher], "water");
    private static readonly EventActor Responder = new("li.water", [EventRole.Responder], "water");

    /// <summary>A case from its report to the handling feedback: six entries.</summary>
    private static List<AuditEntry> Trail()
    {
        var trail = new List<AuditEntry>();
        var status = LifecycleStatus.Reported;
        trail.Add(AuditChain.Append(trail, AuditRecord.ForReport(T0, EventActor.Engine, EventRole.Engine, "device wl-0001", [Photo])));
        (EventActor Actor, EventActionRequest Request)[] steps =
        [
            (Operator, new(EventAction.Register, Origin: "10.0.0.5")),
            (Dispatcher, new(EventAction.Dispatch, Department: "water", Assignee: "li.water", Origin: "10.0.0.6")),
            (Responder, new(EventAction.Accept, Origin: "mobile")),
            (Responder, new(EventAction.Suspend, Reason: "needs a road closure permit", Approver: Operator, Origin: "mobile")),
            (Operator, new(EventAction.Resume, Origin: "10.0.0.5")),
        ];
        foreach (var ((actor, request), i) in steps.Select((s, i) => (s, i)))
        {
            var decision = EventLifecycle.Decide(status, actor, new CaseParties("water", null), request);
            trail.Add(AuditChain.Append(trail, AuditRecord.ForAction(T0.AddMinutes(i + 1), actor, request, status, decision)));
            status = decision.Next!;
        }

        return trail;
    }

    /// <summary>One change to one field of an entry, without re-hashing it.</summary>
    public static TheoryData<string, int> EveryFieldOfEveryEntry()
    {
        var data = new TheoryData<string, int>();
        foreach (var field in Edits.Keys)
        {
            for (var index = 0; index < 6; index++)
            {
                data.Add(field, index);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<AuditEntry, AuditEntry>> Edits = new()
    {
        ["sequence"] = e => e with { Sequence = e.Sequence + 10 },
        ["at"] = e => e with { At = e.At.AddTicks(1) },
        ["at offset"] = e => e with { At = e.At.ToOffset(TimeSpan.Zero) },
        ["actor"] = e => e with { Actor = e.Actor + "x" },
        ["role"] = e => e with { Role = e.Role == EventRole.Admin ? EventRole.Operator : EventRole.Admin },
        ["action"] = e => e with { Action = e.Action == EventAction.Close ? EventAction.Reject : EventAction.Close },
        ["reason"] = e => e with { Reason = e.Reason is null ? "" : null },
        ["state before"] = e => e with { StateBefore = e.StateBefore is null ? EventState.Reported : null },
        ["state after"] = e => e with { StateAfter = e.StateAfter == EventState.Closed ? EventState.Merged : EventState.Closed },
        ["attachments"] = e => e with { AttachmentSha256s = e.AttachmentSha256s.Length == 0 ? [OtherPhoto] : [] },
        ["origin"] = e => e with { Origin = e.Origin + "1" },
        ["details"] = e => e with { Details = new Dictionary<string, string>(e.Details) { [AuditDetails.Department] = "gas" } },
        ["previous hash"] = e => e with { PreviousHash = new string('f', 64) },
        ["hash"] = e => e with { Hash = new string('e', 64) },
    };

    private static List<AuditEntry> With(List<AuditEntry> trail, int index, Func<AuditEntry, AuditEntry> edit)
    {
        var copy = trail.ToList();
        copy[index] = edit(copy[index]);
        return copy;
    }

    [Fact]
    public void A_trail_as_appended_verifies() =>
        AuditChain.Verify(Trail()).Should().Be(AuditVerification.Valid);

    [Fact]
    public void The_first_entry_links_to_64_zeros_and_each_next_to_the_one_before()
    {
        var trail = Trail();

        trail[0].PreviousHash.Should().Be(new string('0', 64));
        trail.Skip(1).Zip(trail).Should().OnlyContain(p => p.First.PreviousHash == p.Second.Hash);
        trail.Select(e => e.Sequence).Should().Equal(0, 1, 2, 3, 4, 5);
        trail.Should().OnlyContain(e => e.Hash.Length == 64 && e.Hash.All(char.IsAsciiHexDigitLower));
    }

    [Fact]
    public void Each_entry_records_who_did_what_when_from_where_and_why()
    {
        var suspension = Trail()[4];

        suspension.Should().BeEquivalentTo(new
        {
            At = T0.AddMinutes(4),
            Actor = "li.water",
            Role = EventRole.Responder,
            Action = EventAction.Suspend,
            Reason = "needs a road closure permit",
            StateBefore = EventState.Accepted,
            StateAfter = EventState.Suspended,
            Origin = "mobile",
        });
        suspension.Details.Should().Equal(new Dictionary<string, string> { [AuditDetails.Approver] = "operator" });
        Trail()[2].Details.Should().Equal(new Dictionary<string, string> { [AuditDetails.Department] = "water", [AuditDetails.Assignee] = "li.water" });
        Trail()[0].Should().BeEquivalentTo(new { Action = EventAction.Report, StateBefore = (EventState?)null, AttachmentSha256s = new[] { Photo } });
    }

    [Theory]
    [MemberData(nameof(EveryFieldOfEveryEntry))]
    public void Changing_any_field_of_any_entry_is_found_at_that_entry(string field, int index)
    {
        var verification = AuditChain.Verify(With(Trail(), index, Edits[field]));

        verification.Should().BeEquivalentTo(new { IsValid = false, Index = index, Kind = AuditBreakKind.ContentChanged });
    }

    [Fact]
    public void An_entry_edited_and_rehashed_breaks_the_link_of_the_next()
    {
        var trail = With(Trail(), 2, e => e with { Actor = "someone.else" });
        trail[2] = trail[2] with { Hash = AuditChain.ComputeHash(trail[2]) };

        AuditChain.Verify(trail).Should().BeEquivalentTo(new { Index = 3, Kind = AuditBreakKind.BrokenLink });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_removed_entry_is_found_where_it_is_missing(int index)
    {
        var trail = Trail();
        trail.RemoveAt(index);

        AuditChain.Verify(trail).Should().BeEquivalentTo(new { Index = index, Kind = AuditBreakKind.EntryMissing });
    }

    [Fact]
    public void A_run_of_entries_cut_out_of_the_middle_is_found_where_it_starts()
    {
        var trail = Trail();
        trail.RemoveRange(2, 3);

        AuditChain.Verify(trail).Should().BeEquivalentTo(new { Index = 2, Kind = AuditBreakKind.EntryMissing });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    public void Two_swapped_entries_are_found_at_the_first(int index)
    {
        var trail = Trail();
        (trail[index], trail[index + 1]) = (trail[index + 1], trail[index]);

        AuditChain.Verify(trail).Should().BeEquivalentTo(new { Index = index, Kind = AuditBreakKind.OutOfOrder });
    }

    [Fact]
    public void A_repeated_entry_is_found_where_it_repeats()
    {
        var trail = Trail();
        trail.Insert(3, trail[2]);

        AuditChain.Verify(trail).Should().BeEquivalentTo(new { Index = 3, Kind = AuditBreakKind.OutOfOrder });
    }

    [Fact]
    public void A_cut_off_tail_is_found_against_an_anchor_taken_before()
    {
        var trail = Trail();
        var anchor = AuditChain.Anchor(trail);
        trail.RemoveRange(3, 3);

        AuditChain.Verify(trail).IsValid.Should().BeTrue("a chain alone cannot tell its tail was cut");
        AuditChain.Verify(trail, anchor).Should().BeEquivalentTo(new { IsValid = false, Index = 3, Kind = AuditBreakKind.Truncated });
    }

    [Fact]
    public void A_trail_rewritten_and_rehashed_from_some_entry_on_is_found_against_an_anchor()
    {
        var original = Trail();
        var anchor = AuditChain.Anchor(original);
        var forged = original.Take(3).ToList();
        foreach (var entry in original.Skip(3))
        {
            var record = new AuditRecord(entry.At, entry.Actor == "li.water" ? "someone.else" : entry.Actor, entry.Role, entry.Action, entry.Reason, entry.StateBefore, entry.StateAfter, entry.AttachmentSha256s, entry.Origin, entry.Details);
            forged.Add(AuditChain.Append(forged, record));
        }

        AuditChain.Verify(forged).IsValid.Should().BeTrue();
        AuditChain.Verify(forged, anchor).Should().BeEquivalentTo(new { Index = 5, Kind = AuditBreakKind.AnchorMismatch });
    }

    [Fact]
    public void A_trail_that_grew_after_its_anchor_still_verifies_against_it()
    {
        var trail = Trail();
        var anchor = AuditChain.Anchor(trail.Take(4).ToList());

        AuditChain.Verify(trail, anchor).Should().Be(AuditVerification.Valid);
        AuditChain.Verify([], AuditChain.Anchor([])).Should().Be(AuditVerification.Valid);
    }

    [Fact]
    public void The_encoding_is_unambiguous_where_text_could_shift_between_fields()
    {
        var entry = Trail()[1];

        AuditChain.ComputeHash(entry with { Actor = "ab", Reason = "c" }).Should().NotBe(AuditChain.ComputeHash(entry with { Actor = "a", Reason = "bc" }));
        AuditChain.ComputeHash(entry with { Reason = null }).Should().NotBe(AuditChain.ComputeHash(entry with { Reason = "" }));
        AuditChain.ComputeHash(entry with { Details = new Dictionary<string, string> { ["a"] = "b" } })
            .Should().NotBe(AuditChain.ComputeHash(entry with { Details = new Dictionary<string, string> { ["ab"] = "" } }));
    }

    [Fact]
    public void The_order_details_were_given_in_does_not_change_the_hash()
    {
        var entry = Trail()[2];

        AuditChain.ComputeHash(entry with { Details = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" } })
            .Should().Be(AuditChain.ComputeHash(entry with { Details = new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" } }));
    }

    /// <remarks>The expected hash was computed by a separate implementation of the encoding documented on <see cref="AuditChain"/>.</remarks>
    [Fact]
    public void The_hash_of_a_known_entry_never_changes_so_stored_trails_stay_verifiable()
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
            "");

        AuditChain.ComputeHash(entry).Should().Be("7ce1bbacb8ff2e1120a82ab7bbd7e9587f69cf601d83d8b77f5186a0921c68f0");
    }

    [Fact]
    public void The_trail_keeps_what_was_appended_even_if_the_caller_s_lists_change_later()
    {
        var photos = new List<string> { Photo };
        var details = new Dictionary<string, string> { [AuditDetails.Department] = "water" };
        var trail = new List<AuditEntry>();
        trail.Add(AuditChain.Append(trail, new AuditRecord(T0, "operator", EventRole.Operator, EventAction.Report, null, null, EventState.Reported, photos, null, details)));

        photos.Add(OtherPhoto);
        details[AuditDetails.Department] = "gas";

        AuditChain.Verify(trail).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData("not a hash")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void An_attachment_must_be_named_by_its_sha_256(string attachment)
    {
        var append = () => AuditChain.Append([], new AuditRecord(T0, "operator", EventRole.Operator, EventAction.Report, null, null, EventState.Reported, [attachment], null, new Dictionary<string, string>()));

        append.Should().Throw<ArgumentException>().WithMessage("*64 lowercase hex*");
    }

    [Fact]
    public void Text_that_is_not_valid_unicode_is_refused_on_append_and_found_as_an_edit()
    {
        var record = new AuditRecord(T0, "operator\ud800", EventRole.Operator, EventAction.Report, null, null, EventState.Reported, [], null, new Dictionary<string, string>());
        var trail = Trail();
        trail[1] = trail[1] with { Reason = "\udc00" };

        var append = () => AuditChain.Append([], record);

        append.Should().Throw<ArgumentException>();
        AuditChain.Verify(trail).Should().BeEquivalentTo(new { Index = 1, Kind = AuditBreakKind.ContentChanged });
    }
}
