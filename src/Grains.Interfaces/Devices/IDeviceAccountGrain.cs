using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// A device's credentials, keyed by device id. Kept apart from the twin so that a gateway can
/// authenticate a connection and learn which twin to feed without touching live state.
/// </summary>
public interface IDeviceAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers the device with its secret; a repeat with the same kind and secret writes nothing.
    /// A revoked device stays revoked.
    /// </summary>
    Task EnsureRegistered(DeviceKind kind, string secret);

    /// <summary>Registers a new device; false when the id is taken (registered or revoked).</summary>
    Task<bool> TryCreate(DeviceKind kind, string secret);

    /// <summary>Refuses the device from now on; its secret is forgotten.</summary>
    Task Revoke();

    /// <summary>The device's kind when the secret is right; null for a wrong secret, an unknown or a revoked device.</summary>
    ValueTask<DeviceKind?> Authenticate(string secret);

    /// <summary>The device's kind, or null when no such device was ever registered.</summary>
    ValueTask<DeviceKind?> GetKind();

    /// <summary>
    /// The SIP digest credential of a GB/T 28181 device registered with one (<see cref="DigestCredential"/>); null for an
    /// unknown or revoked device, or one registered without (a device provisioned over HTTP has none).
    /// </summary>
    ValueTask<DigestCredential?> GetDigest();

    /// <summary>Whether the device's account was revoked: the gateway then refuses its messages on every path.</summary>
    ValueTask<bool> IsRevoked();

    /// <summary>
    /// The device's kind, whether it is revoked, and whether its registry shard answers for it (so that the gateway can
    /// ask the shard again later instead of keeping this account in memory); null when no such device was ever registered.
    /// </summary>
    ValueTask<AccountStanding?> GetStanding();
}

/// <summary>What a gateway learns of a device's account when it first meets the device.</summary>
/// <param name="InRegistry">True when the account has no row of its own and its registry shard answers for it.</param>
[GenerateSerializer, Immutable]
public sealed record AccountStanding([property: Id(0)] DeviceKind Kind, [property: Id(1)] bool Revoked, [property: Id(2)] bool InRegistry);
