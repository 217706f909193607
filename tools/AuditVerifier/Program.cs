using System.Text.Json;
using System.Text.Json.Serialization;
using CityOps.Crypto;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;
using CityOps.Grains.Interfaces.Users;
using CityOps.Grains.Users;

namespace CityOps.Tools.AuditVerifier;

/// <summary>
/// <c>AuditVerifier --checkpoint day.json --public-key sm2-checkpoint.pub [--chain case/E…=audit.json] [--chain admin/2026-12=admin.json]</c>:
/// checks the checkpoint's SM2 signature with the public key (hex <c>04‖x‖y</c>, or a file holding it) and never with the key the
/// file carries; then each chain given: its export (the JSON of <c>GET /api/events/{id}/audit</c> or <c>GET /api/admin/audit?month=</c>)
/// must verify entry by entry and reach the head the checkpoint lists. Exit code 0: all good; 1: something refused; 2: bad usage or unreadable input.
/// </summary>
internal static class Program
{
    public const int Good = 0;
    public const int Refused = 1;
    public const int Usage = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static int Main(string[] args) => Run(args, Console.Out);

    public static int Run(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        string? checkpointPath = null, publicKey = null;
        var chains = new List<(string Name, string Path)>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--checkpoint" when value is not null:
                    checkpointPath = value;
                    i++;
                    break;
                case "--public-key" when value is not null:
                    publicKey = File.Exists(value) ? File.ReadAllText(value).Trim() : value.Trim();
                    i++;
                    break;
                case "--chain" when value?.Split('=', 2) is [var name, var path]:
                    chains.Add((name, path));
                    i++;
                    break;
                default:
                    output.WriteLine("usage: AuditVerifier --checkpoint <day.json> --public-key <hex or file> [--chain <case/E…|admin/yyyy-MM>=<export.json>]…");
                    return Usage;
            }
        }

        if (checkpointPath is null || publicKey is null)
        {
            output.WriteLine("usage: AuditVerifier --checkpoint <day.json> --public-key <hex or file> [--chain <name>=<export.json>]…");
            return Usage;
        }

        CheckpointFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CheckpointFile>(File.ReadAllText(checkpointPath), Json);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            output.WriteLine($"UNREADABLE {checkpointPath}: {e.Message}");
            return Usage;
        }

        if (file is not { Text: not null, Signature: not null, Algorithm: not null })
        {
            output.WriteLine($"UNREADABLE {checkpointPath}: not a checkpoint (text, signature, algorithm)");
            return Usage;
        }

        if (!file.IsSignedBy(publicKey))
        {
            output.WriteLine("REFUSED signature: the checkpoint's text is not signed by this public key (altered, or another installation's)");
            return Refused;
        }

        var (content, problem) = CheckpointText.Parse(file.Text);
        if (content is null)
        {
            output.WriteLine($"REFUSED text: {problem}");
            return Refused;
        }

        output.WriteLine($"OK signature: checkpoint of {content.Day} signed at {content.At:O}, {content.Heads.Count} chains");
        var result = Good;
        foreach (var (name, path) in chains)
        {
            var line = CheckChain(content, name, path);
            output.WriteLine(line);
            if (!line.StartsWith("OK", StringComparison.Ordinal))
            {
                result = Refused;
            }
        }

        return result;
    }

    private static string CheckChain(CheckpointContent content, string name, string path)
    {
        if (content.Heads.FirstOrDefault(h => h.Chain == name) is not { } head)
        {
            return $"REFUSED {name}: the checkpoint lists no such chain";
        }

        AuditVerification verification;
        try
        {
            var anchor = new AuditAnchor(head.Count, head.HeadHash);
            var text = File.ReadAllText(path);
            verification = name.StartsWith("admin/", StringComparison.Ordinal)
                ? AdminAuditChain.Verify(JsonSerializer.Deserialize<Export<AdminAuditEntry>>(text, Json)?.Entries ?? [], anchor)
                : AuditChain.Verify(JsonSerializer.Deserialize<Export<AuditEntry>>(text, Json)?.Entries ?? [], anchor);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or NotSupportedException)
        {
            return $"REFUSED {name}: {path} is unreadable: {e.Message}";
        }

        return verification.IsValid
            ? $"OK {name}: {head.Count} entries verify up to the signed head {head.HeadHash}"
            : $"REFUSED {name}: {verification.Kind} at entry {verification.Index}: {verification.Detail}";
    }

    /// <summary>The part of an audit export the verifier reads.</summary>
    private sealed record Export<T>(T[]? Entries);
}
