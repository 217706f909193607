using System.Diagnostics;
using System.Text.Json;
using CityOps.Grains.Interfaces.Grid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CityOps.Grid;

/// <summary>
/// Holds the city's current grid. An import is validated in full before anything changes; a valid
/// one is written to <c>{Storage:DataPath}/grid/grid.json</c> (a temporary file renamed over the old
/// one, so a crash leaves either grid, never half of one), then swapped in, then the region grains
/// learn their children. A restart prefers the imported grid over the city's own files.
/// </summary>
public sealed partial class GridRegistry(IConfiguration configuration, IOptions<GridOptions> options, IGrainFactory grains, ILogger<GridRegistry> logger)
    : IDisposable
{
    private readonly SemaphoreSlim _imports = new(1, 1);
    private GridModel? _current;
    private int _version;

    private IGridDocumentGrain Shared => grains.GetGrain<IGridDocumentGrain>(0);

    public GridModel Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("The grid is not loaded yet.");

    private string ImportedPath => Path.Combine(
        configuration["Storage:DataPath"] ?? throw new InvalidOperationException("Storage:DataPath is not configured."), "grid", "grid.json");

    private string CityPath => configuration["City:Path"] ?? throw new InvalidOperationException("City:Path is not configured.");

    /// <summary>
    /// Loads the cluster's imported grid if there is one, else the city's files; an invalid grid is an
    /// error that stops the start. A grid an earlier version imported into this node's data folder is
    /// loaded and shared with the cluster.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        GridValidation validation;
        string source;
        if (await Shared.Get() is { } shared)
        {
            source = $"the cluster's imported grid (version {shared.Version})";
            validation = Validate(shared);
            _version = shared.Version;
        }
        else if (File.Exists(ImportedPath))
        {
            source = ImportedPath;
            using var grid = JsonDocument.Parse(await File.ReadAllBytesAsync(source, cancellationToken));
            validation = Validate(grid.RootElement.GetProperty("regions"), grid.RootElement.GetProperty("cells"));
            if (validation.Model is not null)
            {
                _version = await Shared.Save(grid.RootElement.GetProperty("regions").GetRawText(), grid.RootElement.GetProperty("cells").GetRawText());
            }
        }
        else
        {
            source = CityPath;
            using var regions = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(source, "regions.geojson"), cancellationToken));
            using var cells = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(source, "cells.geojson"), cancellationToken));
            validation = Validate(regions.RootElement, cells.RootElement);
        }

        if (validation.Model is not { } model)
        {
            throw new InvalidDataException(
                $"The grid in {source} is invalid ({validation.Errors.Count} errors):{Environment.NewLine}"
                + string.Join(Environment.NewLine, validation.Errors.Take(50)));
        }

        var validated = watch.Elapsed;
        await ApplyAsync(model, cancellationToken);
        LogLoaded(model.Regions.Count, model.Cells.Count, source, validated.TotalSeconds, (watch.Elapsed - validated).TotalSeconds);
    }

    /// <summary>Replaces the grid with the import, or changes nothing and returns every error found.</summary>
    public async Task<IReadOnlyList<GridError>> ImportAsync(JsonElement regions, JsonElement cells, CancellationToken cancellationToken)
    {
        await _imports.WaitAsync(cancellationToken);
        try
        {
            var validation = Validate(regions, cells);
            if (validation.Model is not { } model)
            {
                return validation.Errors;
            }

            _version = await Shared.Save(regions.GetRawText(), cells.GetRawText());
            await ApplyAsync(model, cancellationToken);
            LogImported(model.Regions.Count, model.Cells.Count);
            return [];
        }
        finally
        {
            _imports.Release();
        }
    }

    /// <summary>Loads the grid another node imported since this one last loaded; true when it did.</summary>
    public async Task<bool> FollowAsync(CancellationToken cancellationToken)
    {
        if (await Shared.GetVersion() == Volatile.Read(ref _version))
        {
            return false;
        }

        await _imports.WaitAsync(cancellationToken);
        try
        {
            if (await Shared.Get() is not { } shared || shared.Version == _version)
            {
                return false;
            }

            if (Validate(shared).Model is not { } model)
            {
                // Stored only after it was validated; a node whose rules reject it keeps the grid it has.
                LogRejected(shared.Version);
                _version = shared.Version;
                return false;
            }

            Volatile.Write(ref _current, model);
            _version = shared.Version;
            LogFollowed(model.Regions.Count, model.Cells.Count, shared.Version);
            return true;
        }
        finally
        {
            _imports.Release();
        }
    }

    public void Dispose() => _imports.Dispose();

    private GridValidation Validate(JsonElement regions, JsonElement cells) => new GridValidator(options.Value).Validate(regions, cells);

    private GridValidation Validate(GridDocument document)
    {
        using var regions = JsonDocument.Parse(document.Regions);
        using var cells = JsonDocument.Parse(document.Cells);
        return Validate(regions.RootElement, cells.RootElement);
    }

    private async Task ApplyAsync(GridModel model, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _current, model);
        await Parallel.ForEachAsync(
            model.Regions,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (region, _) => await grains.GetGrain<IRegionGrain>(region.Code).SetChildren(model.ChildrenOf(region.Code)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid of {Regions} regions and {Cells} cells from {Source}: read and validated in {Seconds:F1} s, region grains updated in {ApplySeconds:F1} s")]
    private partial void LogLoaded(int regions, int cells, string source, double seconds, double applySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid of {Regions} regions and {Cells} cells imported")]
    private partial void LogImported(int regions, int cells);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grid of {Regions} regions and {Cells} cells (version {Version}) imported by another node, loaded")]
    private partial void LogFollowed(int regions, int cells, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The cluster's grid version {Version} fails this node's validation; the node keeps its grid")]
    private partial void LogRejected(int version);
}
