using CityOps.Crypto;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Devices;

/// <summary>
/// One shard of the device register (<see cref="IDeviceRegistryGrain"/>): a city's devices are registered here
/// in bulk, one call and at most one write per shard, and read by the account grain and the twin of a device
/// that has no stored state of its own.
/// </summary>
public sealed class DeviceRegistryGrain(
    [PersistentState("deviceRegistry", "Default")] IPersistentState<DeviceRegistryState> state,
    CryptoSettings crypto,
    ProfileParts parts)
    : Grain, IDeviceRegistryGrain
{
    private Dictionary<string, RegisteredDevice> Devices => state.State.Devices;

    /// <summary>
    /// A shard read from its row holds a copy of every part its devices have alike, and of each id twice (the key and the
    /// profile's): its profiles take the silo's shared parts instead, and the profile's id is the key.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Devices.Count > 0)
        {
            var shared = new Dictionary<string, RegisteredDevice>(Devices.Count, Devices.Comparer);
            foreach (var (id, device) in Devices)
            {
                shared.Add(device.Profile?.Id ?? id, device.Profile is { } profile ? device with { Profile = parts.Share(profile) } : device);
            }

            state.State.Devices = shared;
        }

        return Task.CompletedTask;
    }

    public async Task<RegistryChange[]> Register(DeviceEnrolment[] devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        List<RegistryChange>? changes = null;
        var written = false;
        foreach (var (profile, secret, digest) in devices)
        {
            ArgumentException.ThrowIfNullOrEmpty(secret);
            if (DeviceRegistry.ShardOf(profile.Id) != this.GetPrimaryKeyLong())
            {
                throw new ArgumentException($"Device '{profile.Id}' belongs to shard {DeviceRegistry.ShardOf(profile.Id)}, not {this.GetPrimaryKeyLong()}.", nameof(devices));
            }

            if (!Devices.TryGetValue(profile.Id, out var known))
            {
                var (salt, hash) = DeviceSecretHasher.Hash(secret, crypto.Mode);
                Devices[profile.Id] = new RegisteredDevice(profile.Kind, salt, hash, false, profile, digest);
                written = true;
                continue;
            }

            var next = known;
            // A revoked device stays revoked, whatever the file says.
            if (!known.Revoked && (known.Kind != profile.Kind || !Verifies(known, secret)))
            {
                var (salt, hash) = DeviceSecretHasher.Hash(secret, crypto.Mode);
                next = next with { Kind = profile.Kind, Salt = salt, SecretHash = hash };
            }

            if (!known.Revoked && known.Digest != digest)
            {
                next = next with { Digest = digest };
            }

            if (known.Profile != profile)
            {
                next = next with { Kind = profile.Kind, Profile = profile };
                (changes ??= []).Add(new RegistryChange(profile, known.Profile?.CellCode));
            }

            if (!ReferenceEquals(next, known))
            {
                Devices[profile.Id] = next;
                written = true;
            }
            else if (!ReferenceEquals(known.Profile, profile))
            {
                // The same profile read from the shard's row: the import's copy shares its parts with other devices
                // (ProfileParts), so it is kept, its id the key too, and the row's copy left; nothing changed to write.
                Devices.Remove(profile.Id);
                Devices.Add(profile.Id, known with { Profile = profile });
            }
        }

        if (written)
        {
            await state.WriteStateAsync();
        }

        // The shard stays: a city's devices come online after its import, and each of their twins and the gateway ask it.
        // Left and read again, every shard's devices would be built twice, the first copy garbage among long-lived state.
        return changes is null ? [] : [.. changes];
    }

    public ValueTask<RegisteredAccount?> FindAccount(string deviceId) => ValueTask.FromResult(
        Devices.TryGetValue(deviceId, out var device) ? new RegisteredAccount(device.Kind, device.Salt, device.SecretHash, device.Revoked, device.Digest) : null);

    public ValueTask<bool?> IsRevoked(string deviceId) =>
        ValueTask.FromResult(Devices.TryGetValue(deviceId, out var device) ? device.Revoked : (bool?)null);

    public ValueTask<DeviceProfile?> GetProfile(string deviceId) =>
        ValueTask.FromResult(Devices.TryGetValue(deviceId, out var device) ? device.Profile : null);

    public ValueTask<DevicePlace[]> GetPlaces() => ValueTask.FromResult<DevicePlace[]>(
    [
        .. Devices.Values
            .Where(d => !d.Revoked && d.Profile is not null)
            .Select(d => new DevicePlace(d.Profile!.Id, d.Profile.Kind, d.Profile.Longitude, d.Profile.Latitude, d.Profile.CellCode)),
    ]);

    public async Task<bool> Revoke(string deviceId)
    {
        if (!Devices.TryGetValue(deviceId, out var device))
        {
            return false;
        }

        if (!device.Revoked)
        {
            Devices[deviceId] = device with { Revoked = true, Salt = null, SecretHash = null, Digest = null };
            await state.WriteStateAsync();
        }

        return true;
    }

    private static bool Verifies(RegisteredDevice device, string secret) =>
        device is { Salt: { } salt, SecretHash: { } hash } && DeviceSecretHasher.Verify(secret, salt, hash);
}

/// <summary>The devices of one registry shard, by id.</summary>
[GenerateSerializer]
public sealed class DeviceRegistryState
{
    [Id(0)] public Dictionary<string, RegisteredDevice> Devices { get; set; } = [];
}

/// <summary>A registered device: its account (kind, salted secret hash, revoked, a GB device's digest credential) and its profile.</summary>
[GenerateSerializer]
public sealed record RegisteredDevice(
    [property: Id(0)] DeviceKind Kind,
    [property: Id(1)] byte[]? Salt,
    [property: Id(2)] byte[]? SecretHash,
    [property: Id(3)] bool Revoked,
    [property: Id(4)] DeviceProfile? Profile,
    [property: Id(5)] DigestCredential? Digest = null);
