using CityOps.Samples.LoadGen;

namespace CityOps.Samples.Tests.LoadGen;

public sealed class LoadOptionsTests
{
    [Fact]
    public void A_city_alone_gives_the_defaults() =>
        LoadOptions.Parse(["--city", "/tmp/city"]).Should().Be(LoadOptions.Default with { City = "/tmp/city" });

    [Fact]
    public void Every_option_is_read_with_a_space_or_an_equals_sign() =>
        LoadOptions.Parse([
            "--city=/c", "--devices", "10000", "--aggregators=2", "--batch", "250", "--rate", "5000", "--batch-rate=4",
            "--duration", "2m", "--warmup=15s", "--qos", "0", "--host", "localhost", "--port=18830", "--connect-rate", "250",
            "--mode", "mosquitto", "--http", "http://127.0.0.1:18080", "--user", "admin", "--password=Admin#2026",
            "--region", "990104001", "--json", "/tmp/r.json", "--watch-pid", "42", "--max-inflight", "1000", "--aggregator-devices", "5000",
        ]).Should().Be(new LoadOptions(
            "/c", 10_000, 2, 250, 5000, 4, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(15), 0, "localhost", 18830, 250,
            LoadMode.Mosquitto, new Uri("http://127.0.0.1:18080"), "admin", "Admin#2026", "990104001", "/tmp/r.json", 42, 1000, 5000));

    [Fact]
    public void A_rate_of_max_means_as_fast_as_acknowledgements_allow()
    {
        var options = LoadOptions.Parse(["--city", "c", "--rate", "max", "--batch-rate", "MAX"]);

        options.Rate.Should().BeNull();
        options.BatchRate.Should().BeNull();
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("500ms", 0.5)]
    [InlineData("1.5h", 5400)]
    public void A_duration_is_seconds_unless_it_names_its_unit(string text, double seconds) =>
        LoadOptions.ParseDuration(text).Should().Be(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void The_city_folder_is_required() =>
        FluentActions.Invoking(() => LoadOptions.Parse(["--devices", "10"])).Should().Throw<ArgumentException>().WithMessage("*--city is required*");

    [Theory]
    [InlineData("--colour", "red")]
    [InlineData("--verbose")]
    public void An_unknown_option_is_rejected_by_name(params string[] args) =>
        FluentActions.Invoking(() => LoadOptions.Parse(["--city", "c", .. args])).Should().Throw<ArgumentException>().WithMessage($"*'{args[0]}'*");

    [Theory]
    [InlineData("--qos", "2", "*--qos must be between 0 and 1*")]
    [InlineData("--batch", "501", "*--batch must be between 1 and 500*")]
    [InlineData("--devices", "1000001", "*--devices must be between 0 and 1000000*")]
    [InlineData("--rate", "0", "*--rate must be a number above 0*")]
    [InlineData("--duration", "0", "*--duration must be above 0*")]
    [InlineData("--warmup", "soon", "*--warmup*not a duration*")]
    [InlineData("--mode", "emqx", "*--mode is engine or mosquitto*")]
    [InlineData("--http", "ftp://x", "*--http must be an http(s) address*")]
    [InlineData("--region", "99010", "*--region must be a region code*")]
    public void A_value_out_of_range_or_malformed_is_rejected_with_the_reason(string option, string value, string message) =>
        FluentActions.Invoking(() => LoadOptions.Parse(["--city", "c", option, value])).Should().Throw<ArgumentException>().WithMessage(message);

    [Fact]
    public void A_run_with_nothing_to_publish_is_rejected() =>
        FluentActions.Invoking(() => LoadOptions.Parse(["--city", "c", "--devices", "0", "--aggregators", "0"]))
            .Should().Throw<ArgumentException>().WithMessage("*nothing to publish*");

    [Fact]
    public void An_option_without_its_value_is_rejected() =>
        FluentActions.Invoking(() => LoadOptions.Parse(["--city", "--devices", "5"])).Should().Throw<ArgumentException>().WithMessage("*--city needs a value*");

    [Fact]
    public async Task The_program_exits_with_2_on_bad_arguments() =>
        (await CityOps.Samples.LoadGen.Program.Main(["--city", "c", "--qos", "7"])).Should().Be(2);
}
