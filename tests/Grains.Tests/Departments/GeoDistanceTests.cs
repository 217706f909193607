using CityOps.Grains.Departments;
using CityOps.Grains.Interfaces.Departments;

namespace CityOps.Grains.Tests.Departments;

public class GeoDistanceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_point_is_no_distance_from_itself() =>
        GeoDistance.HaversineMetres(114.3, 27.6, 114.3, 27.6).Should().Be(0);

    [Fact]
    public void One_degree_of_latitude_is_about_111_kilometres() =>
        GeoDistance.HaversineMetres(114.3, 27.0, 114.3, 28.0).Should().BeApproximately(111_195, 10);

    [Fact]
    public void A_degree_of_longitude_shrinks_with_the_cosine_of_latitude() =>
        GeoDistance.HaversineMetres(114.0, 60.0, 115.0, 60.0).Should().BeApproximately(55_597, 50);

    [Fact]
    public void The_distance_between_two_city_points_matches_a_known_value() =>
        // Beijing Tiananmen to Shanghai People's Square, about 1,067 km along the great circle.
        GeoDistance.HaversineMetres(116.3975, 39.9087, 121.4737, 31.2304).Should().BeApproximately(1_067_000, 3_000);

    [Fact]
    public void The_nearest_position_wins()
    {
        var nearest = GeoDistance.Nearest(
            [
                new ResponderPosition("far", 114.35, 27.62, T0),
                new ResponderPosition("near", 114.301, 27.6, T0),
            ],
            114.3,
            27.6);

        nearest!.Responder.Username.Should().Be("near");
        nearest.DistanceMetres.Should().BeApproximately(98.6, 0.5);
    }

    [Fact]
    public void Equally_near_positions_are_decided_by_username() =>
        GeoDistance.Nearest([new ResponderPosition("b", 114.31, 27.6, T0), new ResponderPosition("a", 114.29, 27.6, T0)], 114.3, 27.6)!
            .Responder.Username.Should().Be("a");

    [Fact]
    public void No_positions_have_no_nearest() =>
        GeoDistance.Nearest([], 114.3, 27.6).Should().BeNull();
}
