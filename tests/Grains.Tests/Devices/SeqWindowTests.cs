using CityOps.Grains.Devices;

namespace CityOps.Grains.Tests.Devices;

public class SeqWindowTests
{
    private static (SeqWindow Window, bool[] IsNew) AcceptAll(params long[] seqs)
    {
        var window = default(SeqWindow);
        var isNew = new bool[seqs.Length];
        for (var i = 0; i < seqs.Length; i++)
        {
            (window, isNew[i]) = window.Accept(seqs[i]);
        }

        return (window, isNew);
    }

    [Fact]
    public void Increasing_numbers_are_each_new()
    {
        AcceptAll(1, 2, 3, 5, 100).IsNew.Should().AllBeEquivalentTo(true);
    }

    [Fact]
    public void A_number_repeated_within_the_window_is_a_redelivery()
    {
        AcceptAll(10, 11, 12, 11, 12, 10).IsNew.Should().Equal(true, true, true, false, false, false);
    }

    [Fact]
    public void A_number_arriving_late_but_within_the_window_is_new_once()
    {
        AcceptAll(1, 3, 2, 2).IsNew.Should().Equal(true, true, true, false);
    }

    [Fact]
    public void The_window_spans_the_last_64_numbers()
    {
        var seqs = Enumerable.Range(1, 100).Select(i => (long)i).ToArray();
        var (window, _) = AcceptAll(seqs);

        window.Accept(100 - 63).IsNew.Should().BeFalse("37 is the oldest number the window holds");
        window.Accept(100 - 64).IsNew.Should().BeTrue("36 is beyond it: the device counts again from lower down");
    }

    [Fact]
    public void A_device_that_counts_again_from_one_loses_no_readings()
    {
        var before = Enumerable.Range(900, 100).Select(i => (long)i);
        var after = Enumerable.Range(1, 1000).Select(i => (long)i);

        AcceptAll([.. before, .. after]).IsNew.Should().AllBeEquivalentTo(true);
    }

    [Fact]
    public void A_jump_of_more_than_the_window_forgets_what_came_before()
    {
        var (window, _) = AcceptAll(1, 2, 3, 1000);

        window.Should().Be(new SeqWindow(1000, 1));
    }

    [Fact]
    public void A_fresh_window_is_empty_and_takes_zero()
    {
        default(SeqWindow).IsEmpty.Should().BeTrue();
        AcceptAll(0, 0).IsNew.Should().Equal(true, false);
    }
}
