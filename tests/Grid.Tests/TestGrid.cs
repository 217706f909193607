using System.Text.Json;
using System.Text.Json.Nodes;

namespace CityOps.Grid.Tests;

/// <summary>
/// A hand-made grid small enough to reason about: city 9901 → district 990101 → street 990101001 →
/// community 990101001001, all the square [114.00, 114.03] × [27.00, 27.03], cut into 3 × 3 cells of
/// 0.01° numbered 1–9 row by row from the south-west (cell 5 is the centre).
/// </summary>
public sealed class TestGrid
{
    public const double West = 114.00;
    public const double South = 27.00;
    public const double Size = 0.01;

    public JsonObject Regions { get; } = Collection(
        Region("9901", "city", null, Square(West, South, 3 * Size)),
        Region("990101", "district", "9901", Square(West, South, 3 * Size)),
        Region("990101001", "street", "990101", Square(West, South, 3 * Size)),
        Region("990101001001", "community", "990101001", Square(West, South, 3 * Size)));

    public JsonObject Cells { get; } = Collection([.. Enumerable.Range(1, 9).Select(n =>
        Cell(CellCode(n), "990101001001", Square(West + ((n - 1) % 3 * Size), South + ((n - 1) / 3 * Size), Size)))]);

    public static string CellCode(int n) => $"99010100100100{n:00}";

    public JsonObject Cell(int n) => (JsonObject)Cells["features"]![n - 1]!;

    public JsonObject Region(string code) => (JsonObject)Regions["features"]!.AsArray().Single(f => (string?)f!["properties"]!["code"] == code)!;

    public GridValidation Validate(double toleranceSquareMetres = 1) =>
        new GridValidator(new GridOptions { ToleranceSquareMetres = toleranceSquareMetres }).Validate(Element(Regions), Element(Cells));

    public GridModel Model() => Validate().Model ?? throw new InvalidOperationException(string.Join("\n", Validate().Errors));

    public static JsonElement Element(JsonNode node) => JsonSerializer.SerializeToElement(node);

    public static JsonArray Square(double west, double south, double size) =>
        Ring((west, south), (west + size, south), (west + size, south + size), (west, south + size), (west, south));

    public static JsonArray Ring(params (double Lon, double Lat)[] points) =>
        [new JsonArray([.. points.Select(p => (JsonNode)new JsonArray(Round(p.Lon), Round(p.Lat)))])];

    public static JsonObject Polygon(JsonArray coordinates) => new() { ["type"] = "Polygon", ["coordinates"] = coordinates };

    private static JsonObject Collection(params JsonObject[] features) =>
        new() { ["type"] = "FeatureCollection", ["features"] = new JsonArray([.. features]) };

    private static JsonObject Region(string code, string level, string? parent, JsonArray coordinates) => new()
    {
        ["type"] = "Feature",
        ["properties"] = new JsonObject { ["code"] = code, ["name"] = "区域 " + code, ["level"] = level, ["parent"] = parent },
        ["geometry"] = Polygon(coordinates),
    };

    private static JsonObject Cell(string code, string community, JsonArray coordinates) => new()
    {
        ["type"] = "Feature",
        ["properties"] = new JsonObject { ["code"] = code, ["community"] = community, ["lowLying"] = false },
        ["geometry"] = Polygon(coordinates),
    };

    // Sums like 114.00 + 0.01 carry binary noise; files carry the decimal value, and so should the test grid.
    private static double Round(double value) => Math.Round(value, 9);
}
