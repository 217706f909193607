using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class RuntimeFiguresTests
{
    private static string Scrape(double pauseSeconds, long gen0, long gen2, double allocatedBytes) =>
        "# TYPE dotnet_gc_pause_time_seconds_total counter\n"
        + $"dotnet_gc_pause_time_seconds_total{{otel_scope_name=\"System.Runtime\"}} {pauseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} 1733000000000\n"
        + $"dotnet_gc_collections_total{{otel_scope_name=\"System.Runtime\",gc_heap_generation=\"gen0\"}} {gen0} 1733000000000\n"
        + $"dotnet_gc_collections_total{{otel_scope_name=\"System.Runtime\",gc_heap_generation=\"gen2\"}} {gen2} 1733000000000\n"
        + $"dotnet_gc_heap_total_allocated_bytes_total{{otel_scope_name=\"System.Runtime\"}} {allocatedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)} 1733000000000\n"
        + "dotnet_gc_last_collection_heap_size_bytes{otel_scope_name=\"System.Runtime\",gc_heap_generation=\"gen0\"} 1048576 1733000000000\n"
        + "dotnet_gc_last_collection_heap_size_bytes{otel_scope_name=\"System.Runtime\",gc_heap_generation=\"gen2\"} 524288000 1733000000000\n";

    [Fact]
    public void The_windows_pauses_collections_and_allocation_rate_are_the_difference_of_two_scrapes()
    {
        var figures = RuntimeFigures.From(Scrape(2.5, 10, 1, 1e9), Scrape(5.5, 40, 2, 7e9), TimeSpan.FromSeconds(60))!;

        figures.GcPauseSeconds.Should().Be(3);
        figures.GcPausePercent.Should().Be(5);
        figures.Collections.Should().BeEquivalentTo(new Dictionary<string, double> { ["gen0"] = 30, ["gen2"] = 1 });
        figures.AllocatedMbPerSecond.Should().Be(95.4);
        figures.HeapMbAfterLastCollection.Should().Be(501);
    }

    [Fact]
    public void An_engine_without_runtime_metrics_gives_none() =>
        RuntimeFigures.From("# EOF\n", "cityops_gateway_connections_open 3\n", TimeSpan.FromSeconds(60)).Should().BeNull();
}
