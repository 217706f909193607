using CityOps.Grains.Interfaces.City;

namespace CityOps.Samples.CityGenerator;

/// <summary>
/// The sample city's GB/T 28181 video recorders (NVRs): one per district, on a street cell, each carrying
/// <see cref="ChannelsPerRecorder"/> channels at junctions and streets of its district. Codes follow GB/T 28181: the
/// district's code and 00 as centre, 00 industry, type 118 (NVR) or 131 (camera), network 0, serial. The recorders go to
/// <c>devices.json</c> (kind <c>nvr</c>, with a secret for SIP digest); their channels to <c>gb28181.json</c>, which only the
/// simulator reads: the engine learns channels from each recorder's catalog. Drawn from a generator of their own, so the
/// rest of the city is the same with or without them.
/// </summary>
public static class GbRecorders
{
    public const int ChannelsPerRecorder = 6;

    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static (IReadOnlyList<DeviceRecord> Recorders, IReadOnlyList<GbRecorderRecord> Channels) Place(CityLayout layout, int seed)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var random = new Random(seed);
        var streets = layout.CellsInCodeOrder.Where(c => !layout.Terrain.River[c] && layout.Roads.Axis[c] != RoadAxis.None).ToList();
        var recorders = new List<DeviceRecord>();
        var catalogs = new List<GbRecorderRecord>();
        foreach (var (district, cells) in streets.GroupBy(layout.DistrictOf).Select(g => (g.Key, g.ToList())).OrderBy(d => d.Key.Code, StringComparer.Ordinal))
        {
            var serial = recorders.Count + 1;
            var site = cells[random.Next(cells.Count)];
            var id = $"{district.Code}0000118{0}{serial:D6}";
            recorders.Add(new DeviceRecord(
                id, DeviceKind.Nvr, $"{district.Name}视频汇聚录像机 {serial}", Centre(layout, site), layout.CellCode(site),
                new string(random.GetItems<char>(SecretAlphabet, DevicePlacement.SecretLength)), 60));
            var channels = Enumerable.Range(1, ChannelsPerRecorder).Select(n =>
            {
                var cell = cells[random.Next(cells.Count)];
                return new GbChannelRecord(
                    $"{district.Code}0000131{0}{serial:D2}{n:D4}",
                    $"{district.Name}{layout.Roads.NearestRoadName(cell)}监控点 {serial}-{n}",
                    Centre(layout, cell),
                    Ptz: n % 2 == 1);
            });
            catalogs.Add(new GbRecorderRecord(id, [.. channels]));
        }

        return (recorders, catalogs);
    }

    private static double[] Centre(CityLayout layout, int cell)
    {
        var (west, south) = layout.Lattice.CornerMicro(cell);
        return [Lattice.Degrees(west + (Lattice.CellWidthMicro / 2)), Lattice.Degrees(south + (Lattice.CellHeightMicro / 2))];
    }
}
