using System.Numerics;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Samples.CityGenerator;

/// <summary>How one kind of device is deployed in the default 5,000-device city.</summary>
/// <param name="IdPrefix">Readable id prefix; cameras use GB/T 28181 channel codes instead.</param>
/// <param name="Label">Chinese label used in device names.</param>
public sealed record DeviceKindPlan(DeviceKind Kind, int DefaultCount, string IdPrefix, string Label, int ExpectedIntervalSeconds);

/// <summary>
/// Places field devices in the city's cells: poles along main streets, cameras at junctions and
/// along streets, water-level gauges mostly in low-lying cells, the rest across the land.
/// </summary>
public sealed class DevicePlacement
{
    public const int DefaultTotal = 5_000;
    public const int SecretLength = 24;

    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// <summary>Devices stay this far (as a share of the cell size) from a cell's edge.</summary>
    private const double EdgeMargin = 0.05;

    private readonly CityLayout layout;
    private readonly int seed;
    private readonly int[] land;
    private readonly int[] streets;
    private readonly int[] junctions;
    private readonly int[] lowLying;

    public DevicePlacement(CityLayout layout, int seed)
    {
        ArgumentNullException.ThrowIfNull(layout);
        this.layout = layout;
        this.seed = seed;
        var cells = layout.CellsInCodeOrder;
        land = [.. cells.Where(cell => !layout.Terrain.River[cell])];
        streets = [.. land.Where(cell => layout.Roads.Axis[cell] != RoadAxis.None)];
        junctions = [.. streets.Where(cell => BitCount(layout.Roads.Axis[cell]) > 1)];
        lowLying = [.. land.Where(cell => layout.Terrain.LowLying[cell])];
    }

    public static IReadOnlyList<DeviceKindPlan> Plans { get; } =
    [
        new(DeviceKind.SmartPole, 1_200, "POLE", "智慧灯杆", 60),
        new(DeviceKind.Camera, 800, "", "视频监控", 120),
        new(DeviceKind.WaterLevel, 500, "WL", "积水监测点", 600),
        new(DeviceKind.Manhole, 900, "MH", "智能井盖", 900),
        new(DeviceKind.Gas, 500, "GAS", "燃气监测点", 300),
        new(DeviceKind.AirQuality, 300, "AQ", "空气质量微站", 60),
        new(DeviceKind.Noise, 300, "NS", "噪声监测点", 60),
        new(DeviceKind.RainGauge, 100, "RG", "雨量站", 300),
        new(DeviceKind.Hydrant, 400, "HY", "智能消火栓", 900),
    ];

    /// <summary>Devices per plan for a total, in the default proportions (largest remainders get the rounding).</summary>
    public static int[] CountsFor(int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var exact = Plans.Select(plan => (double)total * plan.DefaultCount / DefaultTotal).ToArray();
        var counts = exact.Select(value => (int)Math.Floor(value)).ToArray();
        var missing = total - counts.Sum();
        foreach (var k in Enumerable.Range(0, counts.Length).OrderByDescending(k => exact[k] - counts[k]).ThenBy(k => k).Take(missing))
        {
            counts[k]++;
        }

        return counts;
    }

    /// <summary>
    /// The devices, kind by kind, generated lazily so a million-device file streams. Each
    /// enumeration starts its own generator from the seed, so it always yields the same devices.
    /// </summary>
    public IEnumerable<DeviceRecord> Place(int total) => Generate(CountsFor(total));

    private IEnumerable<DeviceRecord> Generate(int[] counts)
    {
        var random = new Random(seed);
        for (var k = 0; k < Plans.Count; k++)
        {
            var plan = Plans[k];
            var serials = new Dictionary<string, int>();
            for (var n = 0; n < counts[k]; n++)
            {
                var cell = PickCell(plan.Kind, random);
                var district = layout.DistrictOf(cell);
                var serial = serials[district.Code] = serials.GetValueOrDefault(district.Code) + 1;
                yield return DeviceDetails.Complete(new DeviceRecord(
                    Id(plan, district.Code, serial),
                    plan.Kind,
                    $"{district.Name}{layout.Roads.NearestRoadName(cell)}{plan.Label} {serial}",
                    Locate(plan.Kind, cell, random),
                    layout.CellCode(cell),
                    new string(random.GetItems<char>(SecretAlphabet, SecretLength)),
                    plan.ExpectedIntervalSeconds));
            }
        }
    }

    /// <summary>
    /// Cameras get GB/T 28181 codes: the district's 6-digit code, 00 (grassroots unit),
    /// 00 (industry: public security roads), 132 (network camera), 0 (network), 6-digit serial
    /// (<see cref="GeneratorOptions.MaxDevices"/> keeps a city below a million cameras).
    /// </summary>
    private static string Id(DeviceKindPlan plan, string districtCode, int serial) =>
        plan.Kind == DeviceKind.Camera ? $"{districtCode}00001320{serial:D6}" : $"{plan.IdPrefix}-{districtCode}-{serial:D5}";

    private int PickCell(DeviceKind kind, Random random)
    {
        var roll = random.NextDouble();
        var pool = kind switch
        {
            DeviceKind.SmartPole => streets,
            DeviceKind.Camera => roll < 0.3 ? junctions : roll < 0.7 ? streets : land,
            DeviceKind.WaterLevel => roll < 0.8 ? lowLying : land,
            DeviceKind.Manhole => roll < 0.7 ? streets : land,
            DeviceKind.Noise => roll < 0.5 ? streets : land,
            DeviceKind.Hydrant => roll < 0.6 ? streets : land,
            _ => land,
        };

        // A very small city may have no junction or low-lying cell: fall back to any land.
        return pool.Length > 0 ? pool[random.Next(pool.Length)] : land[random.Next(land.Length)];
    }

    /// <summary>A point strictly inside the cell, on whole micro-degrees; poles stand on a kerb of their street.</summary>
    private double[] Locate(DeviceKind kind, int cell, Random random)
    {
        var across = random.Next(2) == 0 ? 0.3 : 0.7;
        var along = EdgeMargin + ((1 - (2 * EdgeMargin)) * random.NextDouble());
        var free = EdgeMargin + ((1 - (2 * EdgeMargin)) * random.NextDouble());
        var axis = layout.Roads.Axis[cell];
        var (x, y) = kind != DeviceKind.SmartPole || axis.HasFlag(RoadAxis.Riverside)
            ? (along, free)
            : axis.HasFlag(RoadAxis.NorthSouth) && (!axis.HasFlag(RoadAxis.EastWest) || random.Next(2) == 0)
                ? (across, along)
                : (along, across);
        var (west, south) = layout.Lattice.CornerMicro(cell);
        return
        [
            Lattice.Degrees(west + (long)Math.Round(x * Lattice.CellWidthMicro)),
            Lattice.Degrees(south + (long)Math.Round(y * Lattice.CellHeightMicro)),
        ];
    }

    private static int BitCount(RoadAxis axis) => BitOperations.PopCount((uint)axis);
}
