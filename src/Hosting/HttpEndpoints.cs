using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace CityOps.Hosting;

/// <summary>
/// Where the HTTP host listens (<c>Http:Urls</c>) and with which certificate for <c>https://</c> addresses
/// (<c>Http:Certificate:Path</c>, a PKCS#12 file, and <c>Http:Certificate:Password</c>).
/// </summary>
public static class HttpEndpoints
{
    public const string UrlsSetting = "Http:Urls";
    public const string CertificatePathSetting = "Http:Certificate:Path";
    public const string CertificatePasswordSetting = "Http:Certificate:Password";

    public static IReadOnlyList<string> Urls(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = configuration[UrlsSetting] is { Length: > 0 } configured ? configured : configuration["urls"] ?? string.Empty;
        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The addresses that would listen beyond loopback: a wildcard, a host name other than localhost, a non-loopback IP.</summary>
    public static IReadOnlyList<string> NonLoopback(IConfiguration configuration) =>
        [.. Urls(configuration).Where(u => !IsLoopback(u))];

    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']', StringComparison.Ordinal))] : rest.Split(':', '/')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Listens on <c>Http:Urls</c>; <c>https://</c> addresses use the configured certificate.</summary>
    public static void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var urls = Urls(builder.Configuration);
        if (urls.Count > 0)
        {
            builder.WebHost.UseUrls([.. urls]);
        }

        if (builder.Configuration[CertificatePathSetting] is { Length: > 0 } path)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, builder.Configuration[CertificatePasswordSetting]);
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
        }
        else if (urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"{UrlsSetting} has an https:// address but {CertificatePathSetting} names no certificate (a PKCS#12 .pfx file; its password in {CertificatePasswordSetting}).");
        }
    }
}
