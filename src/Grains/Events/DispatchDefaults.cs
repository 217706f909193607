using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Departments;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Events;

/// <summary>
/// Who a dispatch goes to when the dispatcher leaves it open, and whom the engine dispatches a case of an
/// auto-dispatched category to: the department the responsibility list names for the case's category and
/// cell (<see cref="CityCatalogue.ResponsibleDepartment"/>), and, when asked, that department's nearest
/// on-duty responder (<see cref="IDepartmentGrain.FindNearestOnDuty"/>).
/// </summary>
public static class DispatchDefaults
{
    /// <summary>The chosen department, or the one the responsibility list names.</summary>
    public static string? Department(CityCatalogue catalogue, EventReport report, string? chosen)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentNullException.ThrowIfNull(report);
        return chosen ?? catalogue.ResponsibleDepartment(report.Category, report.Location.CellCode);
    }

    /// <summary>The username of the department's on-duty responder nearest to the place, or null when nobody is on duty.</summary>
    public static async Task<string?> NearestOnDutyAsync(IGrainFactory grains, string department, EventLocation location)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(location);
        var nearest = await grains.GetGrain<IDepartmentGrain>(department).FindNearestOnDuty(location.Longitude, location.Latitude);
        return nearest?.Responder.Username;
    }

    /// <summary>
    /// A dispatch request with its department filled in from the responsibility list and, when it asks for the
    /// nearest responder, its assignee; or why it cannot be completed.
    /// </summary>
    public static async Task<(EventActionRequest Request, string? NobodyOnDuty)> CompleteAsync(
        IGrainFactory grains, CityCatalogue catalogue, EventReport report, EventActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Action != EventAction.Dispatch)
        {
            return (request, null);
        }

        var department = Department(catalogue, report, request.Department);
        var assignee = request.Assignee;
        if (request.AssignNearest && department is not null)
        {
            assignee = await NearestOnDutyAsync(grains, department, report.Location);
            if (assignee is null)
            {
                return (request, $"Nobody of {department} is on duty to assign.");
            }
        }

        return (request with { Department = department, Assignee = assignee }, null);
    }
}
