using CityOps.Crypto;
using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.Audit;
using CityOps.Grid;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CityOps.DashboardHost.Audit;

/// <summary>
/// A signed audit checkpoint as served and saved (<c>day.json</c>): the fields of <see cref="CheckpointFile"/>, which
/// tools/AuditVerifier reads, and the day, instant and number of chains for people.
/// </summary>
public sealed record CheckpointResponse(string Format, string Day, DateTimeOffset At, int Chains, string Text, string Signature, string PublicKey, string Algorithm)
{
    public static CheckpointResponse From(AuditCheckpoint c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(CheckpointText.Version, c.Day, c.At, c.Chains, c.Text, c.Signature, c.PublicKey, CheckpointFile.SignatureAlgorithm);
    }
}

/// <summary>The key that verifies checkpoints, and how: SM2 with SM3 on the curve, with the default signer id.</summary>
public sealed record CheckpointKeyResponse(string PublicKey, string Curve, string SignerId, string Algorithm);

/// <summary>
/// 国密 audit checkpoints (docs/security.md, 国密): the day's SM2-signed list of audit chain heads, made on demand by
/// operators and administrators (the engine also closes each day by itself), read back by day, and the public key.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(AccessPolicies.Operator);
        audit.MapPost("/checkpoints", Create).WithSummary("Sign now the heads of the audit chains changed on a UTC day (?day=yyyy-MM-dd, default today)");
        audit.MapGet("/checkpoints/{day}", Get).WithSummary("A day's signed audit checkpoint, the file tools/AuditVerifier checks");
        audit.MapGet("/public-key", PublicKey).WithSummary("The SM2 public key that verifies audit checkpoints");
        return app;
    }

    private static async Task<Results<Created<CheckpointResponse>, ProblemHttpResult>> Create(
        string? day, CryptoSettings crypto, GridRegistry grid, IGrainFactory grains, TimeProvider clock)
    {
        if (NotGm(crypto) is { } off)
        {
            return off;
        }

        var now = clock.GetUtcNow();
        day ??= AuditDays.Of(now);
        if (AuditDays.StartOf(day) is not { } start || AuditDays.Of(start) != day)
        {
            return Problem(StatusCodes.Status400BadRequest, $"day must be a UTC day as yyyy-MM-dd, not '{day}'.");
        }

        if (start > now)
        {
            return Problem(StatusCodes.Status400BadRequest, $"Day {day} has not begun.");
        }

        var checkpoint = await grains.GetGrain<IAuditCheckpointGrain>(day).Create(grid.Current.DistrictsOf(grid.Current.City.Code));
        return TypedResults.Created($"/api/audit/checkpoints/{day}", CheckpointResponse.From(checkpoint));
    }

    private static async Task<Results<Ok<CheckpointResponse>, ProblemHttpResult>> Get(string day, CryptoSettings crypto, IGrainFactory grains)
    {
        if (NotGm(crypto) is { } off)
        {
            return off;
        }

        if (AuditDays.StartOf(day) is not { } start || AuditDays.Of(start) != day)
        {
            return Problem(StatusCodes.Status400BadRequest, $"day must be a UTC day as yyyy-MM-dd, not '{day}'.");
        }

        return await grains.GetGrain<IAuditCheckpointGrain>(day).Get() is { } checkpoint
            ? TypedResults.Ok(CheckpointResponse.From(checkpoint))
            : Problem(StatusCodes.Status404NotFound, $"No checkpoint of {day} has been signed.");
    }

    private static async Task<Results<Ok<CheckpointKeyResponse>, ProblemHttpResult>> PublicKey(CryptoSettings crypto, IGrainFactory grains, TimeProvider clock)
    {
        if (NotGm(crypto) is { } off)
        {
            return off;
        }

        var key = await grains.GetGrain<IAuditCheckpointGrain>(AuditDays.Of(clock.GetUtcNow())).PublicKey();
        return TypedResults.Ok(new CheckpointKeyResponse(key, Sm2Signing.CurveName, Sm2Signing.DefaultSignerId, CheckpointFile.SignatureAlgorithm));
    }

    private static ProblemHttpResult? NotGm(CryptoSettings crypto) => crypto.Mode == CryptoMode.Gm
        ? null
        : Problem(StatusCodes.Status409Conflict, "Audit checkpoints are signed in 国密 mode: set Crypto:Mode=gm.");

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(title: title, statusCode: status);
}
