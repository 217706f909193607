using System.Buffers.Binary;
using System.Text;
using CityOps.Crypto;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>The facts of one audit entry, before the chain numbers and hashes it.</summary>
public sealed record AuditRecord(
    DateTimeOffset At,
    string Actor,
    EventRole Role,
    EventAction Action,
    string? Reason,
    EventState? StateBefore,
    EventState StateAfter,
    IReadOnlyList<string> AttachmentSha256s,
    string? Origin,
    IReadOnlyDictionary<string, string> Details)
{
    /// <summary>In 国密 mode, the attachments' SM3 digests in the order of <see cref="AttachmentSha256s"/>.</summary>
    public IReadOnlyList<string>? AttachmentSm3s { get; init; }

    /// <summary>The entry that opens a case: its report at intake.</summary>
    public static AuditRecord ForReport(DateTimeOffset at, EventActor actor, EventRole role, string? origin, IReadOnlyList<string>? attachmentSha256s = null, IReadOnlyList<string>? attachmentSm3s = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return new(at, actor.Username, role, EventAction.Report, null, null, EventState.Reported, attachmentSha256s ?? [], origin, new Dictionary<string, string>())
        {
            AttachmentSm3s = attachmentSm3s,
        };
    }

    /// <summary>The entry of an allowed action, with the facts of its request (approver, department, assignee, primary case).</summary>
    public static AuditRecord ForAction(DateTimeOffset at, EventActor actor, EventActionRequest request, LifecycleStatus before, LifecycleDecision decision)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsAllowed || decision.Role is not { } role)
        {
            throw new ArgumentException("Only an action decided and allowed for an actor is audited.", nameof(decision));
        }

        var details = new Dictionary<string, string>();
        Add(details, AuditDetails.Approver, request.Approver?.Username);
        Add(details, AuditDetails.Department, request.Department);
        Add(details, AuditDetails.Assignee, request.Assignee);
        Add(details, AuditDetails.Primary, request.PrimaryEventId);
        return new(at, actor.Username, role, request.Action, request.Reason, before.State, decision.Next.State, request.AttachmentSha256s ?? [], request.Origin, details)
        {
            AttachmentSm3s = request.AttachmentSm3s,
        };

        static void Add(Dictionary<string, string> details, string key, string? value)
        {
            if (value is not null)
            {
                details[key] = value;
            }
        }
    }
}

/// <summary>
/// The append-only, hash-chained audit trail of a case. An entry's hash is the SHA-256 or, in 国密 mode, the SM3
/// (lowercase hex; the entry records which in <see cref="AuditEntry.HashAlgorithm"/>) of a canonical encoding of all
/// its other fields, the previous entry's hash included, so anyone can recompute it from the entries alone. The
/// encoding is unambiguous (every value is typed and length-prefixed, so no two different entries encode alike):
/// <list type="bullet">
/// <item>a string is the byte 0 when null, else the byte 1, its UTF-8 length as a big-endian int32 and its UTF-8 bytes;</item>
/// <item>an integer is big-endian: the sequence as int64, the time as its UTC ticks (int64) and offset minutes (int32);</item>
/// <item>roles, actions and states are strings of their API names (<c>operator</c>, <c>register</c>, <c>reported</c>);</item>
/// <item>a list is its count as an int32 and its items; the details are their count and the pairs
/// key, value in ordinal order of the keys;</item>
/// <item>the fields follow the version string <c>cityops/audit/v1</c> in the order sequence, at,
/// actor, role, action, reason, state before, state after, attachments, origin, details, previous hash.</item>
/// <item>an SM3 entry (<c>sm3</c>) is encoded as <c>cityops/audit/v2</c>: that version string, the algorithm's name, then
/// the fields of v1 with the attachments' SM3 digests (a list) after the attachments. A SHA-256 entry, recorded as
/// <c>sha256</c> or recording nothing (written earlier), is encoded as v1, so earlier trails keep their hashes.</item>
/// </list>
/// </summary>
public static class AuditChain
{
    public const string Version = "cityops/audit/v1";

    /// <summary>The encoding of entries hashed with another algorithm than SHA-256 (SM3).</summary>
    public const string VersionWithAlgorithm = "cityops/audit/v2";

    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>Strict: text that is not valid Unicode (a lone surrogate) is refused rather than encoded like other text.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The next entry of a trail: numbered after the last one, linked to it and hashed.</summary>
    /// <param name="algorithm">The hash of the new entry (<see cref="ChainDigests"/>): the one <c>Crypto:Mode</c> gives.</param>
    public static AuditEntry Append(IReadOnlyList<AuditEntry> trail, AuditRecord record, string algorithm = ChainDigests.Sha256)
    {
        ArgumentNullException.ThrowIfNull(trail);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Actor, nameof(record));
        if (!ChainDigests.IsKnown(algorithm))
        {
            throw new ArgumentException($"Unknown hash algorithm '{algorithm}'.", nameof(algorithm));
        }

        if (record.AttachmentSha256s.FirstOrDefault(h => !IsSha256Hex(h)) is { } bad)
        {
            throw new ArgumentException($"An attachment hash must be 64 lowercase hex digits, not '{bad}'.", nameof(record));
        }

        // SM3 digests of attachments are part of the v2 encoding only: an SHA-256 entry records none.
        var sm3s = algorithm == ChainDigests.Sha256 ? null : record.AttachmentSm3s?.ToArray();
        if (sm3s is not null && (sm3s.Length != record.AttachmentSha256s.Count || sm3s.Any(h => !IsSha256Hex(h))))
        {
            throw new ArgumentException("The attachments' SM3 digests must be 64 lowercase hex digits each, one per attachment.", nameof(record));
        }

        var entry = new AuditEntry(
            trail.Count,
            record.At,
            record.Actor,
            record.Role,
            record.Action,
            record.Reason,
            record.StateBefore,
            record.StateAfter,
            // A plain array: the embedded engine's JSON storage cannot name a compiler-made collection type.
            record.AttachmentSha256s.ToArray(),
            record.Origin,
            new Dictionary<string, string>(record.Details),
            trail.Count == 0 ? GenesisHash : trail[^1].Hash,
            "",
            algorithm,
            sm3s);
        return entry with { Hash = ComputeHash(entry) };
    }

    /// <summary>The hash an entry's fields give; its stored <see cref="AuditEntry.Hash"/> plays no part.</summary>
    /// <exception cref="ArgumentException">A field holds text that is not valid Unicode, or the entry names an unknown algorithm.</exception>
    public static string ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var algorithm = entry.HashAlgorithm ?? ChainDigests.Default;
        using var hash = ChainDigests.Create(algorithm);
        var writer = new CanonicalWriter(hash);
        var v2 = algorithm != ChainDigests.Sha256;
        if (v2)
        {
            writer.WriteText(VersionWithAlgorithm);
            writer.WriteText(algorithm);
        }
        else
        {
            writer.WriteText(Version);
        }

        writer.WriteInt64(entry.Sequence);
        writer.WriteInt64(entry.At.UtcTicks);
        writer.WriteInt32((int)(entry.At.Offset.Ticks / TimeSpan.TicksPerMinute));
        writer.WriteText(entry.Actor);
        writer.WriteText(ApiNames.Of(entry.Role));
        writer.WriteText(ApiNames.Of(entry.Action));
        writer.WriteText(entry.Reason);
        writer.WriteText(entry.StateBefore is { } before ? ApiNames.Of(before) : null);
        writer.WriteText(ApiNames.Of(entry.StateAfter));
        writer.WriteInt32(entry.AttachmentSha256s.Length);
        foreach (var attachment in entry.AttachmentSha256s)
        {
            writer.WriteText(attachment);
        }

        if (v2)
        {
            var sm3s = entry.AttachmentSm3s ?? [];
            writer.WriteInt32(sm3s.Length);
            foreach (var sm3 in sm3s)
            {
                writer.WriteText(sm3);
            }
        }

        writer.WriteText(entry.Origin);
        writer.WriteInt32(entry.Details.Count);
        foreach (var (key, value) in entry.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            writer.WriteText(key);
            writer.WriteText(value);
        }

        writer.WriteText(entry.PreviousHash);
        return Convert.ToHexStringLower(hash.Finish());
    }

    /// <summary>A checkpoint of the trail as it stands, to keep where the trail's storage cannot rewrite it.</summary>
    public static AuditAnchor Anchor(IReadOnlyList<AuditEntry> trail) => Anchor<AuditEntry>(trail);

    /// <summary>The same checkpoint of any hash chain.</summary>
    public static AuditAnchor Anchor<T>(IReadOnlyList<T> trail)
        where T : IChainedEntry
    {
        ArgumentNullException.ThrowIfNull(trail);
        return new(trail.Count, trail.Count == 0 ? GenesisHash : trail[^1].Hash);
    }

    /// <summary>
    /// Checks a trail entry by entry and reports the first broken place: an edited entry (its hash),
    /// a missing or misplaced one (its sequence), a broken link (its previous hash); then, given an
    /// anchor taken earlier, a cut-off tail or a trail rewritten and re-hashed up to the anchor.
    /// </summary>
    public static AuditVerification Verify(IReadOnlyList<AuditEntry> trail, AuditAnchor? anchor = null) =>
        Verify(trail, HashOrNull, anchor);

    /// <summary>
    /// The same check for any hash chain (the administration audit too): <paramref name="hashOf"/> gives
    /// what an entry's fields hash to, or null when they cannot be encoded.
    /// </summary>
    public static AuditVerification Verify<T>(IReadOnlyList<T> trail, Func<T, string?> hashOf, AuditAnchor? anchor = null)
        where T : IChainedEntry
    {
        ArgumentNullException.ThrowIfNull(trail);
        ArgumentNullException.ThrowIfNull(hashOf);
        if (anchor is { Count: < 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(anchor), anchor.Count, "An anchor counts entries.");
        }

        for (var i = 0; i < trail.Count; i++)
        {
            var entry = trail[i];
            var computed = hashOf(entry);
            if (!string.Equals(computed, entry.Hash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(i, AuditBreakKind.ContentChanged, $"entry {i} was edited: its fields hash to {computed ?? "nothing (invalid text or an unknown algorithm)"}, it records {entry.Hash}");
            }

            if (entry.Sequence != i)
            {
                var later = trail.Skip(i + 1).Any(e => e.Sequence == i);
                return entry.Sequence > i && !later
                    ? AuditVerification.Broken(i, AuditBreakKind.EntryMissing, $"entry {i} is missing: entry {entry.Sequence} is in its place")
                    : AuditVerification.Broken(i, AuditBreakKind.OutOfOrder, $"entry {i} is out of order: entry {entry.Sequence} is in its place");
            }

            var previous = i == 0 ? GenesisHash : trail[i - 1].Hash;
            if (!string.Equals(previous, entry.PreviousHash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(i, AuditBreakKind.BrokenLink, $"entry {i} names {entry.PreviousHash} as the previous hash, the previous entry has {previous}");
            }
        }

        if (anchor is null)
        {
            return AuditVerification.Valid;
        }

        if (trail.Count < anchor.Count)
        {
            return AuditVerification.Broken(trail.Count, AuditBreakKind.Truncated, $"the anchor records {anchor.Count} entries, the trail has {trail.Count}");
        }

        var head = anchor.Count == 0 ? GenesisHash : trail[(int)anchor.Count - 1].Hash;
        return string.Equals(head, anchor.HeadHash, StringComparison.Ordinal)
            ? AuditVerification.Valid
            : AuditVerification.Broken((int)Math.Max(0, anchor.Count - 1), AuditBreakKind.AnchorMismatch, $"the anchor records {anchor.HeadHash} for entry {anchor.Count - 1}, the trail has {head}");
    }

    /// <summary>Null for an entry with invalid text, which <see cref="Append"/> never writes.</summary>
    private static string? HashOrNull(AuditEntry entry) => HashOrNull(entry, ComputeHash);

    /// <summary>An entry's hash, or null when its text is not valid Unicode (refused by the strict encoding) or its algorithm unknown.</summary>
    public static string? HashOrNull<T>(T entry, Func<T, string> computeHash)
    {
        ArgumentNullException.ThrowIfNull(computeHash);
        try
        {
            return computeHash(entry);
        }
        catch (ArgumentException)
        {
            // EncoderFallbackException is an ArgumentException too.
            return null;
        }
    }

    private static bool IsSha256Hex(string value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigitLower);

    /// <summary>
    /// The canonical encoding described above (typed, length-prefixed values), for every chain that hashes
    /// entries the same way; each chain starts its encoding with its own version string.
    /// </summary>
    public readonly struct CanonicalWriter(IChainDigest hash)
    {
        public void WriteInt32(int value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
            hash.Append(bytes);
        }

        public void WriteInt64(long value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            hash.Append(bytes);
        }

        public void WriteText(string? value)
        {
            if (value is null)
            {
                hash.Append([0]);
                return;
            }

            var bytes = Utf8.GetBytes(value);
            hash.Append([1]);
            WriteInt32(bytes.Length);
            hash.Append(bytes);
        }
    }
}
