using System.Net;

namespace CityOps.DeviceGateway.Sip;

/// <summary>Where a SIP message came from and how to answer it: a UDP address, or the TCP connection it arrived on.</summary>
public sealed class SipPeer(string transport, IPEndPoint remote, Func<byte[], CancellationToken, ValueTask> send)
{
    /// <summary><c>UDP</c> or <c>TCP</c>, as written in a Via header.</summary>
    public string Transport { get; } = transport;

    public IPEndPoint Remote { get; } = remote;

    public ValueTask SendAsync(byte[] bytes, CancellationToken cancellationToken) => send(bytes, cancellationToken);

    /// <summary>Whether a message comes from the same place as the registration: the same address over UDP, the same connection over TCP.</summary>
    public bool SameAs(SipPeer other) => ReferenceEquals(this, other) || (Transport == "UDP" && other.Transport == "UDP" && Remote.Equals(other.Remote));

    public override string ToString() => $"{Transport} {Remote}";
}
