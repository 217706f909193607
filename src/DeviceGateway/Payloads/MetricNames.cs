using System.Collections.Concurrent;

namespace CityOps.DeviceGateway.Payloads;

/// <summary>
/// One string per metric name for the whole process. Devices send few names (their kinds' metrics), so once a name
/// has been seen a reading's name costs no allocation, and every twin keys its latest values and its history by the
/// same string instead of a copy each. Bounded, so that made-up names cannot grow it: past <see cref="Capacity"/> a
/// new name is simply not shared.
/// </summary>
public static class MetricNames
{
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByChars =
        Names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Kept beside the dictionary because its own Count takes every lock.</summary>
    private static int _count;

    /// <summary>The shared string for <paramref name="name"/>.</summary>
    public static string Of(ReadOnlySpan<char> name)
    {
        if (ByChars.TryGetValue(name, out var shared))
        {
            return shared;
        }

        var text = name.ToString();
        if (Volatile.Read(ref _count) >= Capacity)
        {
            return text;
        }

        var added = Names.GetOrAdd(text, text);
        if (ReferenceEquals(added, text))
        {
            Interlocked.Increment(ref _count);
        }

        return added;
    }
}
