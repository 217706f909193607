using System.Text.Json;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CityOps.Grid;

/// <summary>GeoJSON reading and writing for the grid, in WGS 84 (SRID 4326).</summary>
public static class GridJson
{
    public static GeometryFactory Factory { get; } = NtsGeometryServices.Instance.CreateGeometryFactory(4326);

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new GeoJsonConverterFactory(Factory) },
    };
}
