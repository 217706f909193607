using CityOps.Grains.Interfaces.Grid;
using Microsoft.Extensions.Logging;

namespace CityOps.Grains.Grid;

public sealed class RegionGrain(
    [PersistentState("region", "Default")] IPersistentState<RegionState> state,
    TimeProvider clock,
    ILogger<RegionGrain> logger)
    : GridNodeGrain<RegionState>(state, clock, logger), IRegionGrain
{
    private readonly ILogger _logger = logger;
    private readonly TimeProvider _clock = clock;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (GridCodes.LevelOf(Code) is null or GridLevel.Cell)
        {
            throw new InvalidOperationException($"'{Code}' is not a region code.");
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public ValueTask ReportChild(string childCode, GridCounts counts)
    {
        ArgumentNullException.ThrowIfNull(childCode);
        ArgumentNullException.ThrowIfNull(counts);
        if (GridCodes.ParentOf(childCode) != Code || Node.ChildCodes is { } listed && !listed.Contains(childCode))
        {
            // A cell or region left out of the current grid (e.g. by an import) must not count.
            _logger.LogWarning("Region {Code} ignored counts from {Child}, which is not one of its children", Code, childCode);
            return ValueTask.CompletedTask;
        }

        if (!Node.Children.TryGetValue(childCode, out var known) || !GridRollup.AreEqual(known.Counts, counts))
        {
            Node.Children[childCode] = new ChildReport(counts, _clock.GetUtcNow());
            Changed();
        }

        return ValueTask.CompletedTask;
    }

    public Task SetChildren(IReadOnlyList<string> childCodes)
    {
        ArgumentNullException.ThrowIfNull(childCodes);
        var listed = childCodes.ToHashSet(StringComparer.Ordinal);
        if (Node.ChildCodes is { } known && known.SetEquals(listed))
        {
            return Task.CompletedTask;
        }

        Node.ChildCodes = listed;
        foreach (var gone in Node.Children.Keys.Where(c => !listed.Contains(c)).ToList())
        {
            Node.Children.Remove(gone);
        }

        // Reported and written on the next tick, like any other change.
        Changed();
        return Task.CompletedTask;
    }

    public ValueTask<IReadOnlyList<GridSituation>> GetChildren() => ValueTask.FromResult<IReadOnlyList<GridSituation>>(
        [.. Node.Children.Select(c => new GridSituation(c.Key, c.Value.Counts, HealthRules.ForRegion(c.Value.Counts.Cells), c.Value.At))]);

    protected override GridCounts Count()
    {
        var sum = GridRollup.Sum(Node.Children.Values.Select(c => c.Counts));
        if (GridCodes.LevelOf(Code) != GridLevel.Community || Node.ChildCodes is not { } listed)
        {
            return sum;
        }

        // A cell that never reported has no devices or events yet: it is a normal cell, and the
        // region's cells per level still add up to all its cells.
        var silent = listed.Count(c => !Node.Children.ContainsKey(c));
        return sum with { Cells = sum.Cells with { Normal = sum.Cells.Normal + silent } };
    }

    protected override HealthLevel HealthOf(GridCounts counts) => HealthRules.ForRegion(counts.Cells);
}

[GenerateSerializer]
public sealed class RegionState : GridNodeState
{
    [Id(0)] public Dictionary<string, ChildReport> Children { get; set; } = [];

    /// <summary>The children of the current grid; null until a grid was loaded, when any nested code counts.</summary>
    [Id(1)] public HashSet<string>? ChildCodes { get; set; }
}

/// <summary>A child's latest counts and when they arrived.</summary>
[GenerateSerializer, Immutable]
public sealed record ChildReport([property: Id(0)] GridCounts Counts, [property: Id(1)] DateTimeOffset At);
