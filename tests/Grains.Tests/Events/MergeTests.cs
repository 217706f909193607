using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

[Collection(EventClusterTests.Name)]
public class MergeTests(EventClusterFixture fixture)
{
    private readonly Cases _cases = new(fixture.Grains);

    [Fact]
    public async Task Two_opposite_merges_at_once_both_finish_and_exactly_one_succeeds()
    {
        // Several pairs at once, so the two calls of at least one pair overlap.
        var pairs = new List<(string A, string B)>();
        for (var i = 0; i < 8; i++)
        {
            pairs.Add((await _cases.ReportedAsync(), await _cases.ReportedAsync()));
        }

        var merges = pairs.Select(p => Task.WhenAll(
            _cases.Case(p.A).Act(Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: p.B)),
            _cases.Case(p.B).Act(Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: p.A)))).ToList();
        var outcomes = await Task.WhenAll(merges).WaitAsync(TimeSpan.FromSeconds(5));

        foreach (var ((a, b), pair) in pairs.Zip(outcomes))
        {
            pair.Count(o => o.Refusal is null).Should().Be(1, $"exactly one of the merges of {a} and {b} succeeds");
            var refused = pair.Single(o => o.Refusal is not null).Refusal!;
            refused.Kind.Should().Be(RefusalKind.PrimaryUnavailable);
            refused.Message.Should().Contain("merged");
            var (duplicate, primary) = pair[0].Refusal is null ? (a, b) : (b, a);
            (await _cases.ViewAsync(duplicate)).MergedInto.Should().Be(primary);
            var primaryView = await _cases.ViewAsync(primary);
            primaryView.Summary.State.Should().Be(EventState.Reported);
            primaryView.MergedInto.Should().BeNull();
            primaryView.Summary.Reports.Should().Be(2);
        }
    }

    [Fact]
    public async Task A_case_is_not_merged_into_a_merged_case()
    {
        var primary = await _cases.ReportedAsync();
        var merged = await _cases.ReportedAsync();
        var other = await _cases.ReportedAsync();
        await _cases.ActAsync(merged, Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: primary));

        var outcome = await _cases.Case(other).Act(Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: merged));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.PrimaryUnavailable);
        outcome.Refusal.Message.Should().Be($"case '{merged}' is merged into '{primary}'; merge into '{primary}' instead");
        (await _cases.ViewAsync(other)).Summary.State.Should().Be(EventState.Reported);
    }

    [Fact]
    public async Task A_merge_back_into_the_case_merged_into_this_one_is_refused_as_a_cycle()
    {
        var a = await _cases.ReportedAsync();
        var b = await _cases.ReportedAsync();
        await _cases.ActAsync(a, Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: b));

        var outcome = await _cases.Case(b).Act(Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: a));

        outcome.Refusal!.Kind.Should().Be(RefusalKind.PrimaryUnavailable);
        outcome.Refusal.Message.Should().Be($"case '{a}' is merged into this case; merging this case into it would make a cycle");
        (await _cases.ViewAsync(b)).Summary.State.Should().Be(EventState.Reported);
    }

    [Fact]
    public async Task A_merge_into_an_unknown_case_or_itself_is_refused_as_bad_input()
    {
        var id = await _cases.ReportedAsync();

        var unknown = await _cases.Case(id).Act(Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: "E20991231-999999"));
        var itself = await _cases.Case(id).Act(Cases.Operator, new EventActionRequest(EventAction.Merge, PrimaryEventId: id));

        unknown.Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
        unknown.Refusal.Message.Should().Be("no case 'E20991231-999999'");
        itself.Refusal!.Kind.Should().Be(RefusalKind.InputMissing);
        (await _cases.ViewAsync(id)).Summary.State.Should().Be(EventState.Reported);
    }
}
