using CityOps.Crypto;
using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.Gateway;

namespace CityOps.Grains.Gateway;

public sealed class AggregatorAccountGrain([PersistentState("aggregatorAccount", "Default")] IPersistentState<AggregatorAccountState> state, CryptoSettings crypto)
    : Grain, IAggregatorAccountGrain
{
    private AggregatorAccountState Account => state.State;

    public async Task EnsureRegistered(string secret, IReadOnlyList<string> regions)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(regions);

        // An empty code would be a prefix of every cell: the whole city by accident.
        if (regions.Count == 0 || regions.Any(r => string.IsNullOrEmpty(r) || !r.All(char.IsAsciiDigit)))
        {
            throw new ArgumentException($"Aggregator '{this.GetPrimaryKeyString()}' needs one or more region codes of digits.", nameof(regions));
        }

        var sameSecret = Account.SecretHash is { } hash && DeviceSecretHasher.Verify(secret, Account.Salt!, hash);
        if (sameSecret && Account.Regions.SequenceEqual(regions, StringComparer.Ordinal))
        {
            return;
        }

        if (!sameSecret)
        {
            (Account.Salt, Account.SecretHash) = DeviceSecretHasher.Hash(secret, crypto.Mode);
        }

        Account.Regions = [.. regions];
        await state.WriteStateAsync();
    }

    public ValueTask<bool> Authenticate(string secret) =>
        ValueTask.FromResult(!string.IsNullOrEmpty(secret) && Account.SecretHash is { } hash && DeviceSecretHasher.Verify(secret, Account.Salt!, hash));

    public ValueTask<IReadOnlyList<string>?> GetRegions() =>
        ValueTask.FromResult<IReadOnlyList<string>?>(Account.SecretHash is null ? null : Account.Regions.ToArray());
}

[GenerateSerializer]
public sealed class AggregatorAccountState
{
    [Id(0)] public byte[]? Salt { get; set; }
    [Id(1)] public byte[]? SecretHash { get; set; }
    [Id(2)] public List<string> Regions { get; set; } = [];
}
