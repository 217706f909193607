using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;

namespace CityOps.Grains.Tests.Devices;

public class ProfilePartsTests
{
    private readonly ProfileParts _parts = new();

    [Fact]
    public void A_shared_profile_equals_the_profile_it_was_made_from()
    {
        var pole = Pole("SP-1", "9901010010040001", "lighting", "sos");
        var camera = Camera("CAM-1", "9901010010040001", 1, 2, 3);

        _parts.Share(pole).Should().Be(pole);
        _parts.Share(camera).Should().Be(camera);
    }

    [Fact]
    public void Devices_alike_share_their_cell_code_modules_and_video_parts_and_keep_their_own()
    {
        var first = _parts.Share(Pole("SP-1", new string("9901010010040001"), "lighting", "sos"));
        var second = _parts.Share(Pole("SP-2", new string("9901010010040001"), new string("lighting"), new string("sos")));
        var camera1 = _parts.Share(Camera("CAM-1", "9901010010040001", 1, 2));
        var camera2 = _parts.Share(Camera("CAM-2", "9901010010040002", 1, 2));

        second.CellCode.Should().BeSameAs(first.CellCode);
        second.Modules.Should().BeSameAs(first.Modules);
        camera2.Video!.Scene.Should().BeSameAs(camera1.Video!.Scene);
        camera2.Video.Presets.Should().BeSameAs(camera1.Video.Presets);
        camera2.Video.StreamUrl.Should().NotBe(camera1.Video.StreamUrl);
        camera2.CellCode.Should().Be("9901010010040002");
    }

    [Fact]
    public void Different_module_lists_are_not_shared()
    {
        var two = _parts.Share(Pole("SP-1", "9901010010040001", "lighting", "sos"));
        var three = _parts.Share(Pole("SP-2", "9901010010040001", "lighting", "sos", "wifi5g"));

        three.Modules.Should().Equal("lighting", "sos", "wifi5g");
        two.Modules.Should().Equal("lighting", "sos");
    }

    [Fact]
    public void A_camera_whose_file_leaves_parts_of_its_record_out_keeps_them_out()
    {
        var camera = Camera("CAM-1", "9901010010040001") with { Video = new VideoRecord(null!, null!, null!, "rtsp://vms.local/live/CAM-1") };

        var shared = _parts.Share(camera);

        shared.Should().Be(camera);
        shared.Video!.Scene.Should().BeNull();
        shared.Video.Presets.Should().BeNull();
    }

    private static DeviceProfile Pole(string id, string cell, params string[] modules) =>
        new(id, DeviceKind.SmartPole, $"智慧灯杆 {id}", 114.33, 27.61, cell, 60, Modules: modules);

    private static DeviceProfile Camera(string id, string cell, params int[] presets) =>
        new(id, DeviceKind.Camera, $"视频监控 {id}", 114.33, 27.61, cell, 60,
            new VideoRecord(new string("城市管理"), new string("城管"), new string("区级共享"), $"rtsp://vms.local/live/{id}", presets));
}
