using CityOps.Crypto;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;

namespace CityOps.Grains.Users;

/// <summary>One month of the administration audit: the trail, and its anchor in a separate state.</summary>
public sealed class AdminAuditGrain(
    [PersistentState("adminAudit", "Default")] IPersistentState<AdminAuditState> trail,
    [PersistentState("adminAuditAnchor", "Default")] IPersistentState<AuditAnchorState> anchor,
    CryptoSettings crypto) : Grain, IAdminAuditGrain
{
    public async Task<AdminAuditEntry> Append(AdminAuditRecord record)
    {
        var entry = AdminAuditChain.Append(trail.State.Entries, record, crypto.ChainDigest);
        trail.State.Entries.Add(entry);
        try
        {
            await trail.WriteStateAsync();
        }
        catch
        {
            trail.State.Entries.RemoveAt(trail.State.Entries.Count - 1);
            throw;
        }

        anchor.State.Anchor = AuditChain.Anchor(trail.State.Entries);
        await anchor.WriteStateAsync();
        return entry;
    }

    public Task<AdminAuditEntry[]> Get() => Task.FromResult(trail.State.Entries.ToArray());

    public Task<AuditAnchor> Head() => Task.FromResult(AuditChain.Anchor(trail.State.Entries));

    public Task<AuditVerification> Verify() => Task.FromResult(AdminAuditChain.Verify(trail.State.Entries, anchor.State.Anchor));
}

[GenerateSerializer]
public sealed class AdminAuditState
{
    [Id(0)] public List<AdminAuditEntry> Entries { get; set; } = [];
}
