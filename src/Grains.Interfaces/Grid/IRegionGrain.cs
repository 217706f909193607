namespace CityOps.Grains.Interfaces.Grid;

/// <summary>
/// A region of the grid hierarchy (city, district, street, community), keyed by its code. It
/// keeps the latest counts of each child (cell or sub-region) and forwards their sum to its own
/// parent on a timer when it changed, so the tree carries at most one call per region per period.
/// </summary>
public interface IRegionGrain : IGrainWithStringKey
{
    /// <summary>A child's full, current counts; replaces what the child sent before, so a repeat is harmless.</summary>
    ValueTask ReportChild(string childCode, GridCounts counts);

    /// <summary>Sets the region's children after a grid import; counts of children no longer listed are dropped.</summary>
    Task SetChildren(IReadOnlyList<string> childCodes);

    /// <summary>The sum of the children's latest counts and the region's health.</summary>
    ValueTask<GridSituation> GetSituation();

    /// <summary>
    /// Each child's latest counts and health as last reported (at most one report interval old),
    /// so a map of many cells asks their communities instead of activating every cell.
    /// </summary>
    ValueTask<IReadOnlyList<GridSituation>> GetChildren();
}
