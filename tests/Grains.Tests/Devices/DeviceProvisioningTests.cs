using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

/// <summary>Provisioning one device: which registrations are sound, and what provisioning creates.</summary>
[Collection(ClusterTests.Name)]
public class DeviceProvisioningTests(ClusterFixture fixture)
{
    private static DeviceRegistration Pole(string id, params string[] modules) =>
        new(id, DeviceKind.SmartPole, "灯杆", [114.3, 27.6], "9901010010010001", null, null, modules);

    [Fact]
    public void A_sound_registration_has_no_problem_and_takes_the_default_interval()
    {
        var pole = Pole("pole-sound", PoleModules.Lighting);

        DeviceProvisioning.Problem(pole).Should().BeNull();
        pole.ToProfile().ExpectedIntervalSeconds.Should().Be(DeviceProvisioning.DefaultExpectedIntervalSeconds);
    }

    [Theory]
    [InlineData("99010100100100", "cellCode must be a 16-digit unit grid cell code")]
    [InlineData("99010100100100AB", "cellCode must be a 16-digit unit grid cell code")]
    public void A_cell_code_that_is_not_a_unit_cell_is_refused(string cell, string problem)
    {
        DeviceProvisioning.Problem(Pole("pole-cell") with { CellCode = cell }).Should().Be(problem);
    }

    [Fact]
    public void Modules_are_for_smart_poles_and_a_record_for_cameras()
    {
        DeviceProvisioning.Problem(Pole("wl-modules") with { Kind = DeviceKind.WaterLevel }).Should().Be("modules are for smart poles");
        DeviceProvisioning.Problem(Pole("pole-bad-module", "laser")).Should().StartWith("modules must be among");
        DeviceProvisioning.Problem(Pole("pole-video", []) with { Modules = null, Video = new VideoRecord("s", "i", "p", "rtsp://x") })
            .Should().Be("video (一机一档) is for cameras");
    }

    [Fact]
    public async Task Provisioning_creates_an_account_the_secret_opens_and_a_twin_with_the_profile_and_refuses_the_id_again()
    {
        var id = $"pole-{Guid.NewGuid():N}";
        var profile = Pole(id, PoleModules.Broadcast).ToProfile();

        var secret = await DeviceProvisioning.ProvisionAsync(fixture.Grains, profile);

        secret.Should().NotBeNullOrEmpty();
        (await fixture.Grains.GetGrain<IDeviceAccountGrain>(id).Authenticate(secret!)).Should().Be(DeviceKind.SmartPole);
        (await DeviceTwins.Get(fixture.Grains, DeviceKind.SmartPole, id).GetSnapshot())!.Modules.Should().Equal(PoleModules.Broadcast);
        (await DeviceProvisioning.ProvisionAsync(fixture.Grains, profile)).Should().BeNull();
    }
}
