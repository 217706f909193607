using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CityOps.Silo.Storage;

/// <summary>
/// Reads the Newtonsoft JSON that earlier versions stored grain state in. That format wrapped
/// collections as <c>{"$type":…,"$values":[…]}</c>, tagged each object with <c>$id</c> and wrote a
/// repeated object as <c>{"$ref":…}</c>. The metadata is resolved here into plain JSON, so the state
/// is read by its declared member types alone and no stored type name matters.
/// </summary>
public static class LegacyJson
{
    public static T? ToObject<T>(string json, JsonSerializerSettings settings)
    {
        var token = JToken.Parse(json);
        var byId = new Dictionary<string, JObject>(StringComparer.Ordinal);
        Collect(token, byId);
        return Plain(token, byId, depth: 0).ToObject<T>(JsonSerializer.Create(settings));
    }

    private static void Collect(JToken token, Dictionary<string, JObject> byId)
    {
        if (token is JObject obj && obj.TryGetValue("$id", out var id))
        {
            byId[id.ToString()] = obj;
        }

        foreach (var child in token.Children())
        {
            Collect(child is JProperty p ? p.Value : child, byId);
        }
    }

    private static JToken Plain(JToken token, Dictionary<string, JObject> byId, int depth)
    {
        // A state is a few levels deep; a cycle of references would be no state this engine wrote.
        if (depth > 64)
        {
            throw new JsonSerializationException("Stored state nests deeper than any state the engine writes.");
        }

        switch (token)
        {
            case JObject obj when obj.TryGetValue("$ref", out var reference):
                return byId.TryGetValue(reference.ToString(), out var referenced)
                    ? Plain(referenced, byId, depth + 1)
                    : throw new JsonSerializationException($"Stored state refers to object {reference} it does not hold.");
            case JObject obj when obj.TryGetValue("$values", out var values) || obj.TryGetValue("$value", out values):
                return Plain(values, byId, depth + 1);
            case JObject obj:
                var plain = new JObject();
                foreach (var property in obj.Properties().Where(p => !p.Name.StartsWith('$')))
                {
                    plain[property.Name] = Plain(property.Value, byId, depth + 1);
                }

                return plain;
            case JArray array:
                return new JArray(array.Select(item => Plain(item, byId, depth + 1)));
            default:
                return token.DeepClone();
        }
    }
}
