namespace CityOps.Grains.Devices;

/// <summary>
/// The sequence numbers a device sent recently, in 16 bytes: the highest, and which of the
/// <see cref="Width"/> numbers up to it were seen (bit <c>n</c> = highest − n). A QoS 1 redelivery
/// repeats a number within the window and is recognised; a number further behind than the window
/// means the device counts again from lower down (a restart without a clean session), so the window
/// starts again there rather than dropping its readings.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct SeqWindow([property: Id(0)] long Highest, [property: Id(1)] ulong Seen)
{
    public const int Width = 64;

    /// <summary>No number seen yet (a window that has seen one always has bit 0 set).</summary>
    public bool IsEmpty => Seen == 0;

    /// <summary>The window after <paramref name="seq"/>, and whether it was not seen before.</summary>
    public (SeqWindow Next, bool IsNew) Accept(long seq)
    {
        if (IsEmpty)
        {
            return (new SeqWindow(seq, 1UL), true);
        }

        if (seq > Highest)
        {
            var ahead = seq - Highest;
            return (new SeqWindow(seq, (ahead >= Width ? 0UL : Seen << (int)ahead) | 1UL), true);
        }

        var behind = Highest - seq;
        if (behind >= Width)
        {
            return (new SeqWindow(seq, 1UL), true);
        }

        var bit = 1UL << (int)behind;
        return (Seen & bit) != 0 ? (this, false) : (this with { Seen = Seen | bit }, true);
    }
}
