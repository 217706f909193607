using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

namespace CityOps.DashboardHost.Auth;

/// <summary>
/// The one mechanism every route and the hub use to decide who may do what, and where.
/// An endpoint names a policy (which roles); a handler that touches a thing in the city then asks
/// <see cref="AccessExtensions.CanAccessAsync"/> whether that thing lies in the user's regions.
/// Cases have a rule of their own, <see cref="Grains.Interfaces.Events.CaseScope"/> (regions and department).
/// </summary>
public static class AccessPolicies
{
    /// <summary>Anyone signed in with one of the four roles: reading the city's situation.</summary>
    public const string Viewer = "viewer";

    /// <summary>Command-centre staff: operators and administrators.</summary>
    public const string Operator = "operator";

    /// <summary>Those who route cases: dispatchers, operators, administrators.</summary>
    public const string Dispatcher = "dispatcher";

    /// <summary>Field staff and everyone above them.</summary>
    public const string Responder = "responder";

    /// <summary>Provisioning and configuration.</summary>
    public const string Admin = "admin";

    /// <summary>The resource-based policy behind <see cref="AccessExtensions.CanAccessAsync"/>.</summary>
    public const string InScope = "in-scope";

    /// <summary>The roles of <see cref="Operator"/>: who may send devices commands (the pages read them from <c>GET /api/domain</c>).</summary>
    public static IReadOnlyList<string> OperatorRoles { get; } = [Roles.Admin, Roles.Operator];

    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Viewer, p => p.RequireAuthenticatedUser().RequireRole(Roles.All));
        options.AddPolicy(Operator, p => p.RequireAuthenticatedUser().RequireRole(OperatorRoles));
        options.AddPolicy(Dispatcher, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.Operator, Roles.Dispatcher));
        options.AddPolicy(Responder, p => p.RequireAuthenticatedUser().RequireRole(Roles.All));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        options.AddPolicy(InScope, p => p.RequireAuthenticatedUser().AddRequirements(new RegionScopeRequirement()));
        options.FallbackPolicy = options.GetPolicy(Viewer);
    }
}

/// <summary>Something that lives in a region of the city and, for case work, belongs to a department.</summary>
/// <param name="RegionCode">A region or cell code; codes nest by prefix (district ⊃ street ⊃ community ⊃ cell).</param>
/// <param name="Department">The owning department, when the thing is departmental work.</param>
public sealed record ScopedResource(string RegionCode, string? Department = null);

public sealed class RegionScopeRequirement : IAuthorizationRequirement;

/// <summary>Grants access to a resource inside one of the user's regions and, for departmental users, their department.</summary>
public sealed class RegionScopeHandler : AuthorizationHandler<RegionScopeRequirement, ScopedResource>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RegionScopeRequirement requirement, ScopedResource resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resource);
        if (RegionScope.Allows(context.User, resource))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The pure rule behind the scope check, reachable by unit tests.</summary>
public static class RegionScope
{
    public static bool Allows(ClaimsPrincipal user, ScopedResource resource)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(resource);
        var inRegion = user.FindAll(CityClaims.Region).Any(r => Contains(r.Value, resource.RegionCode));
        var department = user.FindFirst(CityClaims.Department)?.Value;
        var inDepartment = department is null || resource.Department is null || department == resource.Department;
        return inRegion && inDepartment;
    }

    /// <summary>Whether <paramref name="code"/> lies inside <paramref name="region"/> (GB/T 30428.1 codes nest by prefix).</summary>
    public static bool Contains(string region, string code) =>
        region.Length > 0 && code.StartsWith(region, StringComparison.Ordinal);
}

public static class AccessExtensions
{
    public static async Task<bool> CanAccessAsync(this IAuthorizationService authorization, ClaimsPrincipal user, ScopedResource resource)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        return (await authorization.AuthorizeAsync(user, resource, AccessPolicies.InScope)).Succeeded;
    }
}
