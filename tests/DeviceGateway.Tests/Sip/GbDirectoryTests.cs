using System.Net;
using CityOps.DeviceGateway.Sip;
using CityOps.Grains.Interfaces.City;

namespace CityOps.DeviceGateway.Tests.Sip;

public sealed class GbDirectoryTests
{
    private const string Nvr = "34020000001180000001";
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan KeepaliveTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_closed_connection_takes_the_devices_registered_over_it()
    {
        var directory = new GbDirectory();
        var tcp = Peer("TCP", 5060);
        directory.Register(Registration(tcp, T0), out _);

        directory.RemoveOn(tcp).Should().ContainSingle(r => r.DeviceId == Nvr);

        directory.Find(Nvr).Should().BeNull();
    }

    [Fact]
    public void A_device_that_registered_again_elsewhere_stays_when_its_old_connection_closes()
    {
        var directory = new GbDirectory();
        var tcp = Peer("TCP", 5060);
        directory.Register(Registration(tcp, T0), out _);
        directory.Register(Registration(Peer("UDP", 5061), T0.AddSeconds(1)), out _);

        directory.RemoveOn(tcp).Should().BeEmpty();

        directory.Find(Nvr)!.Peer.Transport.Should().Be("UDP");
    }

    [Fact]
    public void A_sweep_drops_a_silent_device_and_keeps_one_heard_from()
    {
        var directory = new GbDirectory();
        directory.Register(Registration(Peer("UDP", 5060), T0), out var heard);
        directory.Register(new GbRegistration("34020000001180000002", DeviceKind.Nvr, Peer("UDP", 5061), T0.AddHours(1), T0), out _);
        GbDirectory.Heard(heard, T0.AddSeconds(4));

        directory.Sweep(T0.AddSeconds(6), KeepaliveTimeout).Select(r => r.DeviceId).Should().Equal("34020000001180000002");

        directory.Find(Nvr).Should().NotBeNull();
    }

    [Fact]
    public void A_device_registering_again_while_a_sweep_judges_its_silent_registration_stays_registered()
    {
        for (var round = 0; round < 2_000; round++)
        {
            var directory = new GbDirectory();
            var now = T0.AddMinutes(round);
            directory.Register(Registration(Peer("UDP", 5060), now - TimeSpan.FromMinutes(1)), out _);
            using var start = new Barrier(2);

            var sweeping = new Thread(() =>
            {
                start.SignalAndWait();
                directory.Sweep(now, KeepaliveTimeout);
            });
            var registering = new Thread(() =>
            {
                start.SignalAndWait();
                directory.Register(Registration(Peer("UDP", 5061), now), out _);
            });
            sweeping.Start();
            registering.Start();
            sweeping.Join();
            registering.Join();

            directory.Find(Nvr).Should().NotBeNull($"the device registered again in round {round}");
        }
    }

    private static GbRegistration Registration(SipPeer peer, DateTimeOffset heard) =>
        new(Nvr, DeviceKind.Nvr, peer, heard.AddHours(1), heard);

    private static SipPeer Peer(string transport, int port) =>
        new(transport, new IPEndPoint(IPAddress.Loopback, port), (_, _) => ValueTask.CompletedTask);
}
