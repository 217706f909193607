using CityOps.Grains.Interfaces.Gateway;

namespace CityOps.Grains.Tests.Gateway;

[Collection(ClusterTests.Name)]
public class AggregatorAccountGrainTests(ClusterFixture fixture)
{
    private IAggregatorAccountGrain Account(string id) => fixture.Grains.GetGrain<IAggregatorAccountGrain>(id);

    [Fact]
    public async Task A_registered_aggregator_authenticates_with_its_secret_and_shows_its_regions()
    {
        var account = Account("GW-TEST-1");
        await account.EnsureRegistered("gw-secret-1", ["990101", "990102001"]);

        (await account.Authenticate("gw-secret-1")).Should().BeTrue();
        (await account.GetRegions()).Should().Equal("990101", "990102001");
    }

    [Fact]
    public async Task A_wrong_or_empty_secret_is_refused()
    {
        var account = Account("GW-TEST-2");
        await account.EnsureRegistered("gw-secret-2", ["990101"]);

        (await account.Authenticate("guess")).Should().BeFalse();
        (await account.Authenticate("")).Should().BeFalse();
    }

    [Fact]
    public async Task An_unknown_aggregator_has_no_regions_and_cannot_authenticate()
    {
        var account = Account("GW-NEVER-REGISTERED");

        (await account.GetRegions()).Should().BeNull();
        (await account.Authenticate("anything")).Should().BeFalse();
    }

    [Fact]
    public async Task Registering_again_replaces_the_secret_and_the_regions()
    {
        var account = Account("GW-TEST-3");
        await account.EnsureRegistered("old", ["990101"]);
        await account.EnsureRegistered("new", ["990103"]);

        (await account.Authenticate("old")).Should().BeFalse();
        (await account.Authenticate("new")).Should().BeTrue();
        (await account.GetRegions()).Should().Equal("990103");
    }

    public static TheoryData<string[]> BadRegions { get; } = new() { Array.Empty<string>(), new[] { "" }, new[] { "9901", "99/01" } };

    [Theory]
    [MemberData(nameof(BadRegions))]
    public async Task Regions_that_would_cover_nothing_or_everything_by_accident_are_refused(string[] regions)
    {
        var account = Account($"GW-BAD-{Guid.NewGuid():N}");

        await account.Invoking(a => a.EnsureRegistered("secret", regions)).Should().ThrowAsync<ArgumentException>();
        (await account.GetRegions()).Should().BeNull();
    }
}
