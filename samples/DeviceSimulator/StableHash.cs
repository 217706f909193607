namespace CityOps.Samples.DeviceSimulator;

/// <summary>FNV-1a over a string: unlike <see cref="string.GetHashCode()"/> it is the same in every process, so runs are repeatable.</summary>
internal static class StableHash
{
    public static uint Of(string text, uint salt = 0)
    {
        var hash = 2166136261u ^ salt;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
