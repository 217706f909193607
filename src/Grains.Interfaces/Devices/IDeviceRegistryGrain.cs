using System.Text;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// One shard of the city's device register, keyed by <see cref="DeviceRegistry.ShardOf"/>: the kind, salted
/// secret hash, revoked flag and profile of every device whose id hashes to it, in one stored row. A city's
/// devices are registered a shard at a time (one call and one write per shard), so neither an account nor a
/// twin is activated for a device that has not spoken yet; the account grain and the twin read from here
/// while they have no stored state of their own.
/// </summary>
public interface IDeviceRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers the shard's devices of a city file, idempotently: a device with the same kind, secret and profile
    /// changes nothing, a revoked device stays revoked, and the shard is written once if anything changed.
    /// Returns the devices already registered whose profile changed, with the cell each stood in.
    /// </summary>
    Task<RegistryChange[]> Register(DeviceEnrolment[] devices);

    /// <summary>The device's account as registered here, or null when this shard holds no such device.</summary>
    ValueTask<RegisteredAccount?> FindAccount(string deviceId);

    /// <summary>Whether the device is revoked, or null when this shard holds no such device.</summary>
    ValueTask<bool?> IsRevoked(string deviceId);

    /// <summary>The device's profile as registered here, or null when this shard holds no such device.</summary>
    ValueTask<DeviceProfile?> GetProfile(string deviceId);

    /// <summary>Refuses the device from now on (its secret is forgotten); false when this shard holds no such device.</summary>
    Task<bool> Revoke(string deviceId);

    /// <summary>Where each of the shard's registered, unrevoked devices stands, for the situation map.</summary>
    ValueTask<DevicePlace[]> GetPlaces();
}

/// <summary>A registered device's kind and place, as the situation map draws it before its twin has spoken.</summary>
[GenerateSerializer, Immutable]
public sealed record DevicePlace(
    [property: Id(0)] string Id,
    [property: Id(1)] DeviceKind Kind,
    [property: Id(2)] double Longitude,
    [property: Id(3)] double Latitude,
    [property: Id(4)] string CellCode);

/// <summary>A device of a city file as the seeder hands it to its shard.</summary>
/// <param name="Digest">For a GB/T 28181 device: its SIP digest credential, made from the secret for the access point's realm.</param>
[GenerateSerializer, Immutable]
public sealed record DeviceEnrolment([property: Id(0)] DeviceProfile Profile, [property: Id(1)] string Secret, [property: Id(2)] DigestCredential? Digest = null);

/// <summary>
/// A GB/T 28181 device's SIP digest credential: HA1 = MD5(device id:realm:secret) in hex, bound to the realm it was made
/// for. SIP digest needs HA1 (or the secret) to check a REGISTER, and secrets are kept only as salted hashes, so HA1 is
/// made at registration and kept beside the hash (docs/gb28181.md, Credentials).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DigestCredential([property: Id(0)] string Realm, [property: Id(1)] string Ha1);

/// <summary>A registered device whose profile changed; <paramref name="PreviousCell"/> is the cell it stood in before.</summary>
[GenerateSerializer, Immutable]
public sealed record RegistryChange([property: Id(0)] DeviceProfile Profile, [property: Id(1)] string? PreviousCell);

/// <summary>A device's credentials as a registry shard holds them.</summary>
[GenerateSerializer, Immutable]
public sealed record RegisteredAccount(
    [property: Id(0)] DeviceKind Kind,
    [property: Id(1)] byte[]? Salt,
    [property: Id(2)] byte[]? SecretHash,
    [property: Id(3)] bool Revoked,
    [property: Id(4)] DigestCredential? Digest = null);

/// <summary>Where a device's registration is kept.</summary>
public static class DeviceRegistry
{
    /// <summary>
    /// The number of shards. Part of the stored layout: a device's shard must stay where it was registered,
    /// so this never changes for an existing database.
    /// </summary>
    public const int Shards = 1024;

    /// <summary>The device's shard: FNV-1a of the id's UTF-8 bytes, stable across processes and versions.</summary>
    public static int ShardOf(string deviceId)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(deviceId.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(deviceId, buffer)]
            : Encoding.UTF8.GetBytes(deviceId);
        var hash = 2166136261u;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Shards);
    }

    /// <summary>The shard that holds the device's registration.</summary>
    public static IDeviceRegistryGrain Of(IGrainFactory grains, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IDeviceRegistryGrain>(ShardOf(deviceId));
    }
}
