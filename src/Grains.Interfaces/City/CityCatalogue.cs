using System.Text.Json;

namespace CityOps.Grains.Interfaces.City;

/// <summary>
/// The city's event catalogue, responsibility list (权责清单) and departments, read once from the
/// city folder (<c>City:Path</c>). A category's alarm kinds tie device alarms to it; the responsibility list is
/// matched by the longest region prefix, so a district's row overrides the city's.
/// </summary>
public sealed class CityCatalogue
{
    private readonly Dictionary<string, CatalogueCategory> _categories;
    private readonly Dictionary<string, CatalogueCategory> _byAlarm;
    private readonly Dictionary<string, DepartmentRecord> _departments;
    private readonly List<ResponsibilityRecord> _responsibilities;

    public CityCatalogue(IEnumerable<CatalogueCategory> categories, IEnumerable<ResponsibilityRecord> responsibilities, IEnumerable<DepartmentRecord> departments)
    {
        _categories = categories.ToDictionary(c => c.Code, StringComparer.Ordinal);
        _byAlarm = [];
        foreach (var category in _categories.Values)
        {
            foreach (var kind in category.AlarmKinds)
            {
                _byAlarm.TryAdd(kind, category);
            }
        }

        _departments = departments.ToDictionary(d => d.Code, StringComparer.Ordinal);
        _responsibilities = [.. responsibilities.OrderByDescending(r => r.Region.Length)];
        var unknown = _responsibilities.Where(r => !_departments.ContainsKey(r.Department) || !_categories.ContainsKey(r.Category)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException("The responsibility list names unknown categories or departments: "
                + string.Join("; ", unknown.Select(r => $"{r.Category} in {r.Region} → {r.Department}")));
        }
    }

    public IReadOnlyCollection<CatalogueCategory> Categories => _categories.Values;

    public IReadOnlyCollection<DepartmentRecord> Departments => _departments.Values;

    public static CityCatalogue Load(string cityPath)
    {
        return new(
            Read<List<CatalogueCategory>>("catalogue.json"),
            Read<List<ResponsibilityRecord>>("responsibilities.json"),
            Read<List<DepartmentRecord>>("departments.json"));

        T Read<T>(string file)
        {
            var path = Path.Combine(cityPath, file);
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream, CityJson.Options) ?? throw new InvalidOperationException($"{path} is empty.");
        }
    }

    public CatalogueCategory? Category(string code) => _categories.GetValueOrDefault(code);

    public CatalogueCategory Require(string code) =>
        Category(code) ?? throw new ArgumentException($"Unknown event category '{code}'.", nameof(code));

    /// <summary>The category a device alarm of this kind reports, or null when the alarm is no case (a device going silent).</summary>
    public CatalogueCategory? ForAlarm(string alarmKind) => _byAlarm.GetValueOrDefault(alarmKind);

    public bool IsDepartment(string code) => _departments.ContainsKey(code);

    /// <summary>The department responsible for a category at a place (a cell or region code), or null when the list has no row for it.</summary>
    public string? ResponsibleDepartment(string category, string regionOrCellCode) =>
        _responsibilities.FirstOrDefault(r => r.Category == category && regionOrCellCode.StartsWith(r.Region, StringComparison.Ordinal))?.Department;
}
