using System.Globalization;
using System.Security.Cryptography;
using CityOps.Silo.Tests.Hosting;
using CityOps.Silo.Tests.Reliability;
using CityOps.Silo.Tests.Storage;

namespace CityOps.Silo.Tests.Cluster;

/// <summary>
/// A cluster profile of the engine as separate operating-system processes on this machine, as
/// scripts/cluster.sh starts it: silos on the test PostgreSQL (a cluster and service id of their own),
/// device gateways and dashboard hosts that join as Orleans clients, and the simulator in the first
/// silo with its devices spread over every gateway. Each program can be killed (SIGKILL) or stopped.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private LocalCluster(List<EngineProcess> silos, List<EngineProcess> gateways, List<EngineProcess> dashboards)
    {
        Silos = silos;
        Gateways = gateways;
        Dashboards = dashboards;
    }

    public IReadOnlyList<EngineProcess> Silos { get; }

    public IReadOnlyList<EngineProcess> Gateways { get; }

    public IReadOnlyList<EngineProcess> Dashboards { get; }

    /// <param name="simulatedDevices">Devices the simulator in the first silo runs (the sample city's first of each kind in turn), 20 times faster than real time.</param>
    /// <param name="settings">Settings every program of the cluster gets besides the cluster's own.</param>
    public static async Task<LocalCluster> StartAsync(
        string name, int silos, int gateways, int dashboards, int simulatedDevices, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var id = $"{name}-{Guid.NewGuid():N}"[..32];
        var common = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Profile"] = "cluster",
            ["ConnectionStrings__Orleans"] = await PostgresTestDatabase.PrepareAsync(),
            ["Orleans__ClusterId"] = id,
            ["Orleans__ServiceId"] = id,
            ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),

            // Observers are re-registered this often, so a hub hears again soon after its feed's silo died.
            ["Situation__FeedRenewInterval"] = "00:00:05",
        };
        var gatewayPorts = Enumerable.Range(0, gateways).Select(_ => Engine.FreePort()).ToList();
        var cluster = new LocalCluster([], [], []);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var silo = new EngineProcess($"{name}-silo{i + 1}", With(common, new()
                {
                    ["Mqtt__Enabled"] = "false",
                    ["Simulator__Enabled"] = i == 0 && simulatedDevices > 0 ? "true" : "false",
                    ["Simulator__MaxDevices"] = Invariant(simulatedDevices),
                    ["Simulator__Brokers"] = string.Join(',', gatewayPorts.Select(p => $"127.0.0.1:{Invariant(p)}")),
                    ["Simulator__TimeScale"] = "20",
                    ["Simulator__Seed"] = "7",
                    ["Simulator__FaultRate"] = "0",
                    ["Simulator__OfflineRate"] = "0",
                }));
                ((List<EngineProcess>)cluster.Silos).Add(silo);

                // One at a time: the first applies the schema and registers the city before the others join.
                await silo.StartAsync();
            }

            for (var i = 0; i < gateways; i++)
            {
                var gateway = new EngineProcess($"{name}-gateway{i + 1}", With(common, new()
                {
                    ["Mqtt__Port"] = Invariant(gatewayPorts[i]),
                    ["Mqtt__GatewayId"] = $"gateway{i + 1}",
                }), EngineProgram.DeviceGateway);
                ((List<EngineProcess>)cluster.Gateways).Add(gateway);
                await gateway.StartAsync();
            }

            for (var i = 0; i < dashboards; i++)
            {
                var dashboard = new EngineProcess($"{name}-dashboard{i + 1}", common, EngineProgram.DashboardHost);
                ((List<EngineProcess>)cluster.Dashboards).Add(dashboard);
                await dashboard.StartAsync();
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A gauge or counter of a program's <c>/metrics</c>, summed over its label sets; 0 when it has none yet.</summary>
    public static async Task<double> MetricAsync(EngineProcess program, string name, string? label = null)
    {
        using var http = program.Http();
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(l => label is null || l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var program in Dashboards.Concat(Gateways).Concat(Silos.Reverse()))
        {
            await program.DisposeAsync();
        }
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> common, Dictionary<string, string?> own)
    {
        var all = new Dictionary<string, string?>(common);
        foreach (var (key, value) in own)
        {
            all[key] = value;
        }

        return all;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
