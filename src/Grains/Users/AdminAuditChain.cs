using CityOps.Crypto;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Users;

namespace CityOps.Grains.Users;

/// <summary>
/// The administration audit's chain: entries are numbered, linked and hashed exactly as a case's
/// audit trail (<see cref="AuditChain"/>, its canonical encoding and its verification), with the
/// version string <c>cityops/admin-audit/v1</c> and the fields in the order sequence, at (UTC ticks,
/// offset minutes), actor, action, subject, succeeded (the string <c>true</c> or <c>false</c>), origin,
/// details (count, then pairs in ordinal order of the keys), previous hash. An SM3 entry (国密 mode) starts instead with
/// <c>cityops/admin-audit/v2</c> and the algorithm's name, then the same fields; an entry that records no algorithm is SHA-256.
/// </summary>
public static class AdminAuditChain
{
    public const string Version = "cityops/admin-audit/v1";

    public const string VersionWithAlgorithm = "cityops/admin-audit/v2";

    public static AdminAuditEntry Append(IReadOnlyList<AdminAuditEntry> trail, AdminAuditRecord record, string algorithm = ChainDigests.Sha256)
    {
        ArgumentNullException.ThrowIfNull(trail);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Actor, nameof(record));
        if (!ChainDigests.IsKnown(algorithm))
        {
            throw new ArgumentException($"Unknown hash algorithm '{algorithm}'.", nameof(algorithm));
        }

        var entry = new AdminAuditEntry(
            trail.Count,
            record.At,
            record.Actor,
            record.Action,
            record.Subject,
            record.Succeeded,
            record.Origin,
            new Dictionary<string, string>(record.Details),
            trail.Count == 0 ? AuditChain.GenesisHash : trail[^1].Hash,
            "",
            algorithm);
        return entry with { Hash = ComputeHash(entry) };
    }

    public static string ComputeHash(AdminAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var algorithm = entry.HashAlgorithm ?? ChainDigests.Default;
        using var hash = ChainDigests.Create(algorithm);
        var writer = new AuditChain.CanonicalWriter(hash);
        if (algorithm == ChainDigests.Sha256)
        {
            writer.WriteText(Version);
        }
        else
        {
            writer.WriteText(VersionWithAlgorithm);
            writer.WriteText(algorithm);
        }

        writer.WriteInt64(entry.Sequence);
        writer.WriteInt64(entry.At.UtcTicks);
        writer.WriteInt32((int)(entry.At.Offset.Ticks / TimeSpan.TicksPerMinute));
        writer.WriteText(entry.Actor);
        writer.WriteText(entry.Action);
        writer.WriteText(entry.Subject);
        writer.WriteText(entry.Succeeded ? "true" : "false");
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

    public static Interfaces.Events.AuditVerification Verify(IReadOnlyList<AdminAuditEntry> trail, Interfaces.Events.AuditAnchor? anchor = null) =>
        AuditChain.Verify(trail, e => AuditChain.HashOrNull(e, ComputeHash), anchor);
}
