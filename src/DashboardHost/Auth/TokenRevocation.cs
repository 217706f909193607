using CityOps.Grains.Interfaces.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CityOps.DashboardHost.Auth;

/// <summary>
/// Checks a signature-valid token against its account (<see cref="IUserAccountGrain.Validates"/>): the
/// token version it carries must be the account's and its session still open. The account grain is
/// one per user in the cluster, so every process gives the same answer.
/// </summary>
public static class TokenRevocation
{
    public static async Task CheckAsync(TokenValidatedContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.Principal;
        var username = user?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var session = user?.FindFirst(JwtRegisteredClaimNames.Sid)?.Value;
        if (username is null || session is null || !int.TryParse(user!.FindFirst(CityClaims.TokenVersion)?.Value, out var version))
        {
            context.Fail("The token names no account version or session: sign in again.");
            return;
        }

        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!await services.GetRequiredService<IGrainFactory>().GetGrain<IUserAccountGrain>(username).Validates(version, session, now))
        {
            context.Fail("The token was revoked (signed out, account disabled or changed, or password reset): sign in again.");
        }
    }
}
