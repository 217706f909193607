using System.Security.Cryptography.X509Certificates;

namespace CityOps.DeviceGateway.Mqtt.Transport;

/// <summary>Loads the broker's TLS certificate from <c>Mqtt:Tls</c>: a PKCS#12 file, or a PEM certificate and key.</summary>
public static class MqttCertificate
{
    /// <summary>The certificate with its private key, or null when TLS is off (no <c>CertificatePath</c>).</summary>
    public static X509Certificate2? Load(MqttTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!tls.Enabled)
        {
            return null;
        }

        var password = tls.CertificatePassword.Length > 0 ? tls.CertificatePassword : null;
        var certificate = tls.KeyPath.Length > 0
            ? password is null
                ? X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(tls.CertificatePath, password, tls.KeyPath)
            : X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, password);
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"Mqtt:Tls:CertificatePath ({tls.CertificatePath}) has no private key; TLS needs one.");
        }

        return certificate;
    }
}
