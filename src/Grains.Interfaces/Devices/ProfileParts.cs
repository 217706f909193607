namespace CityOps.Grains.Interfaces.Devices;

/// <summary>
/// Makes the profiles of one import share the parts many devices have alike (the cell code, a smart pole's modules, a
/// camera's scene, industry, sharing scope and presets) instead of each holding the copy its file gave it. Profiles stay
/// in memory for as long as their registry shard and twin are active, so for a city of a million devices this is about
/// 130 bytes a device, 120 MB (docs/performance.md). Not safe for use from more than one thread at once.
/// </summary>
public sealed class ProfileParts
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _modules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]> _presets = new(StringComparer.Ordinal);

    /// <summary>The profile, equal to <paramref name="profile"/>, made of parts shared with the profiles shared before it.</summary>
    public DeviceProfile Share(DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile with
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
    }

    private string Share(string value)
    {
        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings[value] = value;
        return value;
    }

    private string[]? Share(string[]? modules)
    {
        if (modules is null)
        {
            return null;
        }

        var key = string.Join('\u001f', modules);
        if (_modules.TryGetValue(key, out var shared))
        {
            return shared;
        }

        shared = [.. modules.Select(Share)];
        _modules[key] = shared;
        return shared;
    }

    private int[]? Share(int[]? presets)
    {
        if (presets is null)
        {
            return null;
        }

        var key = string.Join(',', presets);
        if (_presets.TryGetValue(key, out var shared))
        {
            return shared;
        }

        _presets[key] = presets;
        return presets;
    }
}
