using System.Globalization;

namespace CityOps.Grains.Interfaces.Audit;

/// <summary>
/// A day's signed audit checkpoint: the text listing the heads of the audit chains that changed that day (the format of
/// <c>CheckpointText</c> in src/Crypto), its SM2 signature (hex DER) and the public key that made it (hex <c>04‖x‖y</c>).
/// </summary>
/// <param name="Day">The UTC day, <c>yyyy-MM-dd</c>.</param>
/// <param name="At">When the heads were read and signed.</param>
/// <param name="Chains">How many chains the text lists.</param>
[GenerateSerializer, Immutable]
public sealed record AuditCheckpoint(
    [property: Id(0)] string Day,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int Chains,
    [property: Id(3)] string Text,
    [property: Id(4)] string Signature,
    [property: Id(5)] string PublicKey);

/// <summary>
/// The signed checkpoint of one UTC day (key <c>yyyy-MM-dd</c>, <see cref="AuditDays"/>), 国密 mode's SM2 signature over
/// the heads of every case trail that changed that day (found through the districts' case indexes, which know every
/// case, so no case action pays for it) and of the day's month of the administration audit.
/// </summary>
public interface IAuditCheckpointGrain : IGrainWithStringKey
{
    /// <summary>Reads the heads now and signs them, replacing an earlier checkpoint of the day.</summary>
    /// <param name="districts">The city's district codes, whose case indexes are asked.</param>
    Task<AuditCheckpoint> Create(IReadOnlyList<string> districts);

    /// <summary>
    /// The day's closing checkpoint, once the day is over: the stored one when it was made after the day ended, else a
    /// new one. Called by every silo's daily job; the first call signs, the others find it made.
    /// </summary>
    Task<AuditCheckpoint> Close(IReadOnlyList<string> districts);

    Task<AuditCheckpoint?> Get();

    /// <summary>The installation's checkpoint public key (hex <c>04‖x‖y</c>), whichever day's grain is asked.</summary>
    Task<string> PublicKey();
}

/// <summary>The days of audit checkpoints: UTC, like the administration audit's months.</summary>
public static class AuditDays
{
    public const string Format = "yyyy-MM-dd";

    public static string Of(DateTimeOffset at) => at.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The day's start (UTC), or null for a key that is not a day.</summary>
    public static DateTimeOffset? StartOf(string day) =>
        DateTime.TryParseExact(day, Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start)
            ? new DateTimeOffset(start, TimeSpan.Zero)
            : null;
}
