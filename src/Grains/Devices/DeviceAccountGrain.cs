using CityOps.Crypto;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// A device's credentials. A device with its own stored account (provisioned over HTTP, registered by an
/// earlier version one grain per device, or revoked before it was ever registered) is answered from that row,
/// which is read first; any other is answered from its registry shard (<see cref="IDeviceRegistryGrain"/>), where
/// a city's devices are registered in bulk. Asked at connect, and by the gateway whether the device is revoked
/// once a revocation check interval (Mqtt:RevocationCheckInterval); an account its shard answers for leaves memory once
/// answered, any other when idle.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class DeviceAccountGrain([PersistentState("deviceAccount", "Default")] IPersistentState<DeviceAccountState> state, CryptoSettings crypto)
    : Grain, IDeviceAccountGrain
{
    private DeviceAccountState Account => state.State;

    /// <summary>Whether the device has an account row of its own, which then decides.</summary>
    private bool OwnAccount => state.RecordExists;

    private IDeviceRegistryGrain Registry => DeviceRegistry.Of(GrainFactory, this.GetPrimaryKeyString());

    public async Task EnsureRegistered(DeviceKind kind, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (Account.Revoked || (Account.Kind == kind && Verifies(secret)))
        {
            return;
        }

        await SetSecretAsync(kind, secret);
    }

    public async Task<bool> TryCreate(DeviceKind kind, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (Account.Revoked || Account.SecretHash is not null || (!OwnAccount && await Registry.FindAccount(this.GetPrimaryKeyString()) is not null))
        {
            return false;
        }

        await SetSecretAsync(kind, secret);
        return true;
    }

    public async Task Revoke()
    {
        if (OwnAccount || !await Registry.Revoke(this.GetPrimaryKeyString()))
        {
            Account.Revoked = true;
            Account.Salt = null;
            Account.SecretHash = null;
            await state.WriteStateAsync();
        }

        // Stored first: every gateway cuts the device off now, and one that misses this finds out at its
        // next revocation check (Mqtt:RevocationCheckInterval).
        await GrainFactory.GetGrain<Interfaces.Gateway.IGatewayDirectoryGrain>(0).Revoke(this.GetPrimaryKeyString());
    }

    public async ValueTask<DeviceKind?> Authenticate(string secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        if (OwnAccount)
        {
            return !Account.Revoked && Verifies(secret) ? Account.Kind : null;
        }

        return await FromRegistryAsync() is { Revoked: false, Salt: { } salt, SecretHash: { } hash } registered
            && DeviceSecretHasher.Verify(secret, salt, hash)
            ? registered.Kind
            : null;
    }

    /// <summary>A revoked device keeps its kind, so its twin and history stay visible.</summary>
    public async ValueTask<DeviceKind?> GetKind() =>
        OwnAccount ? Account.Kind : (await FromRegistryAsync())?.Kind;

    public async ValueTask<DigestCredential?> GetDigest() =>
        OwnAccount ? null : await FromRegistryAsync() is { Revoked: false, Digest: { } digest } ? digest : null;

    public async ValueTask<bool> IsRevoked() =>
        OwnAccount ? Account.Revoked : (await FromRegistryAsync())?.Revoked ?? false;

    public async ValueTask<AccountStanding?> GetStanding()
    {
        if (OwnAccount)
        {
            return Account.Kind is { } kind ? new AccountStanding(kind, Account.Revoked, InRegistry: false) : null;
        }

        return await FromRegistryAsync() is { } registered
            ? new AccountStanding(registered.Kind, registered.Revoked, InRegistry: true)
            : null;
    }

    /// <summary>
    /// The device as its registry shard has it, for an account without a row of its own. Such an account holds nothing
    /// the shard does not, so it leaves memory once answered rather than after the idle age: a city coming online asks
    /// this of every device, at every connection (about 2 KB an activation, a million of them).
    /// </summary>
    private ValueTask<RegisteredAccount?> FromRegistryAsync()
    {
        DeactivateOnIdle();
        return Registry.FindAccount(this.GetPrimaryKeyString());
    }

    private bool Verifies(string secret) =>
        Account.SecretHash is { } hash && DeviceSecretHasher.Verify(secret, Account.Salt!, hash);

    private async Task SetSecretAsync(DeviceKind kind, string secret)
    {
        var (salt, hash) = DeviceSecretHasher.Hash(secret, crypto.Mode);
        Account.Kind = kind;
        Account.Salt = salt;
        Account.SecretHash = hash;
        await state.WriteStateAsync();
    }
}

[GenerateSerializer]
public sealed class DeviceAccountState
{
    [Id(0)] public DeviceKind? Kind { get; set; }
    [Id(1)] public byte[]? Salt { get; set; }
    [Id(2)] public byte[]? SecretHash { get; set; }
    [Id(3)] public bool Revoked { get; set; }
}
