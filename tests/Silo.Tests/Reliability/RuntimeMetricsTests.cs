namespace CityOps.Silo.Tests.Reliability;

/// <summary>An engine in a process of its own exports the .NET runtime's metrics beside its own and Orleans'.</summary>
[Collection(ReliabilityTests.Name)]
[Trait("Category", "Reliability")]
public class RuntimeMetricsTests
{
    [Fact]
    public async Task The_metrics_endpoint_exports_the_collectors_pauses_and_heap_beside_the_engines_own_figures()
    {
        await using var engine = new EngineProcess("runtime-metrics");
        await engine.StartAsync();
        using var http = engine.Http();

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        metrics.Should().Contain("dotnet_gc_pause_time_seconds_total").And.Contain("dotnet_gc_heap_total_allocated_bytes_total")
            .And.Contain("dotnet_gc_collections_total").And.Contain("cityops_gateway_connections_open").And.Contain("orleans_");
    }
}
