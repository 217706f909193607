using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

public sealed class DeviceAccountGrain([PersistentState("deviceAccount", "Default")] IPersistentState<DeviceAccountState> state)
    : Grain, IDeviceAccountGrain
{
    public async Task EnsureRegistered(DeviceKind kind, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var current = state.State;
        if (current.Kind == kind && current.SecretHash is { } hash && DeviceSecretHasher.Verify(secret, current.Salt!, hash))
        {
            return;
        }

        var (salt, newHash) = DeviceSecretHasher.Hash(secret);
        current.Kind = kind;
        current.Salt = salt;
        current.SecretHash = newHash;
        await state.WriteStateAsync();
    }

    public ValueTask<DeviceKind?> Authenticate(string secret)
    {
        var current = state.State;
        var ok = current.SecretHash is { } hash && !string.IsNullOrEmpty(secret) && DeviceSecretHasher.Verify(secret, current.Salt!, hash);
        return ValueTask.FromResult(ok ? current.Kind : null);
    }

    public ValueTask<DeviceKind?> GetKind() => ValueTask.FromResult(state.State.SecretHash is null ? null : state.State.Kind);
}

[GenerateSerializer]
public sealed class DeviceAccountState
{
    [Id(0)] public DeviceKind? Kind { get; set; }
    [Id(1)] public byte[]? Salt { get; set; }
    [Id(2)] public byte[]? SecretHash { get; set; }
}
