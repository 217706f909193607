using CityOps.Grains.Interfaces.City;
using CityOps.Samples.CityGenerator;
using CityOps.Sip;

namespace CityOps.Samples.Tests.CityGenerator;

public sealed class GbRecordersTests(DefaultLayout fixture) : IClassFixture<DefaultLayout>
{
    [Fact]
    public void Each_district_gets_one_recorder_with_a_gb_code_of_type_118_in_its_own_cell()
    {
        var (recorders, _) = GbRecorders.Place(fixture.Layout, 7);

        recorders.Should().HaveCount(CityLayout.DistrictCount);
        recorders.Should().OnlyContain(r => r.Kind == DeviceKind.Nvr && GbCodes.IsValid(r.Id) && GbCodes.TypeOf(r.Id) == GbCodes.NvrType);
        recorders.Should().OnlyContain(r => r.CellCode.StartsWith(r.Id.Substring(0, 6), StringComparison.Ordinal));
        recorders.Select(r => r.Secret).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Each_recorder_carries_camera_channels_with_unique_gb_codes_in_its_district()
    {
        var (_, catalogs) = GbRecorders.Place(fixture.Layout, 7);
        var channels = catalogs.SelectMany(c => c.Channels.Select(ch => (Recorder: c.Id, Channel: ch))).ToList();

        channels.Should().HaveCount(CityLayout.DistrictCount * GbRecorders.ChannelsPerRecorder);
        channels.Select(c => c.Channel.Id).Should().OnlyHaveUniqueItems();
        channels.Should().OnlyContain(c => GbCodes.IsValid(c.Channel.Id) && GbCodes.TypeOf(c.Channel.Id) == GbCodes.CameraType && c.Channel.Id.Substring(0, 6) == c.Recorder.Substring(0, 6));
        channels.Should().Contain(c => c.Channel.Ptz).And.Contain(c => !c.Channel.Ptz);
    }

    [Fact]
    public void The_same_seed_places_the_same_recorders()
    {
        GbRecorders.Place(fixture.Layout, 7).Recorders.Should().Equal(GbRecorders.Place(fixture.Layout, 7).Recorders, (a, b) => a.Id == b.Id && a.Secret == b.Secret);
    }
}
