using CityOps.Grains.Interfaces.Users;

namespace CityOps.DashboardHost.Auth;

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "cityops";

    public string Audience { get; set; } = "cityops";

    /// <summary>An access token is short-lived; the pages renew it with the refresh token.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A refresh token family (a session) lasts one duty shift and a half unless renewed.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Base64 of at least 32 bytes; when empty, a key is generated once and kept in the data folder.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Failed sign-ins of one username within <see cref="FailureWindow"/> that lock it.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in and refresh requests a client address may make per minute.</summary>
    public int SignInsPerMinutePerAddress { get; set; } = 20;

    /// <summary>Sign-in attempts per username per minute, whatever the address.</summary>
    public int SignInsPerMinutePerUsername { get; set; } = 10;

    public LockoutPolicy Lockout => new(MaxFailedSignIns, FailureWindow, LockoutDuration);
}
