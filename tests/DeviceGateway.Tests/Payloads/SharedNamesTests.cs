using CityOps.DeviceGateway.Payloads;

namespace CityOps.DeviceGateway.Tests.Payloads;

/// <summary>Metric names are shared as one string each, up to a bound that made-up names cannot pass.</summary>
public sealed class SharedNamesTests
{
    [Fact]
    public void A_name_seen_before_is_the_same_string()
    {
        var names = new SharedNames(capacity: 4);

        var first = names.Of("waterLevel".AsSpan());

        names.Of("waterLevel".AsSpan()).Should().BeSameAs(first);
    }

    [Fact]
    public void Past_its_capacity_a_new_name_is_returned_but_not_shared()
    {
        var names = new SharedNames(capacity: 2);
        var kept = names.Of("a".AsSpan());
        names.Of("b".AsSpan());

        var late = names.Of("c".AsSpan());

        late.Should().Be("c");
        names.Of("c".AsSpan()).Should().NotBeSameAs(late);
        names.Of("a".AsSpan()).Should().BeSameAs(kept, "names shared before the bound stay shared");
    }
}
