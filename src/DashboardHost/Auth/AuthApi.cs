using System.Globalization;
using System.Text.Json.Serialization;
using CityOps.Grains.Interfaces.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CityOps.DashboardHost.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record RefreshRequest([property: JsonPropertyName("refresh_token")] string? RefreshToken);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("refresh_expires_in")] int RefreshExpiresIn);

/// <summary>
/// Sign-in, refresh and sign-out (docs/security.md, Sign-in). The costly password check runs only
/// after the cheap ones: the address's rate limit (middleware), the username's, and the account's
/// lockout; an unknown or disabled user is checked against a decoy hash so the answer takes as long.
/// </summary>
public static class AuthApi
{
    public const int MaxUsername = 64;

    /// <summary>PBKDF2 over a very long password costs more; nobody types more than this.</summary>
    public const int MaxPassword = PasswordPolicy.MaxLength;

    /// <summary>An unknown user costs as much as a wrong password, so timing does not tell which usernames exist.</summary>
    private static readonly string DecoyHash = PasswordHasher.Hash(Guid.NewGuid().ToString());

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueToken)
            .AllowAnonymous()
            .RequireRateLimiting(SignInLimits.SignInPolicy)
            .WithTags("Auth")
            .WithSummary("Exchange a username and password for an access token and a refresh token")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status423Locked)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapPost("/api/auth/refresh", Refresh)
            .AllowAnonymous()
            .RequireRateLimiting(SignInLimits.SignInPolicy)
            .WithTags("Auth")
            .WithSummary("Exchange a refresh token for new tokens; a refresh token used twice ends its session")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        app.MapPost("/api/auth/signout", SignOut)
            .RequireAuthorization(AccessPolicies.Viewer)
            .WithTags("Auth")
            .WithSummary("End the token's session: its refresh token and access tokens stop working")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> IssueToken(
        TokenRequest? request, HttpContext http, IGrainFactory grains, TokenIssuer issuer, SignInThrottle throttle,
        AdminAuditLog audit, IOptions<AuthOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return Problem(StatusCodes.Status400BadRequest, "Username and password are required.");
        }

        if (request.Username.Length > MaxUsername)
        {
            return InputLimits.TooLong("username", MaxUsername);
        }

        if (request.Password.Length > MaxPassword)
        {
            return InputLimits.TooLong("password", MaxPassword);
        }

        var username = request.Username;
        if (throttle.TryAcquire(username) is { } wait)
        {
            loggers.CreateLogger(typeof(AuthApi)).LogWarning("Sign-ins for {Username} throttled (from {Address})", username, AdminAuditLog.AddressOf(http));
            return new TooMany(wait, "Too many sign-in attempts for this username.");
        }

        var account = grains.GetGrain<IUserAccountGrain>(username);
        var ticket = await account.BeginSignIn(clock.GetUtcNow());
        if (ticket.Gate == SignInGate.Locked)
        {
            await audit.AppendAsync(http, username, AdminAuditActions.SignIn, null, false, ("reason", "locked"));
            return Locked(ticket.LockedUntil!.Value, clock);
        }

        var matched = PasswordHasher.Verify(request.Password, ticket.Gate == SignInGate.Open ? ticket.PasswordHash! : DecoyHash)
            && ticket.Gate == SignInGate.Open;
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var (sessionId, secret) = (RefreshTokens.NewSessionId(), RefreshTokens.NewSecret());
        var result = await account.CompleteSignIn(matched, settings.Lockout, new NewSession(sessionId, RefreshTokens.Hash(secret), now + settings.RefreshTokenLifetime), now);
        if (!result.SignedIn)
        {
            var reason = ticket.Gate switch
            {
                SignInGate.Unknown => "unknownUser",
                SignInGate.Disabled => "disabled",
                _ => "wrongPassword",
            };
            await audit.AppendAsync(http, username, AdminAuditActions.SignIn, null, false, ("reason", reason), ("lockedUntil", result.LockedUntil?.ToString("O", CultureInfo.InvariantCulture)));
            return result.LockedUntil is { } until
                ? Locked(until, clock)
                : Problem(StatusCodes.Status401Unauthorized, "Unknown user or wrong password.");
        }

        await audit.AppendAsync(http, username, AdminAuditActions.SignIn, null, true, ("session", sessionId));
        return TypedResults.Ok(Tokens(issuer, settings, result.Profile!, result.TokenVersion, sessionId, secret));
    }

    private static async Task<IResult> Refresh(
        RefreshRequest? request, HttpContext http, IGrainFactory grains, TokenIssuer issuer, AdminAuditLog audit, IOptions<AuthOptions> options, TimeProvider clock)
    {
        if (RefreshTokens.Parse(request?.RefreshToken) is not { } presented)
        {
            return Problem(StatusCodes.Status401Unauthorized, "The refresh token is not valid: sign in again.");
        }

        var settings = options.Value;
        var now = clock.GetUtcNow();
        var next = RefreshTokens.NewSecret();
        var result = await grains.GetGrain<IUserAccountGrain>(presented.Username)
            .Refresh(presented.SessionId, RefreshTokens.Hash(presented.Secret), RefreshTokens.Hash(next), now + settings.RefreshTokenLifetime, now);
        switch (result.Outcome)
        {
            case RefreshOutcome.Rotated:
                return TypedResults.Ok(Tokens(issuer, settings, result.Profile!, result.TokenVersion, presented.SessionId, next));
            case RefreshOutcome.ReuseDetected:
                await audit.AppendAsync(http, presented.Username, AdminAuditActions.RefreshReused, null, false, ("session", presented.SessionId));
                return Problem(StatusCodes.Status401Unauthorized, "This refresh token was already used, so its session has been ended: sign in again.");
            default:
                return Problem(StatusCodes.Status401Unauthorized, "The refresh token is not valid or has expired: sign in again.");
        }
    }

    private static async Task<IResult> SignOut(HttpContext http, IGrainFactory grains, AdminAuditLog audit)
    {
        var username = http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var session = http.User.FindFirst(JwtRegisteredClaimNames.Sid)?.Value;
        if (username is null || session is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "The token names no session.");
        }

        await grains.GetGrain<IUserAccountGrain>(username).SignOut(session);
        await audit.AppendAsync(http, username, AdminAuditActions.SignOut, null, true, ("session", session));
        return TypedResults.NoContent();
    }

    private static TokenResponse Tokens(TokenIssuer issuer, AuthOptions settings, UserProfile profile, int version, string sessionId, string secret)
    {
        var (token, lifetime) = issuer.Issue(profile, version, sessionId);
        return new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds, RefreshTokens.Format(profile.Username, sessionId, secret), (int)settings.RefreshTokenLifetime.TotalSeconds);
    }

    private static TooMany Locked(DateTimeOffset until, TimeProvider clock) => new(
        until - clock.GetUtcNow(),
        $"Too many failed sign-ins: this account is locked until {until.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC. Try again then, or ask an administrator to reset the password.",
        StatusCodes.Status423Locked);

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);

    /// <summary>A refusal that asks the client to wait: Retry-After and a ProblemDetails.</summary>
    private sealed class TooMany(TimeSpan wait, string title, int status = StatusCodes.Status429TooManyRequests) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            SignInLimits.SetRetryAfter(httpContext.Response, wait);
            return Results.Problem(title: title, detail: $"Try again in {SignInLimits.Seconds(wait)} s.", statusCode: status,
                extensions: new Dictionary<string, object?> { ["retryAfterSeconds"] = SignInLimits.Seconds(wait) }).ExecuteAsync(httpContext);
        }
    }
}
