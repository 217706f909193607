namespace CityOps.DashboardHost.Auth;

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "cityops";

    public string Audience { get; set; } = "cityops";

    /// <summary>A token lasts one duty shift.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Base64 of at least 32 bytes; when empty, a key is generated once and kept in the data folder.</summary>
    public string? SigningKey { get; set; }
}
