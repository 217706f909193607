using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using CityOps.DeviceGateway;
using CityOps.Grains.Interfaces.City;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Hosting;

/// <summary>
/// A device gateway in a host of its own (<see cref="GatewayProgram"/>) that joins the engine as an
/// Orleans client, as in the cluster profile: devices connected to it reach their twins, and commands,
/// revocations and statistics reach it from the silo through the gateway directory.
/// </summary>
[Collection(EngineTests.Name)]
public sealed class GatewayProgramTests(EngineFixture fixture) : IAsyncLifetime
{
    private WebApplication? _gateway;
    private int _mqttPort;

    private Engine Engine => fixture.Engine;

    public async Task InitializeAsync()
    {
        _mqttPort = FreePort();
        _gateway = GatewayProgram.Build([], configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Http:Urls"] = $"http://127.0.0.1:{FreePort()}",
            ["Orleans:GatewayPort"] = Engine.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:Port"] = _mqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:BindAddress"] = "127.0.0.1",
            ["Mqtt:GatewayId"] = "gateway-of-its-own",
            ["Mqtt:Tls:CertificatePath"] = "",
        }));
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_reading_sent_to_the_gateway_of_its_own_reaches_the_twin_in_the_silo()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 60);
        using var device = await ConnectAsync(pole);

        await device.PublishAsync(Message($"city/{pole.Id}/telemetry", """{"values":{"lightLevel":61}}"""));

        var token = await Engine.TokenAsync("operator");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement twin;
        do
        {
            twin = await Engine.GetDeviceAsync(pole.Id, token);
        }
        while (!twin.GetProperty("values").TryGetProperty("lightLevel", out _) && DateTime.UtcNow < deadline && await Delay());
        twin.GetProperty("values").GetProperty("lightLevel").GetDouble().Should().Be(61);
    }

    [Fact]
    public async Task A_command_sent_through_the_engine_reaches_a_device_on_the_gateway_of_its_own()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 61);
        using var device = await ConnectAsync(pole);
        var received = new TaskCompletionSource<JsonElement>();
        device.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(JsonDocument.Parse(Encoding.UTF8.GetString(e.ApplicationMessage.Payload)).RootElement.Clone());
            return Task.CompletedTask;
        };
        await device.SubscribeAsync($"city/{pole.Id}/commands", MqttQualityOfServiceLevel.AtLeastOnce);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));

        var response = await http.PostAsJsonAsync($"/api/devices/{pole.Id}/commands", new { name = "setLight", args = new { level = 35 } });

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var command = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        command.GetProperty("name").GetString().Should().Be("setLight");
        command.GetProperty("args").GetProperty("level").GetInt32().Should().Be(35);
    }

    [Fact]
    public async Task Revoking_a_device_in_the_engine_disconnects_it_from_the_gateway_of_its_own()
    {
        // A pole of its own, provisioned here, so that the city's registered devices stay as every other test sees them.
        using var admin = Engine.Http(await Engine.TokenAsync("admin"));
        var id = $"POLE-GW-{Guid.NewGuid():N}"[..24];
        var model = Engine.Device(DeviceKind.SmartPole, 62);
        var provisioned = await admin.PostAsJsonAsync("/api/devices", new { id, kind = "smartPole", name = "网关测试灯杆", location = model.Location, cellCode = model.CellCode });
        provisioned.StatusCode.Should().Be(HttpStatusCode.Created);
        var secret = (await provisioned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        var pole = model with { Id = id, Secret = secret };
        using var device = await ConnectAsync(pole);
        var disconnected = new TaskCompletionSource<MqttClientDisconnectedEventArgs>();
        device.DisconnectedAsync += e =>
        {
            disconnected.TrySetResult(e);
            return Task.CompletedTask;
        };

        (await admin.PostAsync(new Uri($"/api/devices/{pole.Id}/revoke", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var cut = await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cut.Reason.Should().Be(MqttClientDisconnectReason.NotAuthorized);
        (await TryConnectAsync(pole)).Should().Be(MqttClientConnectResultCode.BadUserNameOrPassword);
    }

    [Fact]
    public async Task The_gateway_statistics_count_the_connections_of_both_gateways()
    {
        var pole = Engine.Device(DeviceKind.SmartPole, 63);
        using var http = Engine.Http(await Engine.TokenAsync("operator"));
        var before = (await http.GetFromJsonAsync<JsonElement>("/api/gateway/stats")).GetProperty("connectedClients").GetInt32();

        using var device = await ConnectAsync(pole);
        var after = (await http.GetFromJsonAsync<JsonElement>("/api/gateway/stats")).GetProperty("connectedClients").GetInt32();

        after.Should().BeGreaterThan(before);
    }

    private async Task<IMqttClient> ConnectAsync(DeviceRecord device)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(device));
        return client;
    }

    private async Task<MqttClientConnectResultCode> TryConnectAsync(DeviceRecord device)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            return (await client.ConnectAsync(Options(device))).ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException ex) when (ex.InnerException is null)
        {
            return ex.Message.Contains("BadUserNameOrPassword", StringComparison.Ordinal)
                ? MqttClientConnectResultCode.BadUserNameOrPassword
                : MqttClientConnectResultCode.UnspecifiedError;
        }
    }

    private MqttClientOptions Options(DeviceRecord device) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", _mqttPort)
        .WithClientId($"{device.Id}-{Guid.NewGuid():N}")
        .WithCredentials(device.Id, device.Secret)
        .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
        .Build();

    private static MqttApplicationMessage Message(string topic, string payload) => new MqttApplicationMessageBuilder()
        .WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
