using System.Net;
using CityOps.DeviceGateway.Mqtt.Transport;

namespace CityOps.DeviceGateway.Tests.Mqtt.Transport;

public class ConnectionLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    [Fact]
    public void Connections_beyond_the_per_address_cap_are_refused_while_another_address_is_admitted()
    {
        var limiter = new ConnectionLimiter(10, 2, []);

        limiter.TryAcquire(A).Should().Be(ConnectionAdmission.Admitted);
        limiter.TryAcquire(A).Should().Be(ConnectionAdmission.Admitted);
        limiter.TryAcquire(A).Should().Be(ConnectionAdmission.TooManyFromAddress);
        limiter.TryAcquire(B).Should().Be(ConnectionAdmission.Admitted);
    }

    [Fact]
    public void Connections_beyond_the_total_cap_are_refused_and_a_release_makes_room()
    {
        var limiter = new ConnectionLimiter(2, 5, []);
        limiter.TryAcquire(A);
        limiter.TryAcquire(B);

        limiter.TryAcquire(B).Should().Be(ConnectionAdmission.TooManyConnections);
        limiter.Release(A);
        limiter.TryAcquire(B).Should().Be(ConnectionAdmission.Admitted);
        limiter.Open.Should().Be(2);
    }

    [Fact]
    public void An_exempt_address_is_held_only_to_the_total_cap()
    {
        var limiter = new ConnectionLimiter(3, 1, [IPAddress.Loopback]);

        Enumerable.Range(0, 3).Select(_ => limiter.TryAcquire(IPAddress.Loopback)).Should().OnlyContain(a => a == ConnectionAdmission.Admitted);
        limiter.TryAcquire(IPAddress.Loopback).Should().Be(ConnectionAdmission.TooManyConnections);
    }

    [Fact]
    public void An_ipv4_address_mapped_to_ipv6_counts_as_the_same_address()
    {
        var limiter = new ConnectionLimiter(10, 1, []);
        limiter.TryAcquire(A);

        limiter.TryAcquire(A.MapToIPv6()).Should().Be(ConnectionAdmission.TooManyFromAddress);
    }
}
