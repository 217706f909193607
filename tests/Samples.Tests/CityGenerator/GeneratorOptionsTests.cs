using CityOps.Samples.CityGenerator;

namespace CityOps.Samples.Tests.CityGenerator;

public sealed class GeneratorOptionsTests
{
    [Fact]
    public void No_arguments_give_the_default_city() =>
        GeneratorOptions.Parse([]).Should().Be(new GeneratorOptions(20261122, 5_000, 10_000, "samples/city"));

    [Fact]
    public void Every_option_is_read_with_a_space_or_an_equals_sign() =>
        GeneratorOptions.Parse(["--seed", "-3", "--devices=1000000", "--cells", "2000", "--out=/tmp/big"])
            .Should().Be(new GeneratorOptions(-3, 1_000_000, 2_000, "/tmp/big"));

    [Theory]
    [InlineData("--colour", "red")]
    [InlineData("--verbose")]
    public void An_unknown_option_is_rejected_by_name(params string[] args) =>
        FluentActions.Invoking(() => GeneratorOptions.Parse(args)).Should().Throw<ArgumentException>().WithMessage($"*'{args[0]}'*");

    [Fact]
    public void A_value_that_is_not_a_whole_number_is_rejected() =>
        FluentActions.Invoking(() => GeneratorOptions.Parse(["--devices", "5k"])).Should().Throw<ArgumentException>().WithMessage("*--devices*whole number*'5k'*");

    [Theory]
    [InlineData("--cells", "499")]
    [InlineData("--cells", "100001")]
    [InlineData("--devices", "-1")]
    public void A_value_out_of_range_is_rejected(string option, string value) =>
        FluentActions.Invoking(() => GeneratorOptions.Parse([option, value])).Should().Throw<ArgumentException>().WithMessage($"*{option} must be between*");

    [Fact]
    public void An_option_without_its_value_is_rejected() =>
        FluentActions.Invoking(() => GeneratorOptions.Parse(["--seed", "--cells", "800"])).Should().Throw<ArgumentException>().WithMessage("*--seed needs a value*");

    [Fact]
    public void The_program_exits_with_2_on_bad_arguments() =>
        Program.Main(["--cells", "many"]).Should().Be(2);
}
