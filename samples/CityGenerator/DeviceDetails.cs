using System.Text;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Samples.CityGenerator;

/// <summary>
/// The parts of a device's record that depend on its kind: a camera's 一机一档 record with its
/// presets and a pole's modules. They are drawn from a hash of the device id rather than the placement's random
/// stream, so adding them left every id, place and secret of the city as it was.
/// </summary>
public static class DeviceDetails
{
    private static readonly (string Scene, string Industry)[] Scenes =
    [
        ("道路交通", "交通"),
        ("治安防控", "公安"),
        ("城市管理", "城管"),
        ("防汛排涝", "水务"),
        ("校园周边", "教育"),
        ("商圈广场", "商务"),
    ];

    private static readonly string[] SharingScopes = ["全市共享", "区级共享", "部门专用"];

    /// <summary>The share of cameras (in percent) that pan and tilt (球机) and so have presets; the others are fixed (枪机).</summary>
    private const int PtzPercent = 60;

    /// <summary>Each optional module and the share of poles (in percent) that carry it.</summary>
    private static readonly (string Module, int Percent)[] OptionalModules =
    [
        (PoleModules.Environment, 50),
        (PoleModules.Camera, 40),
        (PoleModules.Broadcast, 30),
        (PoleModules.Display, 30),
        (PoleModules.Sos, 60),
        (PoleModules.EvCharger, 15),
        (PoleModules.Wireless, 50),
    ];

    public static DeviceRecord Complete(DeviceRecord device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Kind switch
        {
            DeviceKind.Camera => device with { Video = Video(device.Id) },
            DeviceKind.SmartPole => device with { Modules = Modules(device.Id) },
            _ => device,
        };
    }

    private static VideoRecord Video(string id)
    {
        var (scene, industry) = Scenes[Hash(id, "scene") % (uint)Scenes.Length];
        return new VideoRecord(scene, industry, SharingScopes[Hash(id, "sharing") % (uint)SharingScopes.Length], $"rtsp://vms.lanjiang.local:554/live/{id}", Presets(id));
    }

    /// <summary>A pan-tilt camera's presets 1 to 3–8; none for a fixed camera.</summary>
    private static int[] Presets(string id) =>
        Hash(id, "ptz") % 100 < PtzPercent ? [.. Enumerable.Range(1, 3 + (int)(Hash(id, "presets") % 6))] : [];

    private static string[] Modules(string id) =>
        [PoleModules.Lighting, .. OptionalModules.Where(m => Hash(id, m.Module) % 100 < m.Percent).Select(m => m.Module)];

    /// <summary>FNV-1a: stable across runs and platforms, unlike string.GetHashCode.</summary>
    private static uint Hash(string id, string salt)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(id + "/" + salt))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
