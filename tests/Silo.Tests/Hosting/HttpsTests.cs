using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CityOps.Hosting;
using CityOps.Silo.Hosting;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>HTTPS from a certificate file named in configuration (README, HTTPS).</summary>
public class HttpsTests
{
    [Fact]
    public async Task With_a_certificate_path_and_password_the_engine_serves_https_with_that_certificate()
    {
        var folder = Directory.CreateTempSubdirectory("cityops-https-").FullName;
        try
        {
            using var certificate = SelfSigned();
            var path = Path.Combine(folder, "engine.pfx");
            await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pkcs12, "test-pfx-password"));
            X509Certificate2? presented = null;
            await using var engine = await Engine.StartAsync(
                new Dictionary<string, string?>
                {
                    ["Http:Urls"] = "https://127.0.0.1:{port}",
                    ["Http:Certificate:Path"] = path,
                    ["Http:Certificate:Password"] = "test-pfx-password",
                },
                handler: () => new SocketsHttpHandler
                {
                    SslOptions = new SslClientAuthenticationOptions
                    {
                        RemoteCertificateValidationCallback = (_, cert, _, _) =>
                        {
                            presented = cert is null ? null : X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                            return presented?.Thumbprint == certificate.Thumbprint;
                        },
                    },
                });

            using var http = engine.Http();
            var response = await http.GetAsync(new Uri("/health", UriKind.Relative));

            engine.BaseAddress.Scheme.Should().Be("https");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            presented!.Thumbprint.Should().Be(certificate.Thumbprint);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_https_address_without_a_certificate_is_refused_at_start_saying_which_setting_to_set()
    {
        var start = () => Engine.StartAsync(new Dictionary<string, string?> { ["Http:Urls"] = "https://127.0.0.1:{port}" });

        (await start.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain(HttpEndpoints.CertificatePathSetting);
    }

    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("https://[::1]:5443", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("http://cityops.example.cn:5080", false)]
    public void Only_localhost_and_loopback_addresses_count_as_loopback(string url, bool loopback) =>
        HttpEndpoints.IsLoopback(url).Should().Be(loopback);

    /// <summary>A self-signed certificate for 127.0.0.1, made as an operator would with openssl, but in the test.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=cityops-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
