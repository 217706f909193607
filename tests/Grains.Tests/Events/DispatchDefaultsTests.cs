using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Departments;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

/// <summary>Where a dispatch goes when the dispatcher leaves it open (DispatchDefaults, asked by the case).</summary>
[Collection(EventClusterTests.Name)]
public class DispatchDefaultsTests(EventClusterFixture fixture)
{
    private readonly Cases _cases = new(fixture.Grains);

    private async Task<string> RegisteredAsync(EventLocation at)
    {
        var id = await _cases.ReportedAsync(at: at);
        await _cases.ActAsync(id, Cases.Operator, new EventActionRequest(EventAction.Register));
        return id;
    }

    [Fact]
    public async Task A_dispatch_naming_no_department_goes_to_the_one_the_responsibility_list_names()
    {
        var place = Cases.NewPlace();
        var id = await RegisteredAsync(place);

        var responsible = CityCatalogue.Load(SampleCity.Path).ResponsibleDepartment("street_light_damaged", place.CellCode);

        var view = await _cases.ActAsync(id, Cases.Dispatcher(), new EventActionRequest(EventAction.Dispatch));

        responsible.Should().NotBeNull();
        view.Summary.Department.Should().Be(responsible);
    }

    [Fact]
    public async Task A_dispatch_to_the_nearest_responder_names_the_departments_nearest_on_duty()
    {
        var place = Cases.NewPlace();
        var id = await RegisteredAsync(place);
        await fixture.Grains.GetGrain<IResponderGrain>("responder.gas.near").ReportDuty(new ResponderDuty("gas", true, place.Longitude, place.Latitude));

        var view = await _cases.ActAsync(id, Cases.Dispatcher(), new EventActionRequest(EventAction.Dispatch, Department: "gas", AssignNearest: true));

        view.Summary.Should().BeEquivalentTo(new { Department = "gas", Assignee = "responder.gas.near" });
    }

    [Fact]
    public async Task A_dispatch_to_the_nearest_responder_when_nobody_is_on_duty_is_refused_and_changes_nothing()
    {
        var id = await RegisteredAsync(Cases.NewPlace());

        var outcome = await _cases.Case(id).Act(Cases.Dispatcher(), new EventActionRequest(EventAction.Dispatch, Department: "fire", AssignNearest: true));

        outcome.Refusal.Should().BeEquivalentTo(new { Kind = RefusalKind.NobodyOnDuty, Message = "Nobody of fire is on duty to assign." });
        (await _cases.ViewAsync(id)).Summary.State.Should().Be(EventState.Registered);
    }
}
