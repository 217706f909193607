using CityOps.Grains.Interfaces.City;

namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// Which alarms (<c>{root}/{id}/alarm</c>) and detections (<c>{root}/{id}/detections</c>) each kind of device may raise:
/// the one table the gateway holds devices to. A device raising a kind its kind does not list is refused
/// (<c>kindNotAllowed</c>), so that a stolen sensor's credentials cannot open, say, SOS or fire cases. Alarms that the
/// engine's own threshold rules raise from readings are not in it; they never arrive from a device.
/// </summary>
public static class DeviceEventKinds
{
    /// <summary>A help button on a smart pole (一键求助).</summary>
    public const string Sos = "sos";

    private static readonly IReadOnlyDictionary<DeviceKind, IReadOnlySet<string>> AlarmsByKind = new Dictionary<DeviceKind, IReadOnlySet<string>>
    {
        [DeviceKind.SmartPole] = new HashSet<string>(StringComparer.Ordinal) { Sos },

        // A sensor may raise on its own the hazard the engine would raise from its readings.
        [DeviceKind.WaterLevel] = new HashSet<string>(StringComparer.Ordinal) { "waterlogging" },
        [DeviceKind.Manhole] = new HashSet<string>(StringComparer.Ordinal) { "manhole_displaced" },
        [DeviceKind.Gas] = new HashSet<string>(StringComparer.Ordinal) { "gas_leak" },
        [DeviceKind.AirQuality] = new HashSet<string>(StringComparer.Ordinal) { "pm25_high" },
        [DeviceKind.Noise] = new HashSet<string>(StringComparer.Ordinal) { "noise_high" },
        [DeviceKind.Hydrant] = new HashSet<string>(StringComparer.Ordinal) { "hydrant_low_pressure" },
    };

    private static readonly IReadOnlyDictionary<DeviceKind, IReadOnlySet<string>> DetectionsByKind = new Dictionary<DeviceKind, IReadOnlySet<string>>
    {
        // A camera's video AI box (视频智能分析).
        [DeviceKind.Camera] = new HashSet<string>(StringComparer.Ordinal)
        {
            "illegal_parking", "street_vending", "garbage_overflow", "crowding", "smoke_fire", "waterlogging",
        },
    };

    /// <summary>The alarm kinds a device of this kind may raise on its <c>alarm</c> topic.</summary>
    public static IReadOnlySet<string> Alarms(DeviceKind kind) => AlarmsByKind.GetValueOrDefault(kind) ?? EmptySet;

    /// <summary>The detection kinds a device of this kind may report on its <c>detections</c> topic.</summary>
    public static IReadOnlySet<string> Detections(DeviceKind kind) => DetectionsByKind.GetValueOrDefault(kind) ?? EmptySet;

    public static bool MayRaiseAlarm(DeviceKind kind, string alarmKind) => Alarms(kind).Contains(alarmKind);

    public static bool MayDetect(DeviceKind kind, string detectionKind) => Detections(kind).Contains(detectionKind);

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();
}
