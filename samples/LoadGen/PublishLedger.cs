using System.Collections.Concurrent;

namespace CityOps.Samples.LoadGen;

/// <summary>
/// Where every publish of one phase ended: acknowledged (or, at QoS 0, written to the socket), refused with a
/// reason code, failed with an error, or unanswered (no acknowledgement before its deadline or the end of the
/// run). Each outcome is counted on its own, so <see cref="Unaccounted"/> (sent less every outcome) shows a
/// publish the generator lost track of instead of hiding it. Thread-safe.
/// </summary>
public sealed class PublishLedger
{
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _failed = new(StringComparer.Ordinal);
    private long _sent;
    private long _acknowledged;
    private long _unanswered;
    private long _answeredLate;
    private long _items;
    private long _itemsAcknowledged;

    public long Sent => Interlocked.Read(ref _sent);

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Unanswered => Interlocked.Read(ref _unanswered);

    /// <summary>Unanswered publishes acknowledged after all, past their deadline; not part of the accounting.</summary>
    public long AnsweredLate => Interlocked.Read(ref _answeredLate);

    public long Refused => _refused.Values.Sum();

    public long Failed => _failed.Values.Sum();

    /// <summary>Readings sent (a batch carries many; a device's own message one).</summary>
    public long Items => Interlocked.Read(ref _items);

    public long ItemsAcknowledged => Interlocked.Read(ref _itemsAcknowledged);

    /// <summary>Publishes still waiting for an outcome.</summary>
    public long Pending => Sent - Acknowledged - Refused - Failed - Unanswered;

    public IReadOnlyDictionary<string, long> RefusedByReason => new SortedDictionary<string, long>(_refused, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> FailedByError => new SortedDictionary<string, long>(_failed, StringComparer.Ordinal);

    public void Send(int items = 1)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _items, items);
    }

    public void Acknowledge(int items = 1)
    {
        Interlocked.Increment(ref _acknowledged);
        Interlocked.Add(ref _itemsAcknowledged, items);
    }

    public void Refuse(string reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void Fail(string error) => _failed.AddOrUpdate(error, 1, (_, n) => n + 1);

    public void Unanswer() => Interlocked.Increment(ref _unanswered);

    public void AnswerLate() => Interlocked.Increment(ref _answeredLate);

    public LedgerFigures Figures() => new(
        Sent,
        Acknowledged,
        Refused,
        RefusedByReason,
        Failed,
        FailedByError,
        Unanswered,
        Sent - Acknowledged - Refused - Failed - Unanswered,
        Items,
        ItemsAcknowledged,
        AnsweredLate);
}

/// <summary>A ledger's totals; <see cref="Unaccounted"/> is sent less every outcome and should be 0.</summary>
public sealed record LedgerFigures(
    long Sent,
    long Acknowledged,
    long Refused,
    IReadOnlyDictionary<string, long> RefusedByReason,
    long Failed,
    IReadOnlyDictionary<string, long> FailedByError,
    long Unanswered,
    long Unaccounted,
    long Readings,
    long ReadingsAcknowledged,
    long AnsweredLate = 0);
