using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Orleans.Core.Internal;

namespace CityOps.Grains.Tests.Devices;

/// <summary>
/// A restarted city reads each device's profile twice, from its registry shard's row and from its twin's: the import's
/// profile, whose parts devices share, is the one kept where the two are equal.
/// </summary>
[Collection(ClusterTests.Name)]
public class ProfileSharingTests(ClusterFixture fixture)
{
    /// <summary>Each call makes its own strings, as each read of a row does.</summary>
    private static DeviceProfile Profile(string id, string name = "共享档案") =>
        new(id, DeviceKind.WaterLevel, $"{name}（{id}）", 114.3, 27.6, new string("9901010010010001".AsSpan()), 600);

    private IProfileSharingProbeGrain Probe => fixture.Grains.GetGrain<IProfileSharingProbeGrain>("probe");

    private async Task ShardReadsItsRowAgainAsync(string deviceId) =>
        await DeviceRegistry.Of(fixture.Grains, deviceId).Cast<IGrainManagementExtension>().DeactivateOnIdle();

    [Fact]
    public async Task A_shard_read_again_keeps_the_imports_equal_profile_without_writing()
    {
        await DeviceRegistry.Of(fixture.Grains, "share-1").Register([new DeviceEnrolment(Profile("share-1"), "secret")]);
        await ShardReadsItsRowAgainAsync("share-1");
        var shard = DeviceRegistry.Of(fixture.Grains, "share-1");
        var before = await fixture.StoredAsync<DeviceRegistryState>(shard, "deviceRegistry");

        (await Probe.RegisterAndFindSame(Profile("share-1"), "secret")).Should().BeTrue();

        (await fixture.StoredAsync<DeviceRegistryState>(shard, "deviceRegistry")).ETag.Should().Be(before.ETag, "nothing of the device changed");
        (await fixture.Grains.GetGrain<IDeviceAccountGrain>("share-1").Authenticate("secret")).Should().Be(DeviceKind.WaterLevel);
    }

    [Fact]
    public async Task A_shard_read_again_shares_the_parts_its_devices_have_alike()
    {
        var one = "share-4";
        var other = Enumerable.Range(0, 100_000).Select(i => $"share-4-{i}").First(id => DeviceRegistry.ShardOf(id) == DeviceRegistry.ShardOf(one));
        await DeviceRegistry.Of(fixture.Grains, one).Register([new DeviceEnrolment(Profile(one), "secret"), new DeviceEnrolment(Profile(other), "secret")]);

        await ShardReadsItsRowAgainAsync(one);

        (await Probe.ShareCellCode(one, other)).Should().BeTrue();
    }

    [Fact]
    public async Task A_twin_read_from_its_row_holds_its_shards_equal_profile()
    {
        await DeviceRegistry.Of(fixture.Grains, "share-2").Register([new DeviceEnrolment(Profile("share-2"), "secret")]);
        var twin = DeviceTwins.Get(fixture.Grains, DeviceKind.WaterLevel, "share-2");
        await fixture.StoreAsync(twin, DeviceTwinGrain.TwinStateName, new DeviceTwinState { Profile = Profile("share-2") });

        (await Probe.TwinHoldsShardsProfile(twin, "share-2")).Should().BeTrue();
    }

    [Fact]
    public async Task A_twin_whose_row_holds_another_profile_than_its_shard_keeps_its_own()
    {
        await DeviceRegistry.Of(fixture.Grains, "share-3").Register([new DeviceEnrolment(Profile("share-3", name: "登记的名称"), "secret")]);
        var twin = DeviceTwins.Get(fixture.Grains, DeviceKind.WaterLevel, "share-3");
        await fixture.StoreAsync(twin, DeviceTwinGrain.TwinStateName, new DeviceTwinState { Profile = Profile("share-3", name: "另行下发的名称") });

        (await twin.GetSnapshot())!.Name.Should().Be("另行下发的名称（share-3）");
    }
}
