using System.Globalization;
using System.Text.RegularExpressions;
using CityOps.DashboardHost.Auth;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grid;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CityOps.DashboardHost.Admin;

/// <summary>What an administrator sends to create a user.</summary>
public sealed record NewUserRequest(string? Username, string? DisplayName, string? Password, string[]? Roles, string[]? Regions, string? Department);

/// <summary>What an administrator sends to change a user's name, roles, regions and department.</summary>
public sealed record UserProfileRequest(string? DisplayName, string[]? Roles, string[]? Regions, string? Department);

public sealed record PasswordRequest(string? Password);

/// <summary>A user as administrators see them; never the password or its hash.</summary>
public sealed record AdminUserResponse(
    string Username, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Regions, string? Department,
    bool Disabled, bool InitialPassword, DateTimeOffset? LockedUntil, DateTimeOffset UpdatedAt, DateTimeOffset? LastSignInAt, int ActiveSessions)
{
    public static AdminUserResponse From(UserAccountView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var p = v.Profile;
        return new(p.Username, p.DisplayName, p.Roles, p.Regions, p.Department, v.Disabled, v.InitialPassword, v.LockedUntil, v.UpdatedAt, v.LastSignInAt, v.ActiveSessions);
    }
}

/// <summary>One month of the administration audit and whether it verifies.</summary>
public sealed record AdminAuditResponse(string Month, IReadOnlyList<AdminAuditEntry> Entries, AuditVerification Verification);

/// <summary>
/// User administration (docs/security.md, User administration): administrators only. Every change is
/// appended to the administration audit with who made it and from where; a change of roles, regions,
/// department, a disable or a password reset ends the user's sessions at once.
/// </summary>
public static partial class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(AccessPolicies.Admin);
        admin.MapGet("/users", ListUsers).WithSummary("Every user with roles, regions, department, and whether disabled, locked or on an initial password");
        admin.MapGet("/users/{username}", GetUser).WithSummary("One user");
        admin.MapPost("/users", CreateUser).WithSummary("Create a user with a password that meets the password policy");
        admin.MapPut("/users/{username}", UpdateUser).WithSummary("Set a user's display name, roles, regions and department; their sessions end");
        admin.MapPost("/users/{username}/disable", (string username, HttpContext http, IGrainFactory grains, AdminAuditLog audit, TimeProvider clock) =>
            SetDisabled(username, true, http, grains, audit, clock)).WithSummary("Disable a user; their sessions end");
        admin.MapPost("/users/{username}/enable", (string username, HttpContext http, IGrainFactory grains, AdminAuditLog audit, TimeProvider clock) =>
            SetDisabled(username, false, http, grains, audit, clock)).WithSummary("Enable a user again");
        admin.MapPost("/users/{username}/password", ResetPassword).WithSummary("Reset a user's password; their sessions end and a lockout is lifted");
        admin.MapGet("/audit", GetAudit).WithSummary("A month of the administration audit (?month=yyyy-MM, default this month) and whether it verifies");
        admin.MapPost("/audit/verify", VerifyAudit).WithSummary("Verify a month of the administration audit: the first broken link, if any");
        return app;
    }

    private static async Task<Ok<AdminUserResponse[]>> ListUsers(IGrainFactory grains)
    {
        var names = await grains.GetGrain<IUserDirectoryGrain>(IUserDirectoryGrain.Key).List();
        var views = await Task.WhenAll(names.Select(n => grains.GetGrain<IUserAccountGrain>(n).Get()));
        return TypedResults.Ok(views.OfType<UserAccountView>().Select(AdminUserResponse.From).ToArray());
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> GetUser(string username, IGrainFactory grains) =>
        await grains.GetGrain<IUserAccountGrain>(username).Get() is { } view
            ? TypedResults.Ok(AdminUserResponse.From(view))
            : NoSuchUser(username);

    private static async Task<Results<Created<AdminUserResponse>, ProblemHttpResult>> CreateUser(
        NewUserRequest request, HttpContext http, IGrainFactory grains, GridRegistry grid, CityCatalogue catalogue, AdminAuditLog audit, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Username))
        {
            return BadRequest("username is required.");
        }

        if (request.Username.Length > InputLimits.Code)
        {
            return InputLimits.TooLong("username", InputLimits.Code);
        }

        if (!UsernamePattern().IsMatch(request.Username))
        {
            return BadRequest("username must be 2 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (ProfileProblem(new UserProfileRequest(request.DisplayName, request.Roles, request.Regions, request.Department), grid, catalogue) is { } invalid)
        {
            return invalid;
        }

        if (PasswordPolicy.Problem(request.Username, request.Password) is { } weak)
        {
            return PasswordProblem(weak);
        }

        var profile = new UserProfile(request.Username, request.DisplayName!.Trim(), request.Roles!.Distinct().ToArray(), request.Regions!.Distinct().ToArray(), Blank(request.Department));
        var created = await grains.GetGrain<IUserDirectoryGrain>(IUserDirectoryGrain.Key)
            .Create(profile, PasswordHasher.Hash(request.Password!), initialPassword: false, clock.GetUtcNow());
        await audit.AppendAsync(http, Actor(http), AdminAuditActions.CreateUser, profile.Username, created, Describe(profile));
        if (!created)
        {
            return TypedResults.Problem(title: $"User '{request.Username}' already exists.", statusCode: StatusCodes.Status409Conflict);
        }

        var view = await grains.GetGrain<IUserAccountGrain>(profile.Username).Get();
        return TypedResults.Created($"/api/admin/users/{profile.Username}", AdminUserResponse.From(view!));
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> UpdateUser(
        string username, UserProfileRequest request, HttpContext http, IGrainFactory grains, GridRegistry grid, CityCatalogue catalogue, AdminAuditLog audit, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ProfileProblem(request, grid, catalogue) is { } invalid)
        {
            return invalid;
        }

        if (username == Actor(http) && !request.Roles!.Contains(Roles.Admin))
        {
            return BadRequest("An administrator cannot take the admin role from themselves; ask another administrator.");
        }

        var profile = new UserProfile(username, request.DisplayName!.Trim(), request.Roles!.Distinct().ToArray(), request.Regions!.Distinct().ToArray(), Blank(request.Department));
        var view = await grains.GetGrain<IUserAccountGrain>(username).UpdateProfile(profile, clock.GetUtcNow());
        if (view is null)
        {
            return NoSuchUser(username);
        }

        await audit.AppendAsync(http, Actor(http), AdminAuditActions.UpdateUser, username, true, Describe(profile));
        return TypedResults.Ok(AdminUserResponse.From(view));
    }

    private static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> SetDisabled(
        string username, bool disabled, HttpContext http, IGrainFactory grains, AdminAuditLog audit, TimeProvider clock)
    {
        if (disabled && username == Actor(http))
        {
            return BadRequest("An administrator cannot disable themselves; ask another administrator.");
        }

        var view = await grains.GetGrain<IUserAccountGrain>(username).SetDisabled(disabled, clock.GetUtcNow());
        if (view is null)
        {
            return NoSuchUser(username);
        }

        await audit.AppendAsync(http, Actor(http), disabled ? AdminAuditActions.DisableUser : AdminAuditActions.EnableUser, username, true);
        return TypedResults.Ok(AdminUserResponse.From(view));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResetPassword(
        string username, PasswordRequest request, HttpContext http, IGrainFactory grains, AdminAuditLog audit, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (PasswordPolicy.Problem(username, request.Password) is { } weak)
        {
            return PasswordProblem(weak);
        }

        var view = await grains.GetGrain<IUserAccountGrain>(username).SetPassword(PasswordHasher.Hash(request.Password!), clock.GetUtcNow());
        if (view is null)
        {
            return NoSuchUser(username);
        }

        await audit.AppendAsync(http, Actor(http), AdminAuditActions.ResetPassword, username, true);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AdminAuditResponse>, ProblemHttpResult>> GetAudit(string? month, IGrainFactory grains, TimeProvider clock)
    {
        if (MonthOf(month, clock) is not { } key)
        {
            return BadRequest("month must be yyyy-MM, e.g. 2026-12.");
        }

        var grain = grains.GetGrain<IAdminAuditGrain>(key);
        return TypedResults.Ok(new AdminAuditResponse(key, await grain.Get(), await grain.Verify()));
    }

    private static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> VerifyAudit(string? month, IGrainFactory grains, TimeProvider clock) =>
        MonthOf(month, clock) is { } key
            ? TypedResults.Ok(await grains.GetGrain<IAdminAuditGrain>(key).Verify())
            : BadRequest("month must be yyyy-MM, e.g. 2026-12.");

    private static string? MonthOf(string? month, TimeProvider clock)
    {
        if (string.IsNullOrEmpty(month))
        {
            return AdminAuditMonths.Of(clock.GetUtcNow());
        }

        return DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? month : null;
    }

    private static ProblemHttpResult? ProfileProblem(UserProfileRequest r, GridRegistry grid, CityCatalogue catalogue)
    {
        if (string.IsNullOrWhiteSpace(r.DisplayName))
        {
            return BadRequest("displayName is required.");
        }

        if (r.DisplayName.Length > InputLimits.Name)
        {
            return InputLimits.TooLong("displayName", InputLimits.Name);
        }

        if (r.Roles is not { Length: > 0 } roles || roles.Any(role => !Roles.All.Contains(role)))
        {
            return BadRequest($"roles must be one or more of {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}.");
        }

        if (r.Regions is not { Length: > 0 and <= 50 } regions)
        {
            return BadRequest("regions must name 1 to 50 regions of the city.");
        }

        var model = grid.Current;
        if (regions.FirstOrDefault(code => code is null || code.Length > InputLimits.Code || (model.Region(code) is null && model.Cell(code) is null)) is { } unknown)
        {
            return BadRequest($"region '{unknown}' is not a region or cell of the city.");
        }

        if (r.Department is { Length: > InputLimits.Code })
        {
            return InputLimits.TooLong("department", InputLimits.Code);
        }

        var department = Blank(r.Department);
        var departmental = roles.Any(role => role is Roles.Dispatcher or Roles.Responder);
        if (departmental && department is null)
        {
            return BadRequest("department is required for dispatchers and responders.");
        }

        if (department is not null && catalogue.Departments.All(d => d.Code != department))
        {
            return BadRequest($"department '{department}' is not a department of the city.");
        }

        return !departmental && department is not null
            ? BadRequest("Only dispatchers and responders belong to a department; operators and administrators see every department.")
            : null;
    }

    private static (string, string?)[] Describe(UserProfile p) =>
    [
        ("roles", string.Join(',', p.Roles)),
        ("regions", string.Join(',', p.Regions)),
        ("department", p.Department),
        ("displayName", p.DisplayName),
    ];

    private static string Actor(HttpContext http) => http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value ?? "unknown";

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static ProblemHttpResult BadRequest(string title) => TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult PasswordProblem(string why) => TypedResults.Problem(
        title: $"The password does not meet the password policy: {why}.",
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?> { ["field"] = "password" });

    private static ProblemHttpResult NoSuchUser(string username) =>
        TypedResults.Problem(title: $"No user '{username}'.", statusCode: StatusCodes.Status404NotFound);

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,63}$")]
    private static partial Regex UsernamePattern();
}
