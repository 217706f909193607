using CityOps.DeviceGateway.Mqtt;

namespace CityOps.DeviceGateway.Tests.Mqtt;

public sealed class ConnectedDevicesTests
{
    private readonly ConnectedDevices _connected = new();

    [Fact]
    public void A_device_is_held_from_its_connection_until_its_disconnection()
    {
        _connected.Connected("D1", "D1");
        _connected.Holds("D1").Should().BeTrue();

        _connected.Disconnected("D1", "D1");

        _connected.Holds("D1").Should().BeFalse();
        _connected.ClientsOf("D1").Should().BeEmpty();
    }

    [Fact]
    public void A_device_with_several_connections_is_held_until_the_last_closes()
    {
        _connected.Connected("D1", "D1-1");
        _connected.Connected("D1", "D1-2");
        _connected.ClientsOf("D1").Should().BeEquivalentTo("D1-1", "D1-2");

        _connected.Disconnected("D1", "D1-1");
        _connected.Holds("D1").Should().BeTrue();

        _connected.Disconnected("D1", "D1-2");
        _connected.Holds("D1").Should().BeFalse();
    }

    [Fact]
    public void A_session_taken_over_by_a_new_connection_stays_held_whichever_event_comes_first()
    {
        _connected.Connected("D1", "D1");
        _connected.Connected("D1", "D1");
        _connected.Disconnected("D1", "D1");
        _connected.Holds("D1").Should().BeTrue("the new connection told before the old one's close");

        _connected.Disconnected("D1", "D1");
        _connected.Connected("D1", "D1");
        _connected.Holds("D1").Should().BeTrue("the old one's close told before the new connection");
    }

    [Fact]
    public void A_disconnection_never_told_as_a_connection_changes_nothing()
    {
        _connected.Connected("D1", "D1");

        _connected.Disconnected("D2", "D2");
        _connected.Disconnected("D1", "D1-7");

        _connected.Holds("D1").Should().BeTrue();
        _connected.Holds("D2").Should().BeFalse();
    }
}
