using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class DeviceAccountGrain([PersistentState("deviceAccount", "Default")] IPersistentState<DeviceAccountState> state)
    : Grain, IDeviceAccountGrain
{
    private DeviceAccountState Account => state.State;

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
        if (Account.Revoked || Account.SecretHash is not null)
        {
            return false;
        }

        await SetSecretAsync(kind, secret);
        return true;
    }

    public async Task Revoke()
    {
        Account.Revoked = true;
        Account.Salt = null;
        Account.SecretHash = null;
        await state.WriteStateAsync();
    }

    public ValueTask<DeviceKind?> Authenticate(string secret) =>
        ValueTask.FromResult(!Account.Revoked && !string.IsNullOrEmpty(secret) && Verifies(secret) ? Account.Kind : null);

    /// <summary>A revoked device keeps its kind, so its twin and history stay visible.</summary>
    public ValueTask<DeviceKind?> GetKind() => ValueTask.FromResult(Account.Kind);

    public ValueTask<bool> IsRevoked() => ValueTask.FromResult(Account.Revoked);

    private bool Verifies(string secret) =>
        Account.SecretHash is { } hash && DeviceSecretHasher.Verify(secret, Account.Salt!, hash);

    private async Task SetSecretAsync(DeviceKind kind, string secret)
    {
        var (salt, hash) = DeviceSecretHasher.Hash(secret);
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
