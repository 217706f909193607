using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

/// <summary>
/// Looks, from inside the silo, at whether two grains hold one profile or two equal copies: calls within a silo pass
/// an immutable profile and its strings by reference, where a call from the test's client copies them.
/// </summary>
public interface IProfileSharingProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers the profile in its shard from inside the silo and answers whether the shard now holds that very object.</summary>
    Task<bool> RegisterAndFindSame(DeviceProfile profile, string secret);

    /// <summary>Whether the twin's profile is the object its registry shard holds (told by its name's string).</summary>
    Task<bool> TwinHoldsShardsProfile(IDeviceTwinGrain twin, string deviceId);

    /// <summary>Whether the two devices' profiles hold one cell code string.</summary>
    Task<bool> ShareCellCode(string oneDeviceId, string otherDeviceId);
}

public sealed class ProfileSharingProbeGrain : Grain, IProfileSharingProbeGrain
{
    public async Task<bool> RegisterAndFindSame(DeviceProfile profile, string secret)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var shard = DeviceRegistry.Of(GrainFactory, profile.Id);
        await shard.Register([new DeviceEnrolment(profile, secret)]);
        return ReferenceEquals(await shard.GetProfile(profile.Id), profile);
    }

    public async Task<bool> TwinHoldsShardsProfile(IDeviceTwinGrain twin, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var snapshot = await twin.GetSnapshot();
        var registered = await DeviceRegistry.Of(GrainFactory, deviceId).GetProfile(deviceId);
        return snapshot is not null && registered is not null && ReferenceEquals(snapshot.Name, registered.Name);
    }

    public async Task<bool> ShareCellCode(string oneDeviceId, string otherDeviceId)
    {
        var one = await DeviceRegistry.Of(GrainFactory, oneDeviceId).GetProfile(oneDeviceId);
        var other = await DeviceRegistry.Of(GrainFactory, otherDeviceId).GetProfile(otherDeviceId);
        return one is not null && other is not null && ReferenceEquals(one.CellCode, other.CellCode);
    }
}
