using System.Security.Claims;
using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.DashboardHost.Events;

/// <summary>The actor of a case action is the token's user: their name, roles and department.</summary>
public static class EventActors
{
    public static EventActor From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = user.FindFirst("sub")?.Value ?? throw new InvalidOperationException("The token names no user.");
        var roles = user.FindAll(CityClaims.Role).Select(r => RoleOf(r.Value)).OfType<EventRole>().Distinct().ToArray();
        return new EventActor(name, roles, user.FindFirst(CityClaims.Department)?.Value);
    }

    /// <summary>A report's channel by who made it: field staff are inspectors, everyone else at the centre an operator.</summary>
    public static EventChannel ChannelOf(EventActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.Roles.Any(r => r is EventRole.Operator or EventRole.Admin or EventRole.Dispatcher) ? EventChannel.Operator : EventChannel.Inspector;
    }

    private static EventRole? RoleOf(string role) => role switch
    {
        Roles.Admin => EventRole.Admin,
        Roles.Operator => EventRole.Operator,
        Roles.Dispatcher => EventRole.Dispatcher,
        Roles.Responder => EventRole.Responder,
        _ => null,
    };
}
