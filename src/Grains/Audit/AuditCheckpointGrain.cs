using CityOps.Crypto;
using CityOps.Grains.Interfaces.Audit;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;

namespace CityOps.Grains.Audit;

/// <summary>
/// One day's signed audit checkpoint. The case indexes name the cases changed in the day; each case answers its trail's
/// head (count and last hash, from memory or its stored trail); the day's month of the administration audit answers its
/// own. The text (<see cref="CheckpointText"/>) is signed with SM2 and stored, so the day's checkpoint is served again
/// after a restart.
/// </summary>
public sealed class AuditCheckpointGrain(
    [PersistentState("auditCheckpoint", "Default")] IPersistentState<AuditCheckpointState> state,
    CheckpointKey key,
    TimeProvider clock) : Grain, IAuditCheckpointGrain
{
    /// <summary>Cases asked at once: a day of a large city has thousands of changed cases.</summary>
    private const int Parallel = 64;

    private string Day => this.GetPrimaryKeyString();

    public async Task<AuditCheckpoint> Create(IReadOnlyList<string> districts)
    {
        ArgumentNullException.ThrowIfNull(districts);
        var start = AuditDays.StartOf(Day) ?? throw new ArgumentException($"'{Day}' is not a day ({AuditDays.Format}).");
        var now = clock.GetUtcNow();
        // Exclusive: the day's end, or just after now for a day still going on (a change made this very instant counts).
        var until = start.AddDays(1) <= now ? start.AddDays(1) : now.AddTicks(1);
        var changed = (await Task.WhenAll(districts.Select(d => GrainFactory.GetGrain<IEventIndexGrain>(d).ChangedBetween(start, until))))
            .SelectMany(ids => ids).Distinct(StringComparer.Ordinal).ToList();
        var heads = new List<CheckpointHead>();
        foreach (var batch in changed.Chunk(Parallel))
        {
            var anchors = await Task.WhenAll(batch.Select(id => GrainFactory.GetGrain<IUrbanEventGrain>(id).AuditHead()));
            heads.AddRange(batch.Zip(anchors, (id, a) => new CheckpointHead("case/" + id, a.Count, a.HeadHash)));
        }

        var month = AdminAuditMonths.Of(start);
        var admin = await GrainFactory.GetGrain<IAdminAuditGrain>(month).Head();
        heads.Add(new CheckpointHead("admin/" + month, admin.Count, admin.HeadHash));

        var text = CheckpointText.Write(Day, now, heads);
        var file = CheckpointFile.Sign(text, key.PrivateKey);
        state.State.Checkpoint = new AuditCheckpoint(Day, now, heads.Count, text, file.Signature, file.PublicKey);
        await state.WriteStateAsync();
        return state.State.Checkpoint;
    }

    public async Task<AuditCheckpoint> Close(IReadOnlyList<string> districts)
    {
        var end = (AuditDays.StartOf(Day) ?? throw new ArgumentException($"'{Day}' is not a day ({AuditDays.Format}).")).AddDays(1);
        if (clock.GetUtcNow() < end)
        {
            throw new InvalidOperationException($"Day {Day} is not over yet.");
        }

        return state.State.Checkpoint is { } made && made.At >= end ? made : await Create(districts);
    }

    public Task<AuditCheckpoint?> Get() => Task.FromResult(state.State.Checkpoint);

    public Task<string> PublicKey() => Task.FromResult(key.PublicKey);
}

[GenerateSerializer]
public sealed class AuditCheckpointState
{
    [Id(0)] public AuditCheckpoint? Checkpoint { get; set; }
}
