using System.Net;
using System.Net.Sockets;
using CityOps.DeviceGateway.Mqtt.Transport;

namespace CityOps.DeviceGateway.Tests.Mqtt.Transport;

public class PacketLimitStreamTests
{
    /// <summary>A CONNECT whose body is <paramref name="bodyLength"/> bytes (content irrelevant to the framing).</summary>
    private static byte[] Packet(byte header, int bodyLength)
    {
        var bytes = new List<byte> { header };
        var length = bodyLength;
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);
        bytes.AddRange(new byte[bodyLength]);
        return [.. bytes];
    }

    private static async Task<(int Read, PacketLimitStream Stream)> ReadAllAsync(byte[] input, int maxConnect = 100, int max = 1000, int chunk = 7)
    {
        var stream = new PacketLimitStream(new MemoryStream(input), maxConnect, max);
        var buffer = new byte[chunk];
        var total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return (total, stream);
    }

    [Fact]
    public async Task Packets_within_the_limits_pass_through_whole_and_the_connect_is_noticed()
    {
        var input = Packet(0x10, 90).Concat(Packet(0x32, 900)).Concat(Packet(0xC0, 0)).ToArray();

        var (read, stream) = await ReadAllAsync(input);

        read.Should().Be(input.Length);
        stream.ConnectReceived.Should().BeTrue();
        stream.Breach.Should().Be(PacketLimitBreach.None);
    }

    [Fact]
    public async Task A_connect_above_its_limit_reads_as_closed_before_its_body()
    {
        var (read, stream) = await ReadAllAsync(Packet(0x10, 5000), chunk: 4);

        read.Should().Be(0);
        stream.Breach.Should().Be(PacketLimitBreach.TooLarge);
        stream.ConnectReceived.Should().BeFalse();
    }

    [Fact]
    public async Task A_huge_length_is_refused_from_its_first_bytes()
    {
        var (read, stream) = await ReadAllAsync([0x10, 0xFF, 0xFF], chunk: 3);

        read.Should().Be(0);
        stream.Breach.Should().Be(PacketLimitBreach.TooLarge);
    }

    [Fact]
    public async Task A_later_packet_above_the_limit_cuts_the_connection_off()
    {
        var (_, stream) = await ReadAllAsync([.. Packet(0x10, 10), .. Packet(0x32, 1001)]);

        stream.Breach.Should().Be(PacketLimitBreach.TooLarge);
        stream.ConnectReceived.Should().BeTrue();
    }

    [Fact]
    public async Task A_first_packet_that_is_not_a_connect_is_refused()
    {
        var (read, stream) = await ReadAllAsync(Packet(0x32, 10));

        read.Should().Be(0);
        stream.Breach.Should().Be(PacketLimitBreach.Malformed);
    }

    [Fact]
    public async Task A_length_of_more_than_four_bytes_is_malformed()
    {
        var (_, stream) = await ReadAllAsync([0x10, 0x80, 0x80, 0x80, 0x80, 0x01], maxConnect: int.MaxValue, max: int.MaxValue);

        stream.Breach.Should().Be(PacketLimitBreach.Malformed);
    }

    [Fact]
    public async Task Waiting_for_bytes_ends_when_the_peer_sends_and_reads_none_of_them()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var device = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await device.ConnectAsync(listener.LocalEndPoint!);
        using var served = await listener.AcceptAsync();
        await using var stream = new PacketLimitStream(new NetworkStream(served, ownsSocket: false), 100, 1000);

        var waiting = stream.WaitForBytesAsync(CancellationToken.None).AsTask();
        await Task.Delay(100);
        waiting.IsCompleted.Should().BeFalse("the device has sent nothing yet");

        var connect = Packet(0x10, 12);
        await device.SendAsync(connect);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        var buffer = new byte[connect.Length];
        var read = 0;
        while (read < buffer.Length)
        {
            read += await stream.ReadAsync(buffer.AsMemory(read));
        }

        buffer.Should().Equal(connect);
        stream.ConnectReceived.Should().BeTrue();
    }

    [Fact]
    public async Task Waiting_for_bytes_on_a_connection_cut_off_ends_at_once()
    {
        var (_, stream) = await ReadAllAsync(Packet(0x10, 200));

        (await stream.WaitForBytesAsync(CancellationToken.None)).Should().Be(0);
    }
}
