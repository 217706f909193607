using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Grid;

namespace CityOps.Grains.Interfaces.Events;

/// <summary>Who is looking at cases: the user of a token, with the regions and department it names.</summary>
/// <param name="Regions">Region codes; a case is inside when its cell code starts with one of them.</param>
/// <param name="Department">The user's department; null for the command centre (operators, administrators).</param>
[GenerateSerializer, Immutable]
public sealed record CaseViewer(
    [property: Id(0)] string Username,
    [property: Id(1)] EventRole[] Roles,
    [property: Id(2)] string[] Regions,
    [property: Id(3)] string? Department)
{
    /// <summary>Operators and administrators: without a department they see every department's cases in their regions.</summary>
    public bool IsCentre => Roles.Contains(EventRole.Operator) || Roles.Contains(EventRole.Admin);

    public bool Covers(string code)
    {
        foreach (var region in Regions)
        {
            if (region.Length > 0 && GridCodes.IsWithin(code, region))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The one rule of which cases a user may read, list, receive on the hub and act on (docs/security.md, Scope).
/// A case must lie in one of the user's regions. Then:
/// <list type="bullet">
/// <item>a user without a department may see it only as an operator or administrator;</item>
/// <item>a department user (dispatcher, responder) sees the cases dispatched to their department; a
/// case not dispatched yet only as a dispatcher of the department the responsibility list names for it;</item>
/// <item>responders of the inspection department also see other departments' cases waiting for
/// verification (<see cref="EventState.Handled"/>), which the lifecycle lets them verify or send back.</item>
/// </list>
/// The lifecycle still decides which actions a user in scope may take. Every HTTP route on cases, the
/// case index (lists, hub snapshots) and the hub's deltas ask this class, so the rule is stated once.
/// </summary>
public sealed class CaseScope
{
    /// <summary>The sample city's urban management bureau, whose inspectors verify cases (<c>Events:InspectionDepartment</c>).</summary>
    public const string DefaultInspectionDepartment = "urban";

    /// <summary>The configuration key of the inspection department, read by the grains and the HTTP host alike.</summary>
    public const string InspectionDepartmentSetting = "Events:InspectionDepartment";

    private readonly CityCatalogue _catalogue;

    public CaseScope(CityCatalogue catalogue, string? inspectionDepartment = null)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        _catalogue = catalogue;
        InspectionDepartment = string.IsNullOrWhiteSpace(inspectionDepartment) ? DefaultInspectionDepartment : inspectionDepartment;
    }

    public string InspectionDepartment { get; }

    /// <summary>Whether the viewer may see and act on the case; cheap enough for every case of a list or a hub batch.</summary>
    public bool Allows(CaseViewer viewer, EventSummary summary) => Judge(viewer, summary, out _) == Denial.None;

    /// <summary>Why the viewer may not see or act on the case, or null when they may.</summary>
    public string? Refusal(CaseViewer viewer, EventSummary summary) => Judge(viewer, summary, out var responsible) switch
    {
        Denial.None => null,
        Denial.OutsideRegions => $"Case {summary.Id} lies in cell {summary.Location.CellCode}, outside your regions.",
        Denial.NoDepartment => $"Case {summary.Id} belongs to a department and your token names none; only operators and administrators see every department's cases.",
        Denial.OtherDepartment => $"Case {summary.Id} is dispatched to {summary.Department}, not to your department {viewer.Department}.",
        Denial.NotYetDispatched => $"Case {summary.Id} is not dispatched yet; until it is, only dispatchers of {viewer.Department} see it.",
        Denial.OtherResponsible => $"Case {summary.Id} is not dispatched yet and the responsibility list gives it to {responsible ?? "no department"}, not to your department {viewer.Department}.",
        var other => throw new InvalidOperationException($"Unknown denial {other}."),
    };

    /// <summary>
    /// Why the viewer may not read a department's figures, or null when they may. The figures count the
    /// whole city, so the viewer's regions must cover it; a department user reads only their own department's.
    /// </summary>
    public static string? DepartmentFiguresRefusal(CaseViewer viewer, string department, string cityCode)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (viewer.Department is { } own && own != department)
        {
            return $"You see the figures of your department {own}, not of {department}.";
        }

        if (viewer.Department is null && !viewer.IsCentre)
        {
            return "Your token names no department; only operators and administrators see every department's figures.";
        }

        return viewer.Covers(cityCode)
            ? null
            : $"A department's figures count the whole city ({cityCode}), beyond your regions; ask for those of a region (?region=).";
    }

    private Denial Judge(CaseViewer viewer, EventSummary summary, out string? responsible)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(summary);
        responsible = null;
        var cell = summary.Location.CellCode;
        if (!viewer.Covers(cell))
        {
            return Denial.OutsideRegions;
        }

        if (viewer.Department is not { } own)
        {
            return viewer.IsCentre ? Denial.None : Denial.NoDepartment;
        }

        if (summary.Department is { } assigned)
        {
            return assigned == own || IsInspection(viewer, summary) ? Denial.None : Denial.OtherDepartment;
        }

        responsible = _catalogue.ResponsibleDepartment(summary.Category, cell);
        if (responsible != own)
        {
            return Denial.OtherResponsible;
        }

        return viewer.Roles.Contains(EventRole.Dispatcher) ? Denial.None : Denial.NotYetDispatched;
    }

    /// <summary>An inspector (监督员) of the inspection department looking at a case that waits for verification.</summary>
    private bool IsInspection(CaseViewer viewer, EventSummary summary) =>
        summary.State == EventState.Handled && viewer.Department == InspectionDepartment && viewer.Roles.Contains(EventRole.Responder);

    private enum Denial
    {
        None,
        OutsideRegions,
        NoDepartment,
        OtherDepartment,
        NotYetDispatched,
        OtherResponsible,
    }
}
