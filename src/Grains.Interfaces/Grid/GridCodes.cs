namespace CityOps.Grains.Interfaces.Grid;

/// <summary>The levels of the grid hierarchy, from the top.</summary>
public enum GridLevel
{
    City,
    District,
    Street,
    Community,
    Cell,
}

/// <summary>
/// Grid codes nest by prefix with a fixed length per level (city 4 digits, district +2, street +3,
/// community +3, unit cell +4), so a code alone tells its level and its parent.
/// </summary>
public static class GridCodes
{
    private static readonly int[] Lengths = [4, 6, 9, 12, 16];

    public static int LengthOf(GridLevel level) => Lengths[(int)level];

    /// <summary>The lengths of region codes (city to community) for messages: "4, 6, 9 or 12".</summary>
    public static string RegionLengths { get; } =
        string.Join(", ", Lengths[..^2]) + " or " + Lengths[^2].ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The digits a level adds to its parent's code; for the city, its whole code.</summary>
    public static int DigitsAddedBy(GridLevel level) => level == GridLevel.City ? Lengths[0] : Lengths[(int)level] - Lengths[(int)level - 1];

    /// <summary>How many children of a level one parent can number (99 districts in a city, 9,999 cells in a community).</summary>
    public static int MaxChildren(GridLevel level) => (int)Math.Pow(10, DigitsAddedBy(level)) - 1;

    /// <summary>The code of the <paramref name="number"/>-th child (from 1) of the region <paramref name="parent"/>, one level below it.</summary>
    public static string ChildCode(string parent, int number)
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (LevelOf(parent) is not { } level || level == GridLevel.Cell)
        {
            throw new ArgumentException($"'{parent}' is not a region code ({RegionLengths} digits).", nameof(parent));
        }

        var child = level + 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, MaxChildren(child));
        return parent + number.ToString("D" + DigitsAddedBy(child).ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The level of a well-formed code (digits only, one of the level lengths); null otherwise.</summary>
    public static GridLevel? LevelOf(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var index = Array.IndexOf(Lengths, code.Length);
        return index >= 0 && code.All(char.IsAsciiDigit) ? (GridLevel)index : null;
    }

    /// <summary>The parent region's code, or null for the city and for malformed codes.</summary>
    public static string? ParentOf(string code) =>
        LevelOf(code) is { } level && level != GridLevel.City ? code[..Lengths[(int)level - 1]] : null;

    /// <summary>The code followed by its ancestors' codes, up to the city.</summary>
    public static IReadOnlyList<string> ChainOf(string code)
    {
        var chain = new List<string>();
        for (string? current = code; current is not null; current = ParentOf(current))
        {
            chain.Add(current);
        }

        return chain;
    }

    /// <summary>
    /// The district a cell or region at or below district level lies in. Per-district grains (the
    /// case index, the situation feed) are keyed by it.
    /// </summary>
    public static string DistrictOf(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var length = LengthOf(GridLevel.District);
        return code.Length < length
            ? throw new ArgumentException($"'{code}' is above district level.", nameof(code))
            : code[..length];
    }

    /// <summary>Whether <paramref name="code"/> is <paramref name="ancestor"/> or lies inside it.</summary>
    public static bool IsWithin(string code, string ancestor) =>
        code.StartsWith(ancestor, StringComparison.Ordinal);
}
