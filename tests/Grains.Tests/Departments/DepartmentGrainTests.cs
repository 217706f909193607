using CityOps.Grains.Interfaces.Departments;

namespace CityOps.Grains.Tests.Departments;

[Collection(ClusterTests.Name)]
public class DepartmentGrainTests(ClusterFixture fixture)
{
    private IResponderGrain Responder(string username) => fixture.Grains.GetGrain<IResponderGrain>(username);

    [Fact]
    public async Task The_nearest_on_duty_responder_is_found_and_off_duty_ones_are_ignored()
    {
        await Responder("dep1.near-but-off").ReportDuty(new ResponderDuty("dep1", true, 114.3001, 27.6));
        await Responder("dep1.near-but-off").ReportDuty(new ResponderDuty("dep1", false, null, null));
        await Responder("dep1.middle").ReportDuty(new ResponderDuty("dep1", true, 114.31, 27.6));
        await Responder("dep1.far").ReportDuty(new ResponderDuty("dep1", true, 114.35, 27.6));

        var nearest = await fixture.Grains.GetGrain<IDepartmentGrain>("dep1").FindNearestOnDuty(114.3, 27.6);

        nearest!.Responder.Username.Should().Be("dep1.middle");
        nearest.DistanceMetres.Should().BeApproximately(985, 5);
    }

    [Fact]
    public async Task On_duty_responders_are_ranked_nearest_first_up_to_the_count_asked_for()
    {
        await Responder("rank.far").ReportDuty(new ResponderDuty("rank", true, 114.35, 27.6));
        await Responder("rank.near").ReportDuty(new ResponderDuty("rank", true, 114.301, 27.6));
        await Responder("rank.middle").ReportDuty(new ResponderDuty("rank", true, 114.31, 27.6));
        await Responder("rank.off").ReportDuty(new ResponderDuty("rank", true, 114.3, 27.6));
        await Responder("rank.off").ReportDuty(new ResponderDuty("rank", false, null, null));

        var ranked = await fixture.Grains.GetGrain<IDepartmentGrain>("rank").RankOnDuty(114.3, 27.6, 2);

        ranked.Select(r => r.Responder.Username).Should().Equal("rank.near", "rank.middle");
        ranked[1].DistanceMetres.Should().BeApproximately(985, 5);
    }

    [Fact]
    public async Task A_department_with_nobody_on_duty_has_no_nearest_responder()
    {
        await Responder("dep2.only").ReportDuty(new ResponderDuty("dep2", false, 114.3, 27.6));

        (await fixture.Grains.GetGrain<IDepartmentGrain>("dep2").FindNearestOnDuty(114.3, 27.6)).Should().BeNull();
    }

    [Fact]
    public async Task A_responder_who_moves_is_found_where_they_are_now()
    {
        await Responder("dep3.mover").ReportDuty(new ResponderDuty("dep3", true, 114.40, 27.6));
        await Responder("dep3.still").ReportDuty(new ResponderDuty("dep3", true, 114.32, 27.6));

        await Responder("dep3.mover").ReportDuty(new ResponderDuty("dep3", true, 114.301, 27.6));

        (await fixture.Grains.GetGrain<IDepartmentGrain>("dep3").FindNearestOnDuty(114.3, 27.6))!.Responder.Username.Should().Be("dep3.mover");
        (await Responder("dep3.mover").GetStatus()).Position!.Longitude.Should().Be(114.301);
    }

    [Fact]
    public async Task A_responder_who_changes_department_leaves_the_old_roster()
    {
        await Responder("dep4.transfer").ReportDuty(new ResponderDuty("dep4a", true, 114.3, 27.6));

        await Responder("dep4.transfer").ReportDuty(new ResponderDuty("dep4b", true, 114.3, 27.6));

        (await fixture.Grains.GetGrain<IDepartmentGrain>("dep4a").GetOnDuty()).Should().BeEmpty();
        (await fixture.Grains.GetGrain<IDepartmentGrain>("dep4b").GetOnDuty()).Select(p => p.Username).Should().Equal("dep4.transfer");
    }

    [Fact]
    public async Task Going_on_duty_without_a_position_is_refused()
    {
        var act = async () => await Responder("dep5.nowhere").ReportDuty(new ResponderDuty("dep5", true, null, null));

        await act.Should().ThrowAsync<ArgumentException>();
    }
}
