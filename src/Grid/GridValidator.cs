using System.Globalization;
using System.Text.Json;
using CityOps.Grains.Interfaces.Grid;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Operation.Valid;

namespace CityOps.Grid;

/// <summary>The outcome of validating a grid: the model when there was no error, else every error found.</summary>
public sealed record GridValidation(GridModel? Model, IReadOnlyList<GridError> Errors);

/// <summary>
/// Checks a grid import (a regions and a cells GeoJSON FeatureCollection) and builds its model.
/// Each feature is checked alone first (properties, WGS 84 ranges, polygon validity, code
/// format); then codes across features (duplicates, one city, nesting in the parent); then
/// geometry across features, only among features that passed so one bad polygon does not drown
/// the report: overlaps between features of a level (candidates from an STR-tree), children
/// outside their parent, and gaps a parent's children leave uncovered.
/// </summary>
public sealed class GridValidator(GridOptions options)
{
    public const string RegionsSource = "regions";
    public const string CellsSource = "cells";

    /// <summary>A feature that parsed, with what the later checks need to know about it.</summary>
    private sealed record Candidate(string Source, int Index, string Code, string? Parent, GridLevel Level, Geometry Geometry, object Item)
    {
        public bool Sound { get; set; } = true;

        /// <summary>Overlaps a neighbour or pokes out of its parent, if only by a tolerated sliver.</summary>
        public bool Imperfect { get; set; }

        public GridError Error(string message, Coordinate? at = null) =>
            new(Source, Index, Code, message, at is null ? null : [at.X, at.Y]);
    }

    public GridValidation Validate(JsonElement regions, JsonElement cells)
    {
        var errors = new List<GridError>();
        var regionCandidates = Read(RegionsSource, regions, errors, ReadRegion);
        var cellCandidates = Read(CellsSource, cells, errors, ReadCell);
        List<Candidate> all = [.. regionCandidates, .. cellCandidates];

        CheckCodes(regionCandidates, all, errors);
        var byCode = all.Where(c => c.Sound).ToDictionary(c => c.Code, StringComparer.Ordinal);
        foreach (var level in Enum.GetValues<GridLevel>())
        {
            CheckOverlaps([.. all.Where(c => c.Sound && c.Level == level)], errors);
        }

        CheckContainment(all.Where(c => c.Sound), byCode, errors);
        CheckGaps(regionCandidates, all, errors);

        if (errors.Count > 0)
        {
            return new GridValidation(null, errors);
        }

        var model = new GridModel(regionCandidates.Select(c => (GridRegion)c.Item), cellCandidates.Select(c => (GridCell)c.Item));
        return new GridValidation(model, []);
    }

    private delegate Candidate? FeatureReader(string source, int index, string code, JsonElement properties, Geometry geometry, List<GridError> errors);

    private static List<Candidate> Read(string source, JsonElement collection, List<GridError> errors, FeatureReader read)
    {
        if (collection.ValueKind != JsonValueKind.Object
            || !collection.TryGetProperty("features", out var features)
            || features.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new GridError(source, null, null, "is not a GeoJSON FeatureCollection"));
            return [];
        }

        var candidates = new List<Candidate>();
        var index = -1;
        foreach (var feature in features.EnumerateArray())
        {
            index++;
            if (feature.ValueKind != JsonValueKind.Object
                || !feature.TryGetProperty("properties", out var properties)
                || properties.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new GridError(source, index, null, "is not a GeoJSON Feature with properties"));
                continue;
            }

            if (Text(properties, "code") is not { Length: > 0 } code)
            {
                errors.Add(new GridError(source, index, null, "has no code"));
                continue;
            }

            if (ReadPolygon(feature) is not { } geometry)
            {
                errors.Add(new GridError(source, index, code, DescribeGeometryProblem(feature)));
                continue;
            }

            if (geometry.Coordinates.FirstOrDefault(c => !IsWgs84(c)) is { } outside)
            {
                errors.Add(new GridError(source, index, code, string.Create(
                    CultureInfo.InvariantCulture, $"coordinate ({outside.X}, {outside.Y}) is outside WGS 84 (longitude -180 to 180, latitude -90 to 90)")));
                continue;
            }

            // An axis-aligned box with area (most unit cells) is valid by construction.
            if (!(geometry.IsRectangle && geometry.Area > 0) && new IsValidOp(geometry).ValidationError is { } invalid)
            {
                errors.Add(new GridError(source, index, code, $"invalid polygon: {invalid.Message}", [invalid.Coordinate.X, invalid.Coordinate.Y]));
                continue;
            }

            if (read(source, index, code, properties, geometry, errors) is { } candidate)
            {
                candidates.Add(candidate);
            }
        }

        return candidates;
    }

    private static Geometry? ReadPolygon(JsonElement feature)
    {
        if (!feature.TryGetProperty("geometry", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        try
        {
            return element.Deserialize<Geometry>(GridJson.Options) is { } g and (Polygon or MultiPolygon) && !g.IsEmpty ? g : null;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Why a feature's geometry could not be read as a polygon, in words a data editor can act on.</summary>
    private static string DescribeGeometryProblem(JsonElement feature)
    {
        if (!feature.TryGetProperty("geometry", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return "has no geometry";
        }

        var type = Text(element, "type");
        if (type is not ("Polygon" or "MultiPolygon"))
        {
            return $"geometry is a {type ?? "geometry without a type"}, not a Polygon or MultiPolygon";
        }

        try
        {
            element.Deserialize<Geometry>(GridJson.Options);
            return "invalid polygon: it has no area";
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            return $"invalid polygon: {e.Message}";
        }
    }

    private static Candidate? ReadRegion(string source, int index, string code, JsonElement properties, Geometry geometry, List<GridError> errors)
    {
        var levelName = Text(properties, "level");
        if (levelName is null || !Enum.TryParse<GridLevel>(levelName, ignoreCase: true, out var level) || level == GridLevel.Cell
            || !string.Equals(levelName, level.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new GridError(source, index, code, $"level '{levelName}' is not one of city, district, street, community"));
            return null;
        }

        var parent = Text(properties, "parent");
        var region = new GridRegion(code, Text(properties, "name") ?? code, Text(properties, "nameEn"), level, parent, geometry);
        return new Candidate(source, index, code, parent, level, geometry, region);
    }

    private static Candidate? ReadCell(string source, int index, string code, JsonElement properties, Geometry geometry, List<GridError> errors)
    {
        if (Text(properties, "community") is not { Length: > 0 } community)
        {
            errors.Add(new GridError(source, index, code, "has no community"));
            return null;
        }

        var attributes = properties.EnumerateObject()
            .Where(p => p.Name is not ("code" or "community"))
            .ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        var cell = new GridCell(code, community, geometry, attributes);
        return new Candidate(source, index, code, community, GridLevel.Cell, geometry, cell);
    }

    private static void CheckCodes(List<Candidate> regions, List<Candidate> all, List<GridError> errors)
    {
        var first = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var c in all)
        {
            if (GridCodes.LevelOf(c.Code) != c.Level)
            {
                errors.Add(c.Error($"code is not a {Name(c.Level)} code of {GridCodes.LengthOf(c.Level)} digits"));
                c.Sound = false;
            }

            if (!first.TryAdd(c.Code, c))
            {
                var earlier = first[c.Code];
                errors.Add(c.Error($"duplicate code, already used by {earlier.Source}[{earlier.Index}]"));
                c.Sound = false;
            }
        }

        var cities = regions.Where(r => r.Level == GridLevel.City).ToList();
        if (cities.Count == 0)
        {
            errors.Add(new GridError(RegionsSource, null, null, "has no region of level city"));
        }

        foreach (var extra in cities.Skip(1))
        {
            errors.Add(extra.Error($"a second city; the grid has one, {cities[0].Code}"));
            extra.Sound = false;
        }

        foreach (var c in all.Where(c => c.Level != GridLevel.City))
        {
            var parentKind = c.Level == GridLevel.Cell ? "community" : "parent";
            if (c.Parent is null)
            {
                errors.Add(c.Error($"has no {parentKind}"));
                c.Sound = false;
            }
            else if (!c.Code.StartsWith(c.Parent, StringComparison.Ordinal) || GridCodes.ParentOf(c.Code) != c.Parent)
            {
                errors.Add(c.Error($"code does not nest in its {parentKind} {c.Parent}"));
                c.Sound = false;
            }
            else if (!first.TryGetValue(c.Parent, out var parent) || parent.Source != RegionsSource)
            {
                errors.Add(c.Error($"{parentKind} {c.Parent} is not a region of the import"));
                c.Sound = false;
            }
        }

        foreach (var city in cities.Where(c => c.Parent is not null))
        {
            errors.Add(city.Error($"the city cannot have a parent ({city.Parent})"));
            city.Sound = false;
        }
    }

    private void CheckOverlaps(List<Candidate> features, List<GridError> errors)
    {
        var tree = new STRtree<int>();
        for (var i = 0; i < features.Count; i++)
        {
            tree.Insert(features[i].Geometry.EnvelopeInternal, i);
        }

        tree.Build();
        for (var i = 0; i < features.Count; i++)
        {
            var a = features[i].Geometry;
            foreach (var j in tree.Query(a.EnvelopeInternal).Where(j => j > i).Order())
            {
                var b = features[j].Geometry;
                // Neighbours share borders; only a shared interior is an overlap. Boxes that meet
                // along a line cannot share one, and for two rectangles the boxes are the shapes.
                var common = a.EnvelopeInternal.Intersection(b.EnvelopeInternal);
                var rectangles = a.IsRectangle && b.IsRectangle;
                if (common.Width <= 0 || common.Height <= 0
                    || (!rectangles && a.Relate(b).Get(Location.Interior, Location.Interior) != Dimension.Surface))
                {
                    continue;
                }

                features[i].Imperfect = features[j].Imperfect = true;
                var shared = rectangles ? a.Factory.ToGeometry(common) : a.Intersection(b);
                if (SquareMetres(shared) is var area && area > options.ToleranceSquareMetres)
                {
                    errors.Add(features[j].Error($"overlaps {Name(features[i].Level)} {features[i].Code} by {area:0.#} m²", shared.InteriorPoint.Coordinate));
                }
            }
        }
    }

    private void CheckContainment(IEnumerable<Candidate> children, Dictionary<string, Candidate> byCode, List<GridError> errors)
    {
        var prepared = new Dictionary<string, IPreparedGeometry>(StringComparer.Ordinal);
        foreach (var child in children)
        {
            if (child.Parent is null || !byCode.TryGetValue(child.Parent, out var parent))
            {
                continue;
            }

            if (!prepared.TryGetValue(parent.Code, out var shape))
            {
                prepared[parent.Code] = shape = PreparedGeometryFactory.Prepare(parent.Geometry);
            }

            if (shape.Covers(child.Geometry))
            {
                continue;
            }

            child.Imperfect = true;
            var outside = child.Geometry.Difference(parent.Geometry);
            if (SquareMetres(outside) is var area && area > options.ToleranceSquareMetres)
            {
                errors.Add(child.Error($"extends {area:0.#} m² outside its {Name(parent.Level)} {parent.Code}", outside.InteriorPoint.Coordinate));
            }
        }
    }

    private void CheckGaps(List<Candidate> regions, List<Candidate> all, List<GridError> errors)
    {
        var children = all.Where(c => c.Parent is not null).ToLookup(c => c.Parent!, StringComparer.Ordinal);
        foreach (var region in regions.Where(r => r.Sound))
        {
            var own = children[region.Code].ToList();
            var kind = region.Level == GridLevel.Community ? "cells" : "sub-regions";
            if (own.Count == 0)
            {
                errors.Add(region.Error($"has no {kind}: every part of the city must belong to a unit cell"));
                continue;
            }

            // A child already reported as broken would show up again as a gap.
            if (own.Any(c => !c.Sound))
            {
                continue;
            }

            // Children that neither overlap nor leave their parent cover exactly the sum of their
            // areas, so a total shortfall within the tolerance rules out any gap without a union.
            if (!own.Any(c => c.Imperfect)
                && SquareMetres(region.Geometry, region.Geometry.Area - own.Sum(c => c.Geometry.Area)) <= options.ToleranceSquareMetres)
            {
                continue;
            }

            var covered = UnaryUnionOp.Union(own.Select(c => c.Geometry).ToList());
            var gaps = region.Geometry.Difference(covered);
            for (var i = 0; i < gaps.NumGeometries; i++)
            {
                var gap = gaps.GetGeometryN(i);
                if (SquareMetres(gap) is var area && area > options.ToleranceSquareMetres)
                {
                    errors.Add(region.Error($"gap of {area:0.#} m² not covered by any of its {kind}", gap.InteriorPoint.Coordinate));
                }
            }
        }
    }

    /// <summary>The area of a WGS 84 geometry in square metres, on a local equirectangular approximation.</summary>
    public static double SquareMetres(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return geometry.IsEmpty ? 0 : SquareMetres(geometry, geometry.Area);
    }

    /// <summary>An area in square degrees, converted at the latitude of <paramref name="place"/>.</summary>
    private static double SquareMetres(Geometry place, double squareDegrees)
    {
        const double metresPerDegree = Math.PI * 6_371_008.8 / 180;
        var latitude = double.DegreesToRadians(place.EnvelopeInternal.Centre.Y);
        return squareDegrees * metresPerDegree * metresPerDegree * Math.Cos(latitude);
    }

    private static bool IsWgs84(Coordinate c) => c.X is >= -180 and <= 180 && c.Y is >= -90 and <= 90;

    private static string Name(GridLevel level) => level.ToString().ToLowerInvariant();

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
