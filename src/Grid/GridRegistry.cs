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

    public GridModel Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("The grid is not loaded yet.");

    private string ImportedPath => Path.Combine(
        configuration["Storage:DataPath"] ?? throw new InvalidOperationException("Storage:DataPath is not configured."), "grid", "grid.json");

    private string CityPath => configuration["City:Path"] ?? throw new InvalidOperationException("City:Path is not configured.");

    /// <summary>Loads the imported grid if there is one, else the city's files; an invalid grid is an error that stops the start.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        GridValidation validation;
        string source;
        if (File.Exists(ImportedPath))
        {
            source = ImportedPath;
            using var grid = JsonDocument.Parse(await File.ReadAllBytesAsync(source, cancellationToken));
            validation = Validate(grid.RootElement.GetProperty("regions"), grid.RootElement.GetProperty("cells"));
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

            await SaveAsync(regions, cells, cancellationToken);
            await ApplyAsync(model, cancellationToken);
            LogImported(model.Regions.Count, model.Cells.Count);
            return [];
        }
        finally
        {
            _imports.Release();
        }
    }

    public void Dispose() => _imports.Dispose();

    private GridValidation Validate(JsonElement regions, JsonElement cells) => new GridValidator(options.Value).Validate(regions, cells);

    private async Task SaveAsync(JsonElement regions, JsonElement cells, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ImportedPath)!);
        var temporary = ImportedPath + ".tmp";
        await using (var file = File.Create(temporary))
        await using (var writer = new Utf8JsonWriter(file))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("regions");
            regions.WriteTo(writer);
            writer.WritePropertyName("cells");
            cells.WriteTo(writer);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, ImportedPath, overwrite: true);
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
}
