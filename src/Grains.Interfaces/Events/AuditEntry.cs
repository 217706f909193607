namespace CityOps.Grains.Interfaces.Events;

/// <summary>
/// One entry of a case's append-only audit trail (全程留痕): who did what, when, from where and why.
/// <see cref="Hash"/> is the hash (<see cref="HashAlgorithm"/>: SHA-256 or SM3) of every other field,
/// <see cref="PreviousHash"/> included, so editing, removing or reordering an entry breaks the chain where it happened.
/// </summary>
/// <param name="Sequence">The entry's position in the trail, from 0 (the report).</param>
/// <param name="Role">The role the action was taken under.</param>
/// <param name="StateBefore">Null for the report that opened the case.</param>
/// <param name="AttachmentSha256s">SHA-256 (lowercase hex) of the evidence files attached to the action.</param>
/// <param name="Origin">Where the action came from (client address, device, channel).</param>
/// <param name="Details">Facts particular to the action, keyed by the <see cref="AuditDetails"/> names.</param>
/// <param name="PreviousHash">The previous entry's hash; 64 zeros for the first entry.</param>
/// <param name="HashAlgorithm">How <see cref="Hash"/> was computed: <c>sha256</c> or <c>sm3</c> (国密 mode); null in entries
/// written before entries recorded it, which are SHA-256. Each entry keeps its own, so a trail that crosses a change of
/// <c>Crypto:Mode</c> still verifies.</param>
/// <param name="AttachmentSm3s">In 国密 mode, the SM3 digests (lowercase hex) of the evidence files, in the order of
/// <see cref="AttachmentSha256s"/>; null otherwise.</param>
[GenerateSerializer, Immutable]
public sealed record AuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] EventRole Role,
    [property: Id(4)] EventAction Action,
    [property: Id(5)] string? Reason,
    [property: Id(6)] EventState? StateBefore,
    [property: Id(7)] EventState StateAfter,
    [property: Id(8)] string[] AttachmentSha256s,
    [property: Id(9)] string? Origin,
    [property: Id(10)] Dictionary<string, string> Details,
    [property: Id(11)] string PreviousHash,
    [property: Id(12)] string Hash,
    [property: Id(13)] string? HashAlgorithm = null,
    [property: Id(14)] string[]? AttachmentSm3s = null) : IChainedEntry;

/// <summary>
/// An entry of a hash chain: its place, the hash of the entry before it and its own hash. Case audit
/// trails and the administration audit are both such chains, verified by the same rule (<c>AuditChain.Verify</c>).
/// </summary>
public interface IChainedEntry
{
    long Sequence { get; }

    string PreviousHash { get; }

    string Hash { get; }
}

/// <summary>The keys of <see cref="AuditEntry.Details"/>.</summary>
public static class AuditDetails
{
    /// <summary>Who approved a suspension.</summary>
    public const string Approver = "approver";

    /// <summary>The department a case was dispatched to.</summary>
    public const string Department = "department";

    /// <summary>The responder a dispatch named.</summary>
    public const string Assignee = "assignee";

    /// <summary>The case a duplicate was merged into.</summary>
    public const string Primary = "primary";

    /// <summary>On a duplicate report counted on a case: how many reports the case counts now.</summary>
    public const string Reports = "reports";

    /// <summary>On a duplicate report counted on a case: the duplicate case folded into it, if it was one.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>On a suspension asked for without approval: <c>requested</c>.</summary>
    public const string Approval = "approval";
}

/// <summary>
/// A checkpoint of a trail: how many entries it had and the hash of the last one. Kept apart from
/// the trail (where whoever could rewrite the trail cannot), it reveals a cut-off tail or a trail
/// rewritten and re-hashed from some entry on, which the chain alone cannot.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AuditAnchor(
    [property: Id(0)] long Count,
    [property: Id(1)] string HeadHash);

/// <summary>What is wrong at the first broken place of a trail.</summary>
public enum AuditBreakKind
{
    /// <summary>The entry's fields no longer give its hash: it was edited.</summary>
    ContentChanged,

    /// <summary>The entry expected here is not in the trail: it was removed, alone or with others.</summary>
    EntryMissing,

    /// <summary>The entry expected here is later in the trail, or this one appears twice: entries were reordered or repeated.</summary>
    OutOfOrder,

    /// <summary>The entry does not name the previous entry's hash: one of the two was rewritten.</summary>
    BrokenLink,

    /// <summary>The trail is shorter than its anchor: its tail was cut off.</summary>
    Truncated,

    /// <summary>The entry the anchor names has another hash: the trail was rewritten up to it.</summary>
    AnchorMismatch,
}

/// <summary>The result of verifying a trail: valid, or the first broken place (index into the list) and what is wrong.</summary>
[GenerateSerializer, Immutable]
public sealed record AuditVerification(
    [property: Id(0)] bool IsValid,
    [property: Id(1)] int? Index,
    [property: Id(2)] AuditBreakKind? Kind,
    [property: Id(3)] string? Detail)
{
    public static AuditVerification Valid { get; } = new(true, null, null, null);

    public static AuditVerification Broken(int index, AuditBreakKind kind, string detail) => new(false, index, kind, detail);
}
