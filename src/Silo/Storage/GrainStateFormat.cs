using Newtonsoft.Json;
using Orleans.Serialization;
using Orleans.Storage;

namespace CityOps.Silo.Storage;

/// <summary>
/// The one format every grain state is stored in, in both profiles: Orleans' own binary
/// serializer, which writes the <c>[Id]</c> of each member and no .NET type name, so a state reads
/// back after a restart and across an upgrade that adds, removes or reorders members (see
/// docs/reliability.md). State written by earlier versions of the engine in Orleans' Newtonsoft JSON
/// (with <c>$type</c> names, some of them compiler-generated) is still read: such a payload starts
/// with <c>{</c>, which no binary payload of a state object does, and is read by member name with
/// the type names ignored. The grain's next write stores it in the binary format.
/// </summary>
public sealed class GrainStateFormat(Serializer serializer) : IGrainStorageSerializer
{
    /// <summary>
    /// Metadata (<c>$type</c>, <c>$id</c>, <c>$ref</c>, <c>$values</c>) is resolved before reading
    /// (<see cref="LegacyJson"/>); type names are ignored, so neither the allow-list nor a renamed or compiler-generated type can
    /// stop a read; the declared member types decide (an interface such as IReadOnlyList becomes a List).
    /// </summary>
    private static readonly JsonSerializerSettings LegacySettings = new()
    {
        TypeNameHandling = TypeNameHandling.None,
        MetadataPropertyHandling = MetadataPropertyHandling.Ignore,
        DateParseHandling = DateParseHandling.DateTimeOffset,
        MissingMemberHandling = MissingMemberHandling.Ignore,
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        // Collections the state's constructor fills are replaced, never appended to, so a default list is not doubled.
        ObjectCreationHandling = ObjectCreationHandling.Replace,
    };

    public BinaryData Serialize<T>(T? input)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        serializer.Serialize(input, buffer);
        return new BinaryData(buffer.WrittenMemory);
    }

    public T? Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = input.ToMemory();
        if (IsLegacyJson(bytes.Span))
        {
            return LegacyJson.ToObject<T>(input.ToString(), LegacySettings);
        }

        return serializer.Deserialize<T>(bytes);
    }

    /// <summary>
    /// The earlier format's payloads are JSON objects. A binary payload starts with a field header whose
    /// top three bits give the wire type; <c>{</c> (0x7B) would be "fixed 32-bit", never an object's header.
    /// </summary>
    public static bool IsLegacyJson(ReadOnlySpan<byte> payload)
    {
        var start = payload.StartsWith("\uFEFF"u8) ? payload[3..] : payload;
        return start.Length > 0 && start[0] == (byte)'{';
    }
}
