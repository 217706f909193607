using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Interfaces.Gateway;
using CityOps.Grains.Tests.Events;

namespace CityOps.Grains.Tests.Gateway;

/// <summary>
/// The cluster's directory of running device gateways: commands find the gateway that holds the
/// device, revocations reach every gateway, and a gateway whose process died is forgotten. Runs on the
/// cluster with the manual clock, so a lapse is a clock step rather than a wait.
/// </summary>
[Collection(EventClusterTests.Name)]
public sealed class GatewayDirectoryGrainTests(EventClusterFixture fixture) : IAsyncLifetime
{
    /// <summary>
    /// The registered gateways with their references: an object reference holds its object only weakly, so a gateway a
    /// test does not keep would be collected and stop answering.
    /// </summary>
    private readonly List<(string Id, IDeviceGateway Reference, FakeGateway Gateway)> _registered = [];

    private IGatewayDirectoryGrain Directory => fixture.Grains.GetGrain<IGatewayDirectoryGrain>(0);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (id, reference, _) in _registered)
        {
            await Directory.Unregister(id);
            fixture.Grains.DeleteObjectReference<IDeviceGateway>(reference);
        }
    }

    [Fact]
    public async Task A_command_reaches_the_gateway_that_holds_the_device_and_no_other()
    {
        var first = await RegisterAsync("gw-a-1");
        var holder = await RegisterAsync("gw-a-2", holds: "POLE-DIR-1");

        var delivered = await Directory.Deliver("POLE-DIR-1", Command("c1"));

        delivered.Should().BeTrue();
        holder.Delivered.Should().ContainSingle().Which.Should().Be(("POLE-DIR-1", "c1"));
        first.Delivered.Should().BeEmpty();
    }

    [Fact]
    public async Task A_command_for_a_device_connected_nowhere_is_not_delivered()
    {
        await RegisterAsync("gw-b-1");

        (await Directory.Deliver("POLE-DIR-NOWHERE", Command("c2"))).Should().BeFalse();
    }

    [Fact]
    public async Task A_revocation_reaches_every_gateway()
    {
        var one = await RegisterAsync("gw-c-1");
        var two = await RegisterAsync("gw-c-2");

        await Directory.Revoke("POLE-DIR-REVOKED");

        one.Revoked.Should().Contain("POLE-DIR-REVOKED");
        two.Revoked.Should().Contain("POLE-DIR-REVOKED");
    }

    [Fact]
    public async Task The_statistics_name_each_gateway()
    {
        await RegisterAsync("gw-d-1", clients: 3);
        await RegisterAsync("gw-d-2", clients: 4);

        var stats = await Directory.Stats();

        stats["gw-d-1"].ConnectedClients.Should().Be(3);
        stats["gw-d-2"].ConnectedClients.Should().Be(4);
    }

    [Fact]
    public async Task A_gateway_that_stops_renewing_is_forgotten_after_three_intervals()
    {
        var gone = await RegisterAsync("gw-e-1", holds: "POLE-DIR-LAPSE");
        (await Directory.Deliver("POLE-DIR-LAPSE", Command("c3"))).Should().BeTrue();

        EventClusterFixture.Clock.Advance((IGatewayDirectoryGrain.RenewInterval * 3) + TimeSpan.FromSeconds(1));

        (await Directory.Deliver("POLE-DIR-LAPSE", Command("c4"))).Should().BeFalse();
        gone.Delivered.Should().ContainSingle();
    }

    [Fact]
    public async Task A_gateway_that_took_itself_off_gets_no_more_commands()
    {
        var leaving = await RegisterAsync("gw-f-1", holds: "POLE-DIR-LEFT");

        await Directory.Unregister("gw-f-1");

        (await Directory.Deliver("POLE-DIR-LEFT", Command("c5"))).Should().BeFalse();
        leaving.Delivered.Should().BeEmpty();
    }

    [Fact]
    public void The_gateway_statistics_of_several_gateways_add_up()
    {
        var a = new GatewayStats(2, new Dictionary<string, long> { ["telemetry"] = 5 }, new Dictionary<string, long>(), new Dictionary<string, long>(), 1, 3, 0);
        var b = new GatewayStats(5, new Dictionary<string, long> { ["telemetry"] = 7, ["status"] = 1 }, new Dictionary<string, long> { ["overloaded"] = 2 }, new Dictionary<string, long>(), 0, 4, 1);

        var sum = GatewayStats.Sum([a, b]);

        sum.ConnectedClients.Should().Be(7);
        sum.Accepted.Should().BeEquivalentTo(new Dictionary<string, long> { ["telemetry"] = 12, ["status"] = 1 });
        sum.Rejected.Should().BeEquivalentTo(new Dictionary<string, long> { ["overloaded"] = 2 });
        (sum.Duplicates, sum.IntakeQueued, sum.Undelivered).Should().Be((1L, 7, 1L));
    }

    private static DeviceCommand Command(string id) =>
        new(id, "setBrightness", """{"level":50}""", CommandState.Sent, 1, DateTimeOffset.UnixEpoch, null, null, "operator");

    private async Task<FakeGateway> RegisterAsync(string id, string? holds = null, int clients = 0)
    {
        var gateway = new FakeGateway(holds, clients);
        var reference = fixture.Grains.CreateObjectReference<IDeviceGateway>(gateway);
        _registered.Add((id, reference, gateway));
        await Directory.Register(id, reference);
        return gateway;
    }

    /// <summary>A gateway holding at most one device's connection, recording what it was asked to do.</summary>
    private sealed class FakeGateway(string? holds, int clients) : IDeviceGateway
    {
        public ConcurrentQueue<(string DeviceId, string CommandId)> Delivered { get; } = new();

        public ConcurrentQueue<string> Revoked { get; } = new();

        public Task<bool> Deliver(string deviceId, DeviceCommand command)
        {
            if (deviceId != holds)
            {
                return Task.FromResult(false);
            }

            Delivered.Enqueue((deviceId, command.Id));
            return Task.FromResult(true);
        }

        public Task Revoke(string deviceId)
        {
            Revoked.Enqueue(deviceId);
            return Task.CompletedTask;
        }

        public Task<GatewayStats> Stats() =>
            Task.FromResult(new GatewayStats(clients, new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, long>(), 0, 0, 0));
    }
}
