using System.Globalization;
using System.Text;

namespace CityOps.Crypto;

/// <summary>The head of one audit chain as a checkpoint lists it.</summary>
/// <param name="Chain">The chain's name: <c>case/{eventId}</c> or <c>admin/{yyyy-MM}</c>.</param>
/// <param name="Count">How many entries the chain had.</param>
/// <param name="HeadHash">The hash of its last entry (64 zeros for an empty chain).</param>
public sealed record CheckpointHead(string Chain, long Count, string HeadHash);

/// <summary>What a checkpoint states, parsed from its signed text.</summary>
public sealed record CheckpointContent(string Day, DateTimeOffset At, IReadOnlyList<CheckpointHead> Heads);

/// <summary>
/// The text an SM2 checkpoint signs: UTF-8, lines ending in <c>\n</c>, no other whitespace than single spaces:
/// <code>
/// cityops/audit-checkpoint/v1
/// day 2026-12-06
/// at 2026-12-07T00:00:05.0000000+00:00
/// chain case/E20261206-000001 5 3f…(64 hex)
/// chain admin/2026-12 12 9a…
/// </code>
/// The chains are in ordinal order of their names. The checkpoint file (JSON) carries this text, the signature over its
/// UTF-8 bytes and the public key, so the file alone and the public key verify it (tools/AuditVerifier).
/// </summary>
public static class CheckpointText
{
    public const string Version = "cityops/audit-checkpoint/v1";

    public static string Write(string day, DateTimeOffset at, IEnumerable<CheckpointHead> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var text = new StringBuilder();
        text.Append(Version).Append('\n');
        text.Append("day ").Append(day).Append('\n');
        text.Append("at ").Append(at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)).Append('\n');
        foreach (var head in heads.OrderBy(h => h.Chain, StringComparer.Ordinal))
        {
            if (head.Chain.Any(char.IsWhiteSpace) || head.Chain.Length == 0)
            {
                throw new ArgumentException($"A chain's name has no whitespace: '{head.Chain}'.", nameof(heads));
            }

            text.Append("chain ").Append(head.Chain).Append(' ').Append(head.Count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(head.HeadHash).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The content of a checkpoint's text, or null with the reason when it is not one.</summary>
    public static (CheckpointContent? Content, string? Problem) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.EndsWith('\n'))
        {
            return (null, "the text does not end with a line break");
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines[0] != Version)
        {
            return (null, $"the text does not start with {Version}, a day and an instant");
        }

        if (!lines[1].StartsWith("day ", StringComparison.Ordinal)
            || !DateOnly.TryParseExact(lines[1][4..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return (null, "line 2 is not 'day yyyy-MM-dd'");
        }

        if (!lines[2].StartsWith("at ", StringComparison.Ordinal)
            || !DateTimeOffset.TryParseExact(lines[2][3..], "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return (null, "line 3 is not 'at' and an ISO-8601 instant");
        }

        var heads = new List<CheckpointHead>();
        for (var i = 3; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            if (parts is not ["chain", var chain, var count, var hash]
                || chain.Length == 0
                || !long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                || hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            {
                return (null, $"line {i + 1} is not 'chain <name> <count> <64 hex>'");
            }

            heads.Add(new CheckpointHead(chain, n, hash));
        }

        return (new CheckpointContent(lines[1][4..], at, heads), null);
    }
}

/// <summary>A signed checkpoint as stored and exported (JSON, camelCase): the signed text, its SM2 signature (hex DER) and the public key (hex).</summary>
public sealed record CheckpointFile(string Format, string Text, string Signature, string PublicKey, string Algorithm)
{
    public const string SignatureAlgorithm = "sm2-sm3";

    public static CheckpointFile Sign(string text, string privateKeyHex) =>
        new(CheckpointText.Version, text, Sm2Signing.Sign(privateKeyHex, Encoding.UTF8.GetBytes(text)), Sm2Signing.PublicKeyOf(privateKeyHex), SignatureAlgorithm);

    /// <summary>Whether the signature over the text is <paramref name="publicKeyHex"/>'s (the key the verifier trusts, not the file's own).</summary>
    public bool IsSignedBy(string publicKeyHex) =>
        Algorithm == SignatureAlgorithm && Sm2Signing.Verify(publicKeyHex, Encoding.UTF8.GetBytes(Text), Signature);
}
