namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// Makes the profiles a silo holds share the parts many devices have alike (the cell code, a smart pole's modules, a
/// camera's scene, industry, sharing scope and presets) instead of each holding the copy its file or its row gave it.
/// Profiles stay in memory for as long as their registry shard and twin are active: for the bench city of a million
/// devices about 90 MB (docs/performance.md, "Less memory a device"). One a silo, used by the import and by registry
/// shards read from their rows; what it keeps is the city's vocabulary, not a part a device.
/// </summary>
public sealed class ProfileParts
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _presets = new(StringComparer.Ordinal);

    /// <summary>The profile, equal to <paramref name="profile"/>, made of parts shared with the profiles shared before it.</summary>
    public DeviceProfile Share(DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        lock (_lock)
        {
            return Shared(profile);
        }
    }

    private DeviceProfile Shared(DeviceProfile profile) =>
        profile with
        {
            CellCode = Share(profile.CellCode),
            Modules = Share(profile.Modules),
            Video = profile.Video is { } video
                ? video with
                {
                    Scene = Share(video.Scene),
                    Industry = Share(video.Industry),
                    SharingScope = Share(video.SharingScope),
                    Presets = Share(video.Presets),
                }
                : null,
        };

    /// <summary>A file may leave a camera's scene, industry or scope out: such a part stays null.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    private string? Share(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings[value] = value;
        return value;
    }

    private string[]? Share(string[]? modules) => Share(modules, _modules, own => [.. own.Select(module => Share(module))]);

    private int[]? Share(int[]? presets) => Share(presets, _presets, own => own);

    /// <summary>The list equal to <paramref name="values"/> met first; <paramref name="own"/> makes a list met for the first time the one kept.</summary>
    private static T[]? Share<T>(T[]? values, Dictionary<string, T[]> known, Func<T[], T[]> own)
    {
        if (values is null)
        {
            return null;
        }

        var key = string.Join('\u001f', values);
        if (!known.TryGetValue(key, out var shared))
        {
            shared = own(values);
            known[key] = shared;
        }

        return shared;
    }
}
