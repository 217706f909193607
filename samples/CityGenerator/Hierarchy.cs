using CityOps.Grains.Interfaces.Grid;
using NetTopologySuite.Geometries;

namespace CityOps.Samples.CityGenerator;

/// <summary>Codes, names and outlines of the grown regions, and the codes of the cells in them.</summary>
public sealed record Hierarchy(Region[] Regions, string[] CellCodes, int[] CellsInCodeOrder)
{
    /// <summary>As many cells as a community's code can number (<see cref="GridCodes"/>).</summary>
    public static readonly int MaxCellsPerCommunity = GridCodes.MaxChildren(GridLevel.Cell);

    /// <param name="streetParents">Per street index, its district index; streets of a district are consecutive.</param>
    /// <param name="communityParents">Per community index, its street index; communities of a street are consecutive.</param>
    /// <param name="communityCells">Per community index, its cells.</param>
    public static Hierarchy Build(
        Lattice lattice,
        GeometryFactory factory,
        Random random,
        IReadOnlyList<int> streetParents,
        IReadOnlyList<int> communityParents,
        IReadOnlyList<List<int>> communityCells)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(streetParents);
        ArgumentNullException.ThrowIfNull(communityParents);
        ArgumentNullException.ThrowIfNull(communityCells);
        var streetNames = NamePools.Shuffled(NamePools.Streets, random);
        var communityNames = NamePools.Shuffled(NamePools.Communities, random);
        var districtCodes = Enumerable.Range(1, CityLayout.DistrictCount).Select(d => GridCodes.ChildCode(CityLayout.CityCode, d)).ToArray();
        var streetCodes = ChildCodes(districtCodes, streetParents);
        var communityCodes = ChildCodes(streetCodes, communityParents);

        var cellCodes = new string[lattice.Count];
        var cellsInCodeOrder = new List<int>(lattice.Count);
        var communityShapes = new Geometry[communityCodes.Length];
        for (var c = 0; c < communityCodes.Length; c++)
        {
            if (communityCells[c].Count > MaxCellsPerCommunity)
            {
                throw new InvalidOperationException(
                    $"Community {communityCodes[c]} has {communityCells[c].Count} cells; cell codes allow {MaxCellsPerCommunity}. Ask for fewer cells.");
            }

            // Numbered in reading order from the north-west corner, as a grid map is read.
            var ordered = communityCells[c].OrderByDescending(lattice.Row).ThenBy(lattice.Column).ToArray();
            for (var k = 0; k < ordered.Length; k++)
            {
                cellCodes[ordered[k]] = GridCodes.ChildCode(communityCodes[c], k + 1);
            }

            cellsInCodeOrder.AddRange(ordered);
            communityShapes[c] = Boundaries.Union([.. ordered.Select(cell => (Geometry)lattice.CellPolygon(cell, factory))], factory);
        }

        var streetShapes = UnionByParent(communityShapes, communityParents, streetCodes.Length, factory);
        var districtShapes = UnionByParent(streetShapes, streetParents, districtCodes.Length, factory);
        var cityShape = Boundaries.Union(districtShapes, factory);

        var regions = new List<Region>
        {
            new(CityLayout.CityCode, NamePools.City.Chinese + "市", NamePools.City.Pinyin + " City", RegionLevel.City, null, cityShape),
        };
        regions.AddRange(districtCodes.Select((code, d) => new Region(
            code, NamePools.Districts[d].Chinese + "区", NamePools.Districts[d].Pinyin + " District", RegionLevel.District,
            CityLayout.CityCode, districtShapes[d])));
        regions.AddRange(streetCodes.Select((code, s) => new Region(
            code, streetNames[s].Chinese + "街道", streetNames[s].Pinyin + " Subdistrict", RegionLevel.Street,
            districtCodes[streetParents[s]], streetShapes[s])));
        regions.AddRange(communityCodes.Select((code, c) => new Region(
            code, communityNames[c].Chinese + "社区", communityNames[c].Pinyin + " Community", RegionLevel.Community,
            streetCodes[communityParents[c]], communityShapes[c])));
        return new Hierarchy([.. regions], cellCodes, [.. cellsInCodeOrder]);
    }

    /// <summary>Children are numbered 1, 2, … within their parent, after the parent's code.</summary>
    private static string[] ChildCodes(string[] parentCodes, IReadOnlyList<int> parents)
    {
        var next = new int[parentCodes.Length];
        return [.. parents.Select(parent => GridCodes.ChildCode(parentCodes[parent], ++next[parent]))];
    }

    private static Geometry[] UnionByParent(Geometry[] children, IReadOnlyList<int> parents, int parentCount, GeometryFactory factory) =>
        [.. Enumerable.Range(0, parentCount).Select(p => Boundaries.Union([.. children.Where((_, child) => parents[child] == p)], factory))];
}
