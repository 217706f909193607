using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CityOps.Hosting;
using CityOps.Silo.Tests.Reliability;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace CityOps.Silo.Tests.Cluster;

/// <summary>Orleans' connections between the nodes over mutual TLS, trusting only the cluster's own certificates.</summary>
[Collection(ReliabilityTests.Name)]
public sealed class ClusterTlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cityops-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ClusterTls Tls(X509Certificate2 own, X509Certificate2? authority = null)
    {
        var settings = new Dictionary<string, string?> { [ClusterTls.CertificatePathSetting] = ClusterCertificates.WritePfx(own, _folder) };
        if (authority is not null)
        {
            var path = Path.Combine(_folder, "ca.crt");
            File.WriteAllBytes(path, authority.Export(X509ContentType.Cert));
            settings[ClusterTls.AuthorityPathSetting] = path;
        }

        return ClusterTls.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())!;
    }

    [Fact]
    public void Without_a_certificate_the_nodes_talk_plain_tcp()
    {
        ClusterTls.From(new ConfigurationBuilder().Build()).Should().BeNull();
    }

    [Fact]
    public void A_node_trusts_the_certificate_the_cluster_shares_and_no_other_self_signed_one()
    {
        using var shared = ClusterCertificates.SelfSigned();
        using var stranger = ClusterCertificates.SelfSigned();
        var tls = Tls(shared);

        tls.Trusts(X509CertificateLoader.LoadCertificate(shared.RawData)).Should().BeTrue();
        tls.Trusts(X509CertificateLoader.LoadCertificate(stranger.RawData)).Should().BeFalse();
    }

    [Fact]
    public void With_an_authority_a_node_trusts_the_certificates_it_issued_and_not_another_authoritys()
    {
        using var authority = ClusterCertificates.Authority();
        using var other = ClusterCertificates.Authority();
        using var silo1 = ClusterCertificates.IssuedBy(authority, "silo1");
        using var silo2 = ClusterCertificates.IssuedBy(authority, "silo2");
        using var intruder = ClusterCertificates.IssuedBy(other, "silo3");
        var tls = Tls(silo1, authority);

        tls.Trusts(X509CertificateLoader.LoadCertificate(silo2.RawData)).Should().BeTrue();
        tls.Trusts(X509CertificateLoader.LoadCertificate(intruder.RawData)).Should().BeFalse();
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused_at_start_naming_the_setting()
    {
        using var shared = ClusterCertificates.SelfSigned();
        var path = Path.Combine(_folder, "public-only.crt");
        File.WriteAllBytes(path, shared.Export(X509ContentType.Cert));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ClusterTls.CertificatePathSetting] = path }).Build();

        var act = () => ClusterTls.From(configuration);

        act.Should().Throw<Exception>();
    }

    [Fact]
    public async Task Silos_and_a_dashboard_host_work_over_tls_and_a_stranger_is_refused_at_the_handshake()
    {
        using var shared = ClusterCertificates.SelfSigned();
        using var stranger = ClusterCertificates.SelfSigned("stranger");
        var settings = new Dictionary<string, string?> { ["Orleans__Tls__CertificatePath"] = ClusterCertificates.WritePfx(shared, _folder) };
        await using var cluster = await LocalCluster.StartAsync("tls", silos: 2, gateways: 0, dashboards: 1, simulatedDevices: 0, settings);
        var (silo, dashboard) = (cluster.Silos[1], cluster.Dashboards[0]);

        using var http = dashboard.Http(await dashboard.TokenAsync("operator"));
        var answer = await CityLoad.SendAsync(http, new CityLoad().NextReport());
        answer.Status.Should().Be(System.Net.HttpStatusCode.Created, "the dashboard host reaches the silos as a client over TLS");
        using var other = silo.Http(await silo.TokenAsync("operator"));
        (await other.GetAsync(new Uri($"/api/events/{answer.Id}", UriKind.Relative))).IsSuccessStatusCode.Should().BeTrue("the second silo reaches the first over TLS");

        (await HandshakeAsync(silo.OrleansGatewayPort, shared)).Should().BeTrue();
        (await HandshakeAsync(silo.OrleansGatewayPort, stranger)).Should().BeFalse();
        output.WriteLine($"case {answer.Id} reported through the dashboard host and read through the second silo; the silo's gateway port {silo.OrleansGatewayPort} speaks TLS to the cluster's certificate and refuses a stranger's");
    }

    /// <summary>Whether a TLS session with the silo's gateway port completes presenting <paramref name="certificate"/>, and the silo proves to be the cluster's.</summary>
    private static async Task<bool> HandshakeAsync(int port, X509Certificate2 certificate)
    {
        // A silo of the cluster profile listens on the machine's address, not on loopback.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(await System.Net.Dns.GetHostAddressesAsync(System.Net.Dns.GetHostName()), port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, remote, _, _) => remote is not null);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "cityops",
                ClientCertificates = [certificate],
            });

            // TLS 1.3 tells a client its certificate was refused only at the first read.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var buffer = new byte[1];
            try
            {
                // The server closing the session after the handshake is a refusal too.
                return await tls.ReadAsync(buffer, timeout.Token) > 0;
            }
            catch (OperationCanceledException)
            {
                // Nothing to read, and still connected: accepted.
                return true;
            }
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return false;
        }
    }
}
