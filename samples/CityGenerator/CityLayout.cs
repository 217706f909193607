using NetTopologySuite.Geometries;

namespace CityOps.Samples.CityGenerator;

public enum RegionLevel
{
    City,
    District,
    Street,
    Community,
}

/// <summary>One administrative region; <see cref="Boundary"/> is the union of its cells.</summary>
public sealed record Region(
    string Code,
    string Name,
    string NameEn,
    RegionLevel Level,
    string? Parent,
    Geometry Boundary);

/// <summary>
/// The synthetic city 澜江市: the cell lattice, terrain, main streets and the region hierarchy
/// city → district → street → community → unit grid cell. Codes nest by prefix
/// (GB/T 30428.1 style), which the engine's region scope check relies on: 9901 → 990101 →
/// 990101001 → 990101001001 → 9901010010010001.
/// </summary>
public sealed class CityLayout
{
    public const string CityCode = "9901";
    public const double CentreLon = 114.30;
    public const double CentreLat = 27.60;
    public const int DistrictCount = 4;

    /// <summary>Communities the default-sized city aims at; streets get 4 or 5 each by their size.</summary>
    private const int TargetCommunities = 56;

    private readonly string[] cellCodes;
    private readonly int[] districtOf;
    private readonly Region[] districts;

    private CityLayout(
        Lattice lattice,
        Terrain terrain,
        RoadNetwork roads,
        GeometryFactory factory,
        Region[] regions,
        string[] cellCodes,
        int[] cellsInCodeOrder,
        int[] districtOf)
    {
        Lattice = lattice;
        Terrain = terrain;
        Roads = roads;
        Factory = factory;
        Regions = regions;
        this.cellCodes = cellCodes;
        CellsInCodeOrder = cellsInCodeOrder;
        this.districtOf = districtOf;
        districts = [.. regions.Where(r => r.Level == RegionLevel.District)];
    }

    public Lattice Lattice { get; }

    public Terrain Terrain { get; }

    public RoadNetwork Roads { get; }

    public GeometryFactory Factory { get; }

    /// <summary>The city, then districts, streets and communities, each level in code order.</summary>
    public IReadOnlyList<Region> Regions { get; }

    /// <summary>Lattice indices of all cells, ordered by cell code.</summary>
    public IReadOnlyList<int> CellsInCodeOrder { get; }

    public string CellCode(int cell) => cellCodes[cell];

    /// <summary>The community code is the cell code less its 4-digit suffix.</summary>
    public string CommunityCode(int cell) => cellCodes[cell][..^4];

    public Region DistrictOf(int cell) => districts[districtOf[cell]];

    public Polygon CellPolygon(int cell) => Lattice.CellPolygon(cell, Factory);

    public static CityLayout Generate(int seed, int targetCells)
    {
        var random = new Random(seed);
        var lattice = Lattice.Centred(targetCells, CentreLon, CentreLat);
        var terrain = Terrain.Generate(lattice, random);
        var roads = RoadNetwork.Generate(lattice, terrain, random);

        // Districts stop at the river where they can (crossing it is expensive); lower levels
        // cross it more freely, as real streets straddle bridges.
        var whole = new int[lattice.Count];
        var districtOf = NewLabels(lattice);
        RegionGrowth.Grow(
            lattice, whole, 0, DistrictSeeds(lattice, terrain, random), Weights(DistrictCount, 0.9, 1.1, random),
            LevelCost(lattice, terrain, random, spacing: 12, riverPenalty: 30), districtOf, 0);

        var streetCost = LevelCost(lattice, terrain, random, spacing: 7, riverPenalty: 3);
        var streetOf = NewLabels(lattice);
        var streetParents = new List<int>();
        var districtCells = CellsBy(districtOf, DistrictCount);
        for (var d = 0; d < DistrictCount; d++)
        {
            var count = Math.Min(3 + random.Next(2), districtCells[d].Count);
            var seeds = RegionGrowth.SpreadSeeds(lattice, districtCells[d], count, random);
            RegionGrowth.Grow(lattice, districtOf, d, seeds, Weights(count, 0.8, 1.25, random), streetCost, streetOf, streetParents.Count);
            streetParents.AddRange(Enumerable.Repeat(d, count));
        }

        var communityCost = LevelCost(lattice, terrain, random, spacing: 4, riverPenalty: 2);
        var communityOf = NewLabels(lattice);
        var communityParents = new List<int>();
        var streetCells = CellsBy(streetOf, streetParents.Count);
        var cellsPerCommunity = (double)lattice.Count / TargetCommunities;
        for (var s = 0; s < streetParents.Count; s++)
        {
            var count = Math.Min(Math.Clamp((int)Math.Round(streetCells[s].Count / cellsPerCommunity), 4, 5), streetCells[s].Count);
            var seeds = RegionGrowth.SpreadSeeds(lattice, streetCells[s], count, random);
            RegionGrowth.Grow(lattice, streetOf, s, seeds, Weights(count, 0.8, 1.25, random), communityCost, communityOf, communityParents.Count);
            communityParents.AddRange(Enumerable.Repeat(s, count));
        }

        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        var hierarchy = Hierarchy.Build(
            lattice, factory, random, streetParents, communityParents, CellsBy(communityOf, communityParents.Count));
        return new CityLayout(lattice, terrain, roads, factory, hierarchy.Regions, hierarchy.CellCodes, hierarchy.CellsInCodeOrder, districtOf);
    }

    private static int[] NewLabels(Lattice lattice)
    {
        var labels = new int[lattice.Count];
        Array.Fill(labels, -1);
        return labels;
    }

    private static List<int>[] CellsBy(int[] labels, int count)
    {
        var groups = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        for (var cell = 0; cell < labels.Length; cell++)
        {
            groups[labels[cell]].Add(cell);
        }

        return groups;
    }

    private static double[] Weights(int count, double min, double max, Random random) =>
        [.. Enumerable.Range(0, count).Select(_ => min + ((max - min) * random.NextDouble()))];

    private static double[] LevelCost(Lattice lattice, Terrain terrain, Random random, int spacing, double riverPenalty)
    {
        // Exponential contrast (about 0.2 to 6 per cell) makes fronts bend around "expensive"
        // patches; with flat costs the growth would leave straight, Voronoi-like borders.
        var noise = SmoothNoise.Generate(lattice, random, spacing);
        return [.. noise.Select((value, cell) => Math.Exp(3.5 * (value - 0.5)) + (terrain.River[cell] ? riverPenalty : 0))];
    }

    /// <summary>
    /// One seed per district, halfway between the river and the city edge, so that the names
    /// (江北 north of the river, 江南 south of it) match the banks the districts grow on.
    /// </summary>
    private static int[] DistrictSeeds(Lattice lattice, Terrain terrain, Random random)
    {
        (double X, bool North)[] anchors = [(0.28, true), (0.30, false), (0.74, true), (0.72, false)];
        return
        [
            .. anchors.Select(anchor =>
            {
                var column = Math.Clamp((int)((anchor.X + Jitter(0.06, random)) * lattice.Columns), 0, lattice.Columns - 1);
                var centre = terrain.RiverCentreRow[column];
                var row = (anchor.North ? (centre + lattice.Rows) / 2 : centre / 2) + (Jitter(0.05, random) * lattice.Rows);
                return lattice.Index(column, Math.Clamp((int)row, 0, lattice.Rows - 1));
            }),
        ];
    }

    private static double Jitter(double amplitude, Random random) => amplitude * ((2 * random.NextDouble()) - 1);
}
