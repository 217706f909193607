using System.Security.Claims;
using CityOps.DashboardHost.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.DashboardHost.Auth;

/// <summary>The token's user as <see cref="CaseScope"/> judges them: name, roles, regions and department.</summary>
public static class CaseViewers
{
    public static CaseViewer From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var actor = EventActors.From(user);
        return new CaseViewer(actor.Username, actor.Roles, [.. user.FindAll(CityClaims.Region).Select(c => c.Value)], actor.Department);
    }
}
