using CityOps.Grains.Interfaces.Cluster;
using FluentAssertions;
using Orleans.Runtime;
using Xunit;

namespace CityOps.Grains.Tests.Cluster;

public sealed class ClusterFailuresTests
{
    private static readonly TimeSpan[] NoWait = [TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero];

    [Fact]
    public async Task A_call_whose_silo_left_under_it_is_sent_again_and_its_answer_returned()
    {
        var attempts = 0;

        var answer = await ClusterFailures.RetryWhileSilosLeaveAsync(
            () => ++attempts switch
            {
                1 => throw new SiloUnavailableException("The target silo became unavailable"),
                2 => throw new SiloUnavailableException("The target silo became unavailable"),
                _ => Task.FromResult("E20261207-000036"),
            },
            NoWait);

        answer.Should().Be("E20261207-000036");
        attempts.Should().Be(3);
    }

    [Fact]
    public async Task A_call_that_fails_for_its_own_reason_is_not_sent_again()
    {
        var attempts = 0;

        var call = () => ClusterFailures.RetryWhileSilosLeaveAsync<string>(
            () =>
            {
                attempts++;
                throw new ArgumentException("unknown category");
            },
            NoWait);

        await call.Should().ThrowAsync<ArgumentException>();
        attempts.Should().Be(1);
    }

    [Fact]
    public async Task A_call_whose_silos_keep_leaving_fails_with_the_last_failure_after_every_delay()
    {
        var attempts = 0;

        var call = () => ClusterFailures.RetryWhileSilosLeaveAsync<string>(
            () => throw new SiloUnavailableException($"attempt {++attempts}"),
            NoWait);

        (await call.Should().ThrowAsync<SiloUnavailableException>()).WithMessage("attempt 4*");
        attempts.Should().Be(NoWait.Length + 1);
    }

    [Fact]
    public void A_timeout_is_transient_but_not_a_silo_gone()
    {
        var timeout = new TimeoutException("Response did not arrive on time");

        ClusterFailures.IsTransient(timeout).Should().BeTrue();
        ClusterFailures.IsSiloGone(timeout).Should().BeFalse("a call that timed out may still be running; sending it again at once doubles the load");
    }
}
