using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class LoadPartsTests
{
    private static BenchDevice Device(string id, string cell) => new(id, "secret", cell);

    [Fact]
    public void The_probe_watches_the_street_holding_most_of_the_loaded_devices() =>
        CityFolder.BusiestStreet([
            Device("a", "9901010010010001"), Device("b", "9901040020010001"), Device("c", "9901040020030001"), Device("d", "9901010010020001"),
            Device("e", "9901040020010002"),
        ]).Should().Be("990104002");

    [Fact]
    public void A_gateway_covers_the_devices_whose_cell_lies_in_one_of_its_regions()
    {
        var gateway = new BenchGateway("GW", "s", ["990101", "990104002"]);

        gateway.Covers(Device("a", "9901010010010001")).Should().BeTrue();
        gateway.Covers(Device("b", "9901040020010001")).Should().BeTrue();
        gateway.Covers(Device("c", "9901040010010001")).Should().BeFalse();
    }

    [Fact]
    public void Batches_rotate_through_the_aggregators_devices_each_with_its_own_seq()
    {
        var load = new AggregatorLoad(null!, [Device("a", "1"), Device("b", "1"), Device("c", "1")], firstSeq: 100);

        load.Next(2).Should().Equal(("a", 100L), ("b", 100L));
        load.Next(2).Should().Equal(("c", 100L), ("a", 101L));
    }

    [Fact]
    public void A_batch_is_never_larger_than_the_devices_the_aggregator_covers() =>
        new AggregatorLoad(null!, [Device("a", "1"), Device("b", "1")], 1).Next(500).Should().HaveCount(2);

    [Theory]
    [InlineData(1000, 0.0, 0)]
    [InlineData(1000, 0.0015, 1)]
    [InlineData(1000, 2.5, 2500)]
    [InlineData(0.5, 3, 1)]
    public void The_schedule_has_rate_times_elapsed_publishes_due(double rate, double seconds, long due) =>
        Pacer.DueBy(rate, TimeSpan.FromSeconds(seconds)).Should().Be(due);

    [Fact]
    public void A_process_sample_reads_cpu_ticks_memory_and_threads_even_with_spaces_in_its_name()
    {
        const string stat = "4242 (dotnet Silo) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 100 1000 5000";
        const string status = "Name:\tdotnet\nVmRSS:\t  204800 kB\nThreads:\t31\n";

        ProcessSample.Parse(stat, status).Should().Be(new ProcessSample(3.0, 204800L * 1024, 31));
    }

    [Fact]
    public void Cpu_over_a_window_is_a_share_of_one_core() =>
        ProcessSample.CpuPercent(new ProcessSample(10, 0, 1), new ProcessSample(40, 0, 1), TimeSpan.FromSeconds(60)).Should().Be(50);

    [Fact]
    public void A_refused_connection_is_booked_under_the_reason_code_MQTTnet_names() =>
        Publisher.RefusalOf("Connecting with MQTT server failed (BadUserNameOrPassword).").Should().Be("BadUserNameOrPassword");

    [Fact]
    public void The_counting_subscriber_counts_a_batchs_readings_by_their_device_ids() =>
        CountingSubscriber.CountEntries(BenchPayloads.Batch(DateTimeOffset.UtcNow, [("a", 1), ("b", 1), ("c", 1)])).Should().Be(3);

    [Fact]
    public async Task An_aggregator_forwards_for_devices_of_its_regions_not_on_their_own_connections_up_to_a_limit()
    {
        var folder = Directory.CreateTempSubdirectory("loadgen-city-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "devices.json"), """
                [{"id":"own","secret":"s","cellCode":"9901010010010001","kind":"waterLevel"},
                 {"id":"far","secret":"s","cellCode":"9901040010010001"},
                 {"id":"near1","secret":"s","cellCode":"9901010010010002"},
                 {"id":"near2","secret":"s","cellCode":"9901010020010001"}]
                """);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "gateways.json"), """[{"id":"GW","secret":"g","regions":["990101"]}]""");

            var city = await CityFolder.ReadAsync(folder.FullName, CancellationToken.None);

            city.DevicesFor(city.Gateways.Single(), ownCount: 1).Select(d => d.Id).Should().Equal("near1", "near2");
            city.DevicesFor(city.Gateways.Single(), ownCount: 1, limit: 1).Select(d => d.Id).Should().Equal("near1");
            city.DevicesFor(city.Gateways.Single(), ownCount: 4).Select(d => d.Id).Should().Equal("own", "near1", "near2");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
