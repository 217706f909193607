using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Tests.Devices;

[Collection(ClusterTests.Name)]
public class DeviceRegistryGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static DeviceProfile Profile(string id, string cell = "9901010010010001", DeviceKind kind = DeviceKind.WaterLevel, string name = "积水点") =>
        new(id, kind, name, 114.3, 27.6, cell, 600);

    private async Task<RegistryChange[]> RegisterAsync(DeviceProfile profile, string secret) =>
        await DeviceRegistry.Of(fixture.Grains, profile.Id).Register([new DeviceEnrolment(profile, secret)]);

    [Fact]
    public async Task A_device_registered_in_its_shard_authenticates_through_its_account_which_stores_nothing_of_its_own()
    {
        await RegisterAsync(Profile("reg-1"), "secret-1");

        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("reg-1");
        (await account.Authenticate("secret-1")).Should().Be(DeviceKind.WaterLevel);
        (await account.Authenticate("guess")).Should().BeNull();
        (await account.GetKind()).Should().Be(DeviceKind.WaterLevel);
    }

    [Fact]
    public async Task Registering_the_same_device_again_changes_nothing()
    {
        await RegisterAsync(Profile("reg-2"), "secret-2");

        var changes = await RegisterAsync(Profile("reg-2"), "secret-2");

        changes.Should().BeEmpty();
        (await fixture.Grains.GetGrain<IDeviceAccountGrain>("reg-2").Authenticate("secret-2")).Should().Be(DeviceKind.WaterLevel);
    }

    [Fact]
    public async Task A_changed_profile_is_answered_with_the_cell_the_device_left()
    {
        await RegisterAsync(Profile("reg-3", "9901010010010001"), "secret-3");

        var changes = await RegisterAsync(Profile("reg-3", "9901010010010002", name: "积水点（迁）"), "secret-3");

        changes.Should().Equal(new RegistryChange(Profile("reg-3", "9901010010010002", name: "积水点（迁）"), "9901010010010001"));
        (await DeviceRegistry.Of(fixture.Grains, "reg-3").GetProfile("reg-3"))!.CellCode.Should().Be("9901010010010002");
    }

    [Fact]
    public async Task A_new_secret_in_the_city_file_replaces_the_old_one()
    {
        await RegisterAsync(Profile("reg-4"), "old");

        await RegisterAsync(Profile("reg-4"), "new");

        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("reg-4");
        (await account.Authenticate("old")).Should().BeNull();
        (await account.Authenticate("new")).Should().Be(DeviceKind.WaterLevel);
    }

    [Fact]
    public async Task A_gb_devices_digest_credential_is_kept_for_the_access_point_and_forgotten_when_revoked()
    {
        var recorder = Profile("34020000001180000101", kind: DeviceKind.Nvr);
        var digest = new DigestCredential("3402000000", "0123456789abcdef0123456789abcdef");
        await DeviceRegistry.Of(fixture.Grains, recorder.Id).Register([new DeviceEnrolment(recorder, "secret", digest)]);
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>(recorder.Id);

        (await account.GetDigest()).Should().Be(digest);

        await account.Revoke();
        (await account.GetDigest()).Should().BeNull();
    }

    [Fact]
    public async Task A_digest_made_for_another_realm_replaces_the_old_one_on_the_next_import()
    {
        var recorder = Profile("34020000001180000102", kind: DeviceKind.Nvr);
        await DeviceRegistry.Of(fixture.Grains, recorder.Id).Register([new DeviceEnrolment(recorder, "secret", new DigestCredential("3402000000", "aa"))]);

        await DeviceRegistry.Of(fixture.Grains, recorder.Id).Register([new DeviceEnrolment(recorder, "secret", new DigestCredential("4401000000", "bb"))]);

        (await fixture.Grains.GetGrain<IDeviceAccountGrain>(recorder.Id).GetDigest()).Should().Be(new DigestCredential("4401000000", "bb"));
    }

    [Fact]
    public async Task A_device_registered_without_a_digest_has_none()
    {
        await RegisterAsync(Profile("reg-no-digest"), "secret");

        (await fixture.Grains.GetGrain<IDeviceAccountGrain>("reg-no-digest").GetDigest()).Should().BeNull();
    }

    [Fact]
    public async Task A_revoked_device_stays_revoked_when_the_city_file_is_imported_again()
    {
        await RegisterAsync(Profile("reg-5"), "secret-5");
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("reg-5");
        await account.Revoke();

        await RegisterAsync(Profile("reg-5"), "secret-5");

        (await account.IsRevoked()).Should().BeTrue();
        (await account.Authenticate("secret-5")).Should().BeNull();
        (await account.GetKind()).Should().Be(DeviceKind.WaterLevel);
    }

    [Fact]
    public async Task The_id_of_a_registered_device_cannot_be_provisioned_again()
    {
        await RegisterAsync(Profile("reg-6"), "secret-6");

        (await fixture.Grains.GetGrain<IDeviceAccountGrain>("reg-6").TryCreate(DeviceKind.Gas, "other")).Should().BeFalse();
    }

    [Fact]
    public async Task A_device_sent_to_another_shard_is_refused()
    {
        var wrong = fixture.Grains.GetGrain<IDeviceRegistryGrain>((DeviceRegistry.ShardOf("reg-7") + 1) % DeviceRegistry.Shards);

        await wrong.Invoking(s => s.Register([new DeviceEnrolment(Profile("reg-7"), "s")])).Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task An_account_of_its_own_is_read_before_the_registry()
    {
        var account = fixture.Grains.GetGrain<IDeviceAccountGrain>("reg-8");
        await account.EnsureRegistered(DeviceKind.WaterLevel, "own-secret");
        await account.Revoke();

        await RegisterAsync(Profile("reg-8"), "file-secret");

        (await account.Authenticate("file-secret")).Should().BeNull();
        (await account.IsRevoked()).Should().BeTrue();
    }

    [Fact]
    public async Task A_twin_never_provisioned_takes_its_profile_from_its_shard_and_counts_as_offline()
    {
        await RegisterAsync(Profile("reg-9", kind: DeviceKind.Hydrant), "secret-9");

        var snapshot = await DeviceTwins.Get(fixture.Grains, DeviceKind.Hydrant, "reg-9").GetSnapshot();

        snapshot!.Kind.Should().Be(DeviceKind.Hydrant);
        snapshot.CellCode.Should().Be("9901010010010001");
        snapshot.Online.Should().BeFalse();
    }

    [Fact]
    public async Task A_registered_twins_first_reading_tells_its_cell_it_is_online()
    {
        const string cellCode = "9901010010010091";
        await RegisterAsync(Profile("reg-10", cellCode), "secret-10");
        var cell = fixture.Grains.GetGrain<IGridCellGrain>(cellCode);
        await cell.RegisterDevices([new DeviceRegistrant("reg-10", DeviceKind.WaterLevel)]);

        await DeviceTwins.Get(fixture.Grains, DeviceKind.WaterLevel, "reg-10")
            .ReportTelemetry(new TelemetryReport(T0, 1, new Dictionary<string, double> { ["waterLevelCm"] = 3 }));

        (await cell.GetDevices()).Should().ContainSingle(d => d.DeviceId == "reg-10").Which.Online.Should().BeTrue();
    }

    [Fact]
    public void A_devices_shard_depends_on_its_id_alone()
    {
        DeviceRegistry.ShardOf("WL-990101-00001").Should().Be(DeviceRegistry.ShardOf("WL-990101-00001"));
        Enumerable.Range(0, 10_000).Select(i => DeviceRegistry.ShardOf($"WL-{i:D6}")).Distinct().Count().Should().Be(DeviceRegistry.Shards);
        DeviceRegistry.ShardOf("").Should().BeInRange(0, DeviceRegistry.Shards - 1);
    }
}
