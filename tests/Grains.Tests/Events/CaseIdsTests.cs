using CityOps.Grains.Interfaces.Events;

namespace CityOps.Grains.Tests.Events;

public class CaseIdsTests
{
    [Theory]
    [InlineData("20261122", 123, "E20261122-000123")]
    [InlineData("20261122", 1_234_567, "E20261122-1234567")]
    public void A_days_number_makes_an_id_of_at_least_six_digits(string day, int number, string id) =>
        CaseIds.Of(day, number).Should().Be(id);

    [Theory]
    [InlineData("E20261122-000123", true)]
    [InlineData("E20261122-1234567", true)]
    [InlineData("E20261122-123456789", true)]
    [InlineData("E20261122-00012", false)]
    [InlineData("E20261122-1234567890", false)]
    [InlineData("E2026112-000123", false)]
    [InlineData("X20261122-000123", false)]
    [InlineData("E20261122_000123", false)]
    [InlineData("E2026112a-000123", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Every_id_a_day_can_make_is_recognised_and_nothing_else(string? id, bool isCaseId) =>
        CaseIds.IsCaseId(id).Should().Be(isCaseId);

    [Fact]
    public void Every_id_made_is_recognised()
    {
        foreach (var number in new[] { 1, 999_999, 1_000_000, 999_999_999 })
        {
            CaseIds.IsCaseId(CaseIds.Of("20261206", number)).Should().BeTrue($"number {number}");
        }
    }
}
