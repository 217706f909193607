using System.Text;
using Orleans.Storage;

namespace CityOps.Silo.Storage;

/// <summary>
/// The columns that name a grain's state in the <c>OrleansStorage</c> table, computed exactly as Orleans' ADO.NET
/// provider computes them (its grain key and default hasher), so that a row written by either is the same row: the
/// engine reads through Orleans' provider and writes through <see cref="SqliteStateWriter"/>.
/// </summary>
public readonly record struct StoredStateKey(int GrainIdHash, long GrainIdN0, long GrainIdN1, int GrainTypeHash, string GrainTypeString, string? GrainIdExtensionString)
{
    private static readonly OrleansDefaultHasher Hasher = new();

    public static StoredStateKey Of(string stateName, GrainId grainId)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        if (stateName.Contains('`', StringComparison.Ordinal))
        {
            // Orleans rewrites a generic type's name before hashing it; no state of the engine is named so.
            throw new ArgumentException($"State name '{stateName}' names a generic type, which this storage does not store.", nameof(stateName));
        }

        long n0 = 0, n1 = 0;
        string? extension;
        byte[]? keyBytes = null;
        if (grainId.TryGetGuidKey(out var guid, out extension))
        {
            keyBytes = guid.ToByteArray();
            n0 = BitConverter.ToInt64(keyBytes, 0);
            n1 = BitConverter.ToInt64(keyBytes, 8);
        }
        else if (grainId.TryGetIntegerKey(out var integer, out extension))
        {
            n1 = integer;
            keyBytes = BitConverter.GetBytes(integer);
        }
        else
        {
            extension = grainId.Key.ToString();
        }

        var hashBytes = keyBytes is null
            ? Encoding.UTF8.GetBytes(extension!)
            : extension is null ? keyBytes : [.. keyBytes, .. Encoding.UTF8.GetBytes(extension)];
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(hashBytes);
        }

        return new StoredStateKey(Hasher.Hash(hashBytes), n0, n1, Hasher.Hash(Encoding.UTF8.GetBytes(stateName)), stateName, extension);
    }
}
