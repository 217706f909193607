namespace CityOps.Samples.Tests.CityGenerator;

public sealed class UserTests(GeneratedCity city) : IClassFixture<GeneratedCity>
{
    [Fact]
    public void Users_cover_the_four_roles() =>
        city.Users.SelectMany(user => user.Roles).Distinct().Should().BeEquivalentTo("admin", "operator", "dispatcher", "responder");

    [Fact]
    public void Usernames_are_unique() =>
        city.Users.Select(user => user.Username).Should().OnlyHaveUniqueItems();

    [Fact]
    public void Every_role_has_its_own_demo_password()
    {
        var passwords = city.Users.GroupBy(user => user.Roles.Single()).ToDictionary(group => group.Key, group => group.Select(user => user.Password).Distinct().ToList());

        passwords.Values.Should().OnlyContain(list => list.Count == 1);
        passwords.Values.Select(list => list[0]).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Users_are_scoped_to_regions_of_the_city()
    {
        var regions = city.Regions.Select(region => region.Text("code")).ToHashSet();

        city.Users.Should().OnlyContain(user => user.Regions.Length > 0 && user.Regions.All(regions.Contains));
    }

    [Fact]
    public void Dispatchers_and_responders_belong_to_a_department()
    {
        var departments = city.Departments.Select(department => department.Code).ToHashSet();

        city.Users.Where(user => user.Roles.Contains("dispatcher") || user.Roles.Contains("responder"))
            .Should().OnlyContain(user => user.Department != null && departments.Contains(user.Department));
    }

    [Fact]
    public void Every_department_has_a_city_wide_dispatcher_and_a_responder_in_every_district()
    {
        var districts = city.Level("district").Select(region => region.Text("code")).ToList();

        foreach (var department in city.Departments)
        {
            city.Users.Should().Contain(user => user.Username == $"dispatcher.{department.Code}" && user.Regions.SequenceEqual(new[] { "9901" }));
            districts.Should().OnlyContain(district => city.Users.Any(user =>
                user.Roles.Contains("responder") && user.Department == department.Code && user.Regions.Contains(district)));
        }
    }

    [Fact]
    public void Admin_and_operator_see_the_whole_city() =>
        city.Users.Where(user => user.Username is "admin" or "operator").Should().HaveCount(2)
            .And.OnlyContain(user => user.Regions.SequenceEqual(new[] { "9901" }));

    [Fact]
    public void A_grid_inspector_responds_for_urban_management_on_a_street() =>
        city.Users.Should().Contain(user =>
            user.Username.StartsWith("inspector.", StringComparison.Ordinal) && user.Roles.Contains("responder")
            && user.Department == "urban" && user.Regions.All(region => region.Length == 9));
}
