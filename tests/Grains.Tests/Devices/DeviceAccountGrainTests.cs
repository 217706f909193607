using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

[Collection(ClusterTests.Name)]
public class DeviceAccountGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_registered_device_authenticates_with_its_secret_and_learns_its_kind()
    {
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("acct-1");
        await account.EnsureRegistered(DeviceKind.WaterLevel, "secret-1");

        (await account.Authenticate("secret-1")).Should().Be(DeviceKind.WaterLevel);
    }

    [Fact]
    public async Task An_account_its_registry_shard_answers_for_leaves_memory_once_its_standing_is_read()
    {
        var profile = new DeviceProfile("acct-shard-1", DeviceKind.Noise, "噪声监测点", 114.3, 27.6, "9901010010010001", 60);
        await DeviceRegistry.Of(fixture.Grains, profile.Id).Register([new DeviceEnrolment(profile, "secret-s")]);
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>(profile.Id);

        (await account.GetStanding()).Should().Be(new AccountStanding(DeviceKind.Noise, Revoked: false, InRegistry: true));

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        await Eventually.Async(async () => (await management.GetActivationAddress(account)).Should().BeNull());
    }

    [Fact]
    public async Task An_account_its_registry_shard_answers_for_leaves_memory_once_its_device_has_signed_in()
    {
        var profile = new DeviceProfile("acct-shard-2", DeviceKind.Noise, "噪声监测点", 114.3, 27.6, "9901010010010001", 60);
        await DeviceRegistry.Of(fixture.Grains, profile.Id).Register([new DeviceEnrolment(profile, "secret-s")]);
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>(profile.Id);

        (await account.Authenticate("secret-s")).Should().Be(DeviceKind.Noise);

        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        await Eventually.Async(async () => (await management.GetActivationAddress(account)).Should().BeNull());
        (await account.Authenticate("secret-s")).Should().Be(DeviceKind.Noise, "signing in again activates it again");
    }

    [Fact]
    public async Task An_account_with_a_row_of_its_own_stays_in_memory_after_its_standing_is_read()
    {
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("acct-own-1");
        await account.EnsureRegistered(DeviceKind.Gas, "secret-o");

        (await account.GetStanding()).Should().Be(new AccountStanding(DeviceKind.Gas, Revoked: false, InRegistry: false));

        await Task.Delay(500);
        (await fixture.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(account)).Should().NotBeNull();
    }

    [Fact]
    public async Task A_wrong_secret_is_refused()
    {
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("acct-2");
        await account.EnsureRegistered(DeviceKind.Gas, "secret-2");

        (await account.Authenticate("guess")).Should().BeNull();
        (await account.Authenticate("")).Should().BeNull();
    }

    [Fact]
    public async Task An_unknown_device_has_no_kind_and_cannot_authenticate()
    {
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("acct-never-registered");

        (await account.GetKind()).Should().BeNull();
        (await account.Authenticate("anything")).Should().BeNull();
    }

    [Fact]
    public async Task Registering_again_with_a_new_secret_replaces_the_old_one()
    {
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("acct-3");
        await account.EnsureRegistered(DeviceKind.Manhole, "old");
        await account.EnsureRegistered(DeviceKind.Manhole, "new");

        (await account.Authenticate("old")).Should().BeNull();
        (await account.Authenticate("new")).Should().Be(DeviceKind.Manhole);
    }
}
