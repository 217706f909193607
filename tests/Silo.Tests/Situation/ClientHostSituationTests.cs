using System.Net;
using System.Net.Sockets;
using CityOps.DashboardHost;
using CityOps.DashboardHost.Grid;
using CityOps.Grains.Interfaces.City;
using CityOps.Grid;
using CityOps.Silo.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Protocol;

namespace CityOps.Silo.Tests.Situation;

/// <summary>
/// The hub in a dashboard host of its own that joins the engine's cluster as an Orleans client
/// through the silo's gateway, as in the cluster profile: the grains' changes reach it over the
/// network, not through anything shared with the silo.
/// </summary>
[Collection(EngineTests.Name)]
public class ClientHostSituationTests(EngineFixture fixture)
{
    private Engine Engine => fixture.Engine;

    [Fact]
    public async Task A_hub_in_a_host_that_is_only_a_cluster_client_streams_a_device_published_to_the_silo()
    {
        var device = Engine.Device(DeviceKind.Noise, 43);
        await using var host = await StartClientHostAsync();
        await using var client = await SituationClient.ConnectAsync(host.Address, await Engine.TokenAsync("operator", "Operator#2026"));
        await client.SubscribeAsync(device.CellCode[..12]);
        await client.NextAsync(f => f.Type == "Snapshot", "the snapshot");

        using (var mqtt = await Engine.ConnectDeviceAsync(device))
        {
            await mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"city/{device.Id}/telemetry").WithPayload("""{"values":{"noiseDb":47.5}}""")
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        var delta = await client.NextAsync(f => f.Type == "Delta" && f.NamesDevice(device.Id), $"a delta naming {device.Id}");
        delta.Device(device.Id).GetProperty("values").GetProperty("noiseDb").GetDouble().Should().Be(47.5);
    }

    private async Task<ClientHost> StartClientHostAsync()
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.WebHost.UseUrls(address.ToString());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The engine's data folder holds the token signing key, so tokens it issued are valid here.
            ["Storage:DataPath"] = Engine.DataPath,
            ["City:Path"] = Engine.CityPath,
        });
        builder.UseOrleansClient(client => client.UseLocalhostClustering(Engine.GatewayPort, "cityops", "cityops"));
        builder.Services.AddHostedService<GridStartup>();
        builder.Services.AddDashboard(builder.Configuration);
        var app = builder.Build();
        app.MapDashboard();
        await app.StartAsync();
        return new ClientHost(app, address);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record ClientHost(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
