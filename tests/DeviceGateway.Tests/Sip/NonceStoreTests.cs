using CityOps.DeviceGateway.Sip;

namespace CityOps.DeviceGateway.Tests.Sip;

public sealed class NonceStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_nonce_is_good_once()
    {
        var store = new NonceStore(new FixedClock(T0), TimeSpan.FromMinutes(1), 100);
        var nonce = store.Issue();

        store.TryConsume(nonce).Should().BeTrue();
        store.TryConsume(nonce).Should().BeFalse();
    }

    [Fact]
    public void An_expired_nonce_is_refused()
    {
        var clock = new FixedClock(T0);
        var store = new NonceStore(clock, TimeSpan.FromMinutes(1), 100);
        var nonce = store.Issue();

        clock.Advance(TimeSpan.FromMinutes(2));

        store.TryConsume(nonce).Should().BeFalse();
    }

    [Fact]
    public void A_nonce_never_issued_is_refused()
    {
        new NonceStore(new FixedClock(T0), TimeSpan.FromMinutes(1), 100).TryConsume("deadbeef").Should().BeFalse();
    }

    [Fact]
    public void Beyond_its_capacity_the_store_forgets_the_oldest_nonces()
    {
        var store = new NonceStore(new FixedClock(T0), TimeSpan.FromMinutes(1), 10);
        var first = store.Issue();

        var last = Enumerable.Range(0, 50).Select(_ => store.Issue()).ToList()[^1];

        store.Count.Should().BeLessThanOrEqualTo(10);
        store.TryConsume(first).Should().BeFalse();
        store.TryConsume(last).Should().BeTrue();
    }
}
