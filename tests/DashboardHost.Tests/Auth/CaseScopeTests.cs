using System.Security.Claims;
using CityOps.DashboardHost.Auth;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.DashboardHost.Tests.Auth;

/// <summary>The case scope rule on its own: a token's claims against a case's place, department and state.</summary>
public class CaseScopeTests
{
    private const string Street = "990101001";
    private const string Cell = "9901010010010001";
    private const string OtherDistrictCell = "9901020010010001";
    private const string City = "9901";

    private static readonly StageLimits Limits = new(60, 60, 240, 120);

    private static readonly CaseScope Scope = new(
        new CityCatalogue(
            [Category("gas_facility_damaged"), Category("manhole_damaged"), Category("waterlogging"), Category("ufo_sighting")],
            [
                new ResponsibilityRecord("gas_facility_damaged", City, "gas"),
                new ResponsibilityRecord("manhole_damaged", City, "water"),
                new ResponsibilityRecord("waterlogging", City, "water"),
                new ResponsibilityRecord("waterlogging", "990102", "urban"),
            ],
            [new DepartmentRecord("gas", "燃气", "Gas"), new DepartmentRecord("water", "水务", "Water"), new DepartmentRecord("urban", "城管", "Urban")]),
        "urban");

    private static readonly CaseViewer Operator = Viewer("operator", Roles.Operator, [City]);
    private static readonly CaseViewer DistrictOperator = Viewer("operator.jiangbei", Roles.Operator, ["990101"]);
    private static readonly CaseViewer Admin = Viewer("admin", Roles.Admin, [City]);
    private static readonly CaseViewer WaterDispatcher = Viewer("dispatcher.water", Roles.Dispatcher, [City], "water");
    private static readonly CaseViewer GasDispatcher = Viewer("dispatcher.gas", Roles.Dispatcher, [City], "gas");
    private static readonly CaseViewer UrbanDispatcher = Viewer("dispatcher.urban", Roles.Dispatcher, [City], "urban");
    private static readonly CaseViewer GasResponder = Viewer("responder.gas.1", Roles.Responder, ["990101"], "gas");
    private static readonly CaseViewer WaterResponder = Viewer("responder.water.1", Roles.Responder, ["990101"], "water");
    private static readonly CaseViewer Inspector = Viewer("inspector.1", Roles.Responder, [Street], "urban");

    private static CatalogueCategory Category(string code) => new(code, code, code, "event", "group", "normal", Limits, false, false, []);

    /// <summary>The viewer exactly as a token's claims make it.</summary>
    private static CaseViewer Viewer(string username, string role, string[] regions, string? department = null)
    {
        var claims = new List<Claim> { new("sub", username), new(CityClaims.Role, role) };
        claims.AddRange(regions.Select(r => new Claim(CityClaims.Region, r)));
        if (department is not null)
        {
            claims.Add(new Claim(CityClaims.Department, department));
        }

        return CaseViewers.From(new ClaimsPrincipal(new ClaimsIdentity(claims, "test")));
    }

    private static EventSummary Case(string category, string? department, EventState state = EventState.Dispatched, string cell = Cell) => new(
        "E20261122-000001", category, EventUrgency.Normal, state, new EventLocation(114.3, 27.6, cell), department, null,
        EventChannel.Operator, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, EventStage.Handle, null, EscalationLevel.None, 1, null);

    [Fact]
    public void The_claims_make_the_viewer()
    {
        WaterDispatcher.Should().BeEquivalentTo(new CaseViewer("dispatcher.water", [EventRole.Dispatcher], [City], "water"));
        Operator.Department.Should().BeNull();
        Operator.IsCentre.Should().BeTrue();
        WaterDispatcher.IsCentre.Should().BeFalse();
    }

    [Fact]
    public void Operators_and_admins_see_every_departments_cases_in_their_regions()
    {
        foreach (var viewer in new[] { Operator, Admin, DistrictOperator })
        {
            Scope.Allows(viewer, Case("gas_facility_damaged", "gas")).Should().BeTrue();
            Scope.Allows(viewer, Case("manhole_damaged", null, EventState.Reported)).Should().BeTrue();
        }
    }

    [Fact]
    public void Nobody_sees_a_case_outside_their_regions()
    {
        Scope.Refusal(DistrictOperator, Case("gas_facility_damaged", "gas", cell: OtherDistrictCell)).Should().Contain("outside your regions");
        Scope.Refusal(GasResponder, Case("gas_facility_damaged", "gas", cell: OtherDistrictCell)).Should().Contain("outside your regions");
        Scope.Refusal(Inspector, Case("gas_facility_damaged", "gas", EventState.Handled, "9901010020010001")).Should().Contain("outside your regions");
    }

    [Fact]
    public void A_department_user_sees_the_cases_dispatched_to_their_department_and_no_others()
    {
        Scope.Allows(WaterDispatcher, Case("manhole_damaged", "water")).Should().BeTrue();
        Scope.Allows(WaterResponder, Case("gas_facility_damaged", "water", EventState.Accepted)).Should().BeTrue();

        Scope.Refusal(WaterDispatcher, Case("gas_facility_damaged", "gas")).Should().Be("Case E20261122-000001 is dispatched to gas, not to your department water.");
        Scope.Allows(WaterResponder, Case("manhole_damaged", "gas")).Should().BeFalse();
    }

    [Theory]
    [InlineData(EventState.Reported)]
    [InlineData(EventState.Registered)]
    [InlineData(EventState.Rejected)]
    [InlineData(EventState.Merged)]
    public void A_case_not_yet_dispatched_is_seen_only_by_dispatchers_of_the_responsible_department(EventState state)
    {
        var gasCase = Case("gas_facility_damaged", null, state);

        Scope.Allows(GasDispatcher, gasCase).Should().BeTrue();
        Scope.Refusal(WaterDispatcher, gasCase).Should().Contain("responsibility list gives it to gas, not to your department water");
        Scope.Refusal(GasResponder, gasCase).Should().Contain("only dispatchers of gas see it");
        Scope.Allows(Inspector, gasCase).Should().BeFalse();
    }

    [Fact]
    public void The_responsibility_list_decides_by_the_place_of_the_case()
    {
        Scope.Allows(WaterDispatcher, Case("waterlogging", null, EventState.Registered, Cell)).Should().BeTrue();
        Scope.Allows(UrbanDispatcher, Case("waterlogging", null, EventState.Registered, OtherDistrictCell)).Should().BeTrue();
        Scope.Allows(WaterDispatcher, Case("waterlogging", null, EventState.Registered, OtherDistrictCell)).Should().BeFalse();
    }

    [Fact]
    public void A_case_no_department_is_responsible_for_is_the_centres_alone()
    {
        var unowned = Case("ufo_sighting", null, EventState.Registered);

        Scope.Allows(Operator, unowned).Should().BeTrue();
        Scope.Refusal(WaterDispatcher, unowned).Should().Contain("gives it to no department");
    }

    [Theory]
    [InlineData(EventState.Dispatched, false)]
    [InlineData(EventState.Accepted, false)]
    [InlineData(EventState.Returned, false)]
    [InlineData(EventState.Suspended, false)]
    [InlineData(EventState.Handled, true)]
    [InlineData(EventState.Verified, false)]
    [InlineData(EventState.Closed, false)]
    public void An_inspector_sees_another_departments_case_only_while_it_waits_for_verification(EventState state, bool seen)
    {
        Scope.Allows(Inspector, Case("gas_facility_damaged", "gas", state)).Should().Be(seen);
    }

    [Fact]
    public void Only_responders_of_the_inspection_department_inspect()
    {
        var handled = Case("gas_facility_damaged", "gas", EventState.Handled);

        Scope.Allows(UrbanDispatcher, handled).Should().BeFalse();
        Scope.Allows(WaterResponder, handled).Should().BeFalse();
        new CaseScope(new CityCatalogue([], [], []), "water").Allows(WaterResponder, handled).Should().BeTrue();
    }

    [Fact]
    public void A_dispatcher_or_responder_whose_token_names_no_department_sees_no_case()
    {
        var stray = Viewer("dispatcher.nobody", Roles.Dispatcher, [City]);

        Scope.Refusal(stray, Case("manhole_damaged", "water")).Should().Contain("your token names none");
        Scope.Allows(stray, Case("manhole_damaged", null, EventState.Registered)).Should().BeFalse();
    }

    [Fact]
    public void A_department_user_reads_only_their_own_departments_figures_and_only_city_wide_users_read_any()
    {
        CaseScope.DepartmentFiguresRefusal(WaterDispatcher, "water", City).Should().BeNull();
        CaseScope.DepartmentFiguresRefusal(WaterDispatcher, "gas", City).Should().Be("You see the figures of your department water, not of gas.");
        CaseScope.DepartmentFiguresRefusal(Operator, "gas", City).Should().BeNull();
        CaseScope.DepartmentFiguresRefusal(Admin, "gas", City).Should().BeNull();
        CaseScope.DepartmentFiguresRefusal(GasResponder, "gas", City).Should().Contain("count the whole city");
        CaseScope.DepartmentFiguresRefusal(DistrictOperator, "gas", City).Should().Contain("count the whole city");
        CaseScope.DepartmentFiguresRefusal(Viewer("dispatcher.nobody", Roles.Dispatcher, [City]), "gas", City).Should().Contain("names no department");
    }
}
