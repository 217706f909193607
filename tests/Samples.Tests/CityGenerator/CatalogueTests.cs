using System.Text.RegularExpressions;
using CityOps.Grains.Interfaces.City;

namespace CityOps.Samples.Tests.CityGenerator;

public sealed partial class CatalogueTests(GeneratedCity city) : IClassFixture<GeneratedCity>
{
    [Fact]
    public void Every_catalogue_category_has_a_city_level_responsibility_row() =>
        city.Categories.Should().OnlyContain(category =>
            city.Responsibilities.Count(row => row.Category == category.Code && row.Region == "9901") == 1);

    [Fact]
    public void Responsibility_rows_name_existing_categories_departments_and_regions()
    {
        var regions = city.Regions.Select(region => region.Text("code")).ToHashSet();

        city.Responsibilities.Should().OnlyContain(row =>
            city.Categories.Any(category => category.Code == row.Category)
            && city.Departments.Any(department => department.Code == row.Department)
            && regions.Contains(row.Region));
    }

    [Fact]
    public void Some_districts_override_the_city_level_department()
    {
        var overrides = city.Responsibilities.Where(row => row.Region.Length == 6).ToList();

        overrides.Should().NotBeEmpty();
        overrides.Should().OnlyContain(row =>
            city.Responsibilities.Single(cityRow => cityRow.Region == "9901" && cityRow.Category == row.Category).Department != row.Department);
    }

    [Fact]
    public void Category_codes_are_unique_lower_snake_case() =>
        city.Categories.Select(category => category.Code).Should().OnlyHaveUniqueItems().And.OnlyContain(code => SnakeCase().IsMatch(code));

    [Theory]
    [InlineData("component", new[] { "公用设施", "道路交通", "市容环境", "园林绿化", "房屋土地", "其他设施" })]
    [InlineData("incident", new[] { "市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序", "其他事件" })]
    public void Both_gbt_30428_families_cover_all_their_groups(string family, string[] groups) =>
        city.Categories.Where(category => category.Family == family).Select(category => category.Group).Distinct()
            .Should().BeEquivalentTo(groups);

    [Theory]
    [InlineData("waterlogging", "waterlogging")]
    [InlineData("gas_leak", "gas_leak")]
    [InlineData("manhole_displaced", "manhole_displaced")]
    [InlineData("illegal_parking", "illegal_parking")]
    [InlineData("sos", "sos")]
    [InlineData("pm25_high", "air_pollution")]
    [InlineData("noise_high", "noise_exceeded")]
    [InlineData("hydrant_low_pressure", "hydrant_low_pressure")]
    [InlineData("street_vending", "street_vending")]
    [InlineData("garbage_overflow", "garbage_overflow")]
    [InlineData("smoke_fire", "smoke_fire")]
    [InlineData("crowding", "crowding")]
    public void Each_alarm_kind_maps_to_exactly_one_self_registering_category(string alarmKind, string category) =>
        city.Categories.Where(c => c.AlarmKinds.Contains(alarmKind)).Should().ContainSingle()
            .Which.Should().Match<CatalogueCategory>(c => c.Code == category && c.AutoRegister);

    [Fact]
    public void Urgency_is_normal_urgent_or_emergency_and_sets_the_time_limits()
    {
        city.Categories.Select(category => category.Urgency).Distinct().Should().BeEquivalentTo("normal", "urgent", "emergency");
        city.Categories.Where(category => category.Urgency == "emergency").Should().OnlyContain(category =>
            category.Limits.RegisterMinutes == 5 && category.Limits.DispatchMinutes == 10
            && category.Limits.HandleMinutes == 120 && category.Limits.VerifyMinutes == 60);
        city.Categories.Should().OnlyContain(category =>
            category.Limits.RegisterMinutes > 0 && category.Limits.DispatchMinutes > 0
            && category.Limits.HandleMinutes > 0 && category.Limits.VerifyMinutes > 0);
    }

    [Fact]
    public void The_required_departments_exist() =>
        city.Departments.Select(department => department.Code).Should().Contain(
            ["urban", "water", "traffic", "emergency", "environment", "housing", "gas", "greening", "market", "police"]);

    [Fact]
    public void Every_department_handles_at_least_one_category() =>
        city.Departments.Should().OnlyContain(department => city.Responsibilities.Any(row => row.Department == department.Code));

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();
}
