using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace CityOps.Hosting;

/// <summary>
/// Orleans' own connections (silo to silo, client to silo gateway) over mutual TLS when
/// <c>Orleans:Tls:CertificatePath</c> names a certificate: every node presents it (or one issued by the same
/// authority) and accepts only peers that do. Trust is the cluster's alone, never the machine's store: a peer
/// is accepted when its certificate is the node's own (one certificate shared by the cluster) or, with
/// <c>Orleans:Tls:AuthorityPath</c>, was issued by that authority. Nodes meet by IP address, so the name on a
/// certificate is not checked. Silos, gateways and dashboard hosts read the same keys (docs/deployment.md).
/// </summary>
public sealed class ClusterTls
{
    public const string CertificatePathSetting = "Orleans:Tls:CertificatePath";
    public const string KeyPathSetting = "Orleans:Tls:KeyPath";
    public const string PasswordSetting = "Orleans:Tls:CertificatePassword";
    public const string AuthorityPathSetting = "Orleans:Tls:AuthorityPath";

    private ClusterTls(X509Certificate2 certificate, X509Certificate2? authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>The node's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authority whose certificates are trusted besides the node's own, if configured.</summary>
    public X509Certificate2? Authority { get; }

    /// <summary>The cluster's TLS from configuration, or null when it names no certificate (plain TCP, for loopback and trusted networks).</summary>
    public static ClusterTls? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[CertificatePathSetting] is not { Length: > 0 } path)
        {
            return null;
        }

        var password = configuration[PasswordSetting] is { Length: > 0 } p ? p : null;
        var certificate = configuration[KeyPathSetting] is { Length: > 0 } key
            ? password is null ? X509Certificate2.CreateFromPemFile(path, key) : X509Certificate2.CreateFromEncryptedPemFile(path, password, key)
            : X509CertificateLoader.LoadPkcs12FromFile(path, password);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"{CertificatePathSetting} ({path}) has no private key; a node needs one to prove itself to the others.");
        }

        var authority = configuration[AuthorityPathSetting] is { Length: > 0 } authorityPath
            ? X509CertificateLoader.LoadCertificateFromFile(authorityPath)
            : null;
        return new ClusterTls(certificate, authority);
    }

    /// <summary>Whether a peer's certificate belongs to the cluster: the node's own, or issued by the configured authority.</summary>
    public bool Trusts(X509Certificate2 remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span))
        {
            return true;
        }

        if (Authority is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(remote);
    }

    /// <summary>Mutual TLS: the node's certificate on both sides of every connection, peers checked by <see cref="Trusts"/>.</summary>
    public void Configure(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, errors) =>
            (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && Trusts(remote);
    }
}

/// <summary>Applies <see cref="ClusterTls"/> to a silo or a client, when configured.</summary>
public static class ClusterTlsExtensions
{
    public static ISiloBuilder UseCityClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return ClusterTls.From(configuration) is { } tls ? silo.UseTls(tls.Configure) : silo;
    }

    public static IClientBuilder UseCityClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        return ClusterTls.From(configuration) is { } tls ? client.UseTls(tls.Configure) : client;
    }
}
