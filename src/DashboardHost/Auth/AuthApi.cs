using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueToken)
            .AllowAnonymous()
            .WithTags("Auth")
            .WithSummary("Exchange a username and password for a JWT");
        return app;
    }

    private static Results<Ok<TokenResponse>, ProblemHttpResult> IssueToken(TokenRequest? request, UserDirectory users, TokenIssuer issuer)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.Problem(title: "Username and password are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (users.Authenticate(request.Username, request.Password) is not { } user)
        {
            return TypedResults.Problem(title: "Unknown user or wrong password.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var (token, lifetime) = issuer.Issue(user);
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds));
    }
}
