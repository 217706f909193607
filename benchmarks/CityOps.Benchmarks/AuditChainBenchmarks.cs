using BenchmarkDotNet.Attributes;
using CityOps.Grains.Events;
using CityOps.Grains.Interfaces.Events;

namespace CityOps.Benchmarks;

/// <summary>
/// Every action on a case appends a SHA-256-chained audit entry, and reading a case's audit verifies
/// the whole trail. A case that went back and forth between a department and inspection has a few
/// dozen entries; appending the 21st and verifying 50 are the realistic costs.
/// </summary>
[MemoryDiagnoser]
public class AuditChainBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.FromHours(8));

    private static readonly (EventAction Action, EventRole Role, EventState Before, EventState After)[] Cycle =
    [
        (EventAction.Dispatch, EventRole.Dispatcher, EventState.Registered, EventState.Dispatched),
        (EventAction.Accept, EventRole.Responder, EventState.Dispatched, EventState.Accepted),
        (EventAction.Handle, EventRole.Responder, EventState.Accepted, EventState.Handled),
        (EventAction.Rework, EventRole.Responder, EventState.Handled, EventState.Registered),
    ];

    private AuditEntry[] _trail20 = [];
    private AuditEntry[] _trail50 = [];
    private AuditRecord _next = null!;

    [GlobalSetup]
    public void Setup()
    {
        _trail20 = Trail(20);
        _trail50 = Trail(50);
        _next = Record(20);
        if (!AuditChain.Verify(_trail50).IsValid)
        {
            throw new InvalidOperationException("The benchmark trail must verify.");
        }
    }

    [Benchmark(Description = "AuditChain Append (onto 20 entries)")]
    public AuditEntry Append() => AuditChain.Append(_trail20, _next);

    [Benchmark(Description = "AuditChain Verify (50 entries)")]
    public AuditVerification Verify() => AuditChain.Verify(_trail50);

    private static AuditEntry[] Trail(int count)
    {
        var trail = new List<AuditEntry>(count);
        for (var i = 0; i < count; i++)
        {
            trail.Add(AuditChain.Append(trail, Record(i)));
        }

        return [.. trail];
    }

    private static AuditRecord Record(int sequence)
    {
        var at = Start.AddMinutes(7 * sequence);
        if (sequence == 0)
        {
            return new(at, "WL-990101-00001", EventRole.Engine, EventAction.Report, null, null, EventState.Reported, [], "device:WL-990101-00001", new Dictionary<string, string>());
        }

        if (sequence == 1)
        {
            return new(at, "operator", EventRole.Operator, EventAction.Register, null, EventState.Reported, EventState.Registered, [], "10.20.1.15", new Dictionary<string, string>());
        }

        var (action, role, before, after) = Cycle[(sequence - 2) % Cycle.Length];
        var details = new Dictionary<string, string>();
        if (action == EventAction.Dispatch)
        {
            details[AuditDetails.Department] = "drainage";
            details[AuditDetails.Assignee] = "responder-drainage-1";
        }

        IReadOnlyList<string> photos = action == EventAction.Handle
            ? [Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(sequence)))]
            : [];
        var reason = action == EventAction.Rework ? "Water still standing at the kerb." : null;
        return new(at, role == EventRole.Dispatcher ? "dispatcher" : "responder-drainage-1", role, action, reason, before, after, photos, "10.20.1.15", details);
    }
}
