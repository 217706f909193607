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

    private static readonly SharedNames Shared = new(Capacity);

    /// <summary>The shared string for <paramref name="name"/>.</summary>
    public static string Of(ReadOnlySpan<char> name) => Shared.Of(name);
}

/// <summary>A bounded set of strings handed out as one instance each; past its capacity a new name is returned unshared.</summary>
public sealed class SharedNames(int capacity)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Kept beside the dictionary because its own Count takes every lock.</summary>
    private int _count;

    /// <summary>The shared string for <paramref name="name"/>, or a string of its own once the set is full.</summary>
    public string Of(ReadOnlySpan<char> name)
    {
        if (_names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var shared))
        {
            return shared;
        }

        var text = name.ToString();
        if (Volatile.Read(ref _count) >= capacity)
        {
            return text;
        }

        var added = _names.GetOrAdd(text, text);
        if (ReferenceEquals(added, text))
        {
            Interlocked.Increment(ref _count);
        }

        return added;
    }
}
