using System.Collections.Concurrent;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Mqtt;

/// <summary>What the gateway needs to know of a device to admit its messages.</summary>
/// <param name="CellCode">Null for a device whose twin holds no profile yet.</param>
public sealed record DeviceFacts(IDeviceTwinGrain Twin, DeviceKind Kind, bool Revoked, string? CellCode, int ExpectedIntervalSeconds);

/// <summary>
/// Finds a device's twin, kind, grid cell and expected interval for the paths on which the gateway does not
/// authenticate the device itself (the bridge from an external broker and aggregators' batches), and whether its
/// account is revoked, for every path. A device's kind and cell change only when it is provisioned again, so they are
/// cached; whether it is revoked is read again about every <see cref="GatewayOptions.RevocationCheckInterval"/> (at
/// once on this process, through <see cref="MarkRevoked"/>). That read is made beside the message that finds the
/// entry due, not before it: a device's messages never wait on its account, and the entries of devices first seen
/// together are read again at moments spread over a quarter of the interval, not in one burst. A device registered with
/// its city is read again from its registry shard, not its account, so the account leaves memory once idle.
/// The devices kept are bounded by <see cref="GatewayOptions.DeviceDirectoryCapacity"/>: when it is full, the devices that
/// have sent nothing for a recheck interval make room, and a device beyond it is read with each message, so that a city
/// larger than the bound never loses every entry at once. An unknown id is remembered apart and only briefly, so that a
/// device provisioned a moment later is accepted and a stream of made-up ids does not take the place of real devices.
/// </summary>
public sealed class DeviceDirectory
{
    /// <summary>Unknown ids remembered at most; beyond, they are all forgotten (each costs only a read of an account).</summary>
    public const int UnknownCapacity = 100_000;

    /// <summary>The interval assumed for a device whose twin holds no profile.</summary>
    public const int DefaultExpectedIntervalSeconds = 60;

    private static readonly TimeSpan UnknownFor = TimeSpan.FromSeconds(30);

    /// <summary>What an id no device was registered under is known as.</summary>
    private static readonly Entry NoDevice = new(null, false, DateTimeOffset.MinValue, inRegistry: false);

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _recheckAfter;
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);

    /// <summary>Kept beside the dictionaries because their own Count takes every lock.</summary>
    private int _count, _unknownCount;

    /// <summary>1 while one message's thread looks for idle devices to forget.</summary>
    private int _sweeping;

    /// <summary>When a look that left the directory full may be tried again (UTC ticks).</summary>
    private long _noLookBeforeTicks;

    private long _idleLooks;

    public DeviceDirectory(IGrainFactory grains, IOptions<GatewayOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _clock = clock;
        _recheckAfter = options.Value.RevocationCheckInterval;
        _capacity = options.Value.DeviceDirectoryCapacity;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_capacity, $"{GatewayOptions.Section}:{nameof(GatewayOptions.DeviceDirectoryCapacity)}");
    }

    /// <summary>Devices kept at hand now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How often the full directory has walked its devices for idle ones to forget.</summary>
    public long IdleLooks => Interlocked.Read(ref _idleLooks);

    /// <summary>The device's twin, or null when no device with this id was ever registered (a revoked device keeps its twin).</summary>
    public async ValueTask<IDeviceTwinGrain?> FindTwinAsync(string deviceId) =>
        (await AccountAsync(deviceId)).Kind is { } kind ? DeviceTwins.Get(_grains, kind, deviceId) : null;

    /// <summary>The code of the grid cell the device stands in, or null for an unknown or never provisioned device.</summary>
    public async ValueTask<string?> FindCellAsync(string deviceId) => (await FindAsync(deviceId))?.CellCode;

    /// <summary>Whether the device's account is revoked, as known within <see cref="GatewayOptions.RevocationCheckInterval"/>.</summary>
    public async ValueTask<bool> IsRevokedAsync(string deviceId) => (await AccountAsync(deviceId)).Revoked;

    /// <summary>Everything known of the device, or null when no device with this id was ever registered.</summary>
    /// <remarks>
    /// The twin's reference is made for each look rather than kept in the entry: kept, it is a 40-byte object a device,
    /// 40 MB for a city of a million, against a short-lived object per message (docs/performance.md).
    /// </remarks>
    public async ValueTask<DeviceFacts?> FindAsync(string deviceId)
    {
        var entry = await AccountAsync(deviceId);
        if (entry.Kind is not { } kind)
        {
            return null;
        }

        var twin = DeviceTwins.Get(_grains, kind, deviceId);

        // A twin without a profile yet is asked again with the next look.
        if (entry.CellCode is null && await twin.GetSnapshot() is { } snapshot)
        {
            entry.Place(snapshot.CellCode, snapshot.ExpectedIntervalSeconds);
        }

        var cellCode = entry.CellCode;
        return new DeviceFacts(twin, kind, entry.Revoked, cellCode, cellCode is null ? DefaultExpectedIntervalSeconds : entry.ExpectedIntervalSeconds);
    }

    /// <summary>Refuses the device on this process from now on, without waiting for the next look at its account.</summary>
    public void MarkRevoked(string deviceId)
    {
        // The account already says so (it is revoked first); a device not cached here is read from it when it next sends.
        if (_entries.TryGetValue(deviceId, out var entry))
        {
            entry.MarkRevoked(_clock.GetUtcNow() + _recheckAfter);
        }
    }

    /// <summary>The account part of the entry, read again once it is older than the recheck interval.</summary>
    private async ValueTask<Entry> AccountAsync(string deviceId)
    {
        var now = _clock.GetUtcNow();
        if (_entries.TryGetValue(deviceId, out var entry) && now < entry.CheckedUntil)
        {
            return entry;
        }

        var account = _grains.GetGrain<IDeviceAccountGrain>(deviceId);

        // A known device keeps its kind for good: only whether it is revoked is asked again, beside this message.
        if (entry is not null)
        {
            RecheckSoon(deviceId, entry, account, now);
            return entry;
        }

        if (_unknown.TryGetValue(deviceId, out var unknownUntil) && now < unknownUntil)
        {
            return NoDevice;
        }

        if (await account.GetStanding() is not { } standing)
        {
            RememberUnknown(deviceId, now + UnknownFor);
            return NoDevice;
        }

        var fresh = new Entry(standing.Kind, standing.Revoked, NextCheck(now), standing.InRegistry);
        return Remember(deviceId, fresh);
    }

    /// <summary>Reads the account again once, while the entry answers as it stands; a failed read is tried by the next message.</summary>
    private void RecheckSoon(string deviceId, Entry entry, IDeviceAccountGrain account, DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref entry.Rechecking, 1) == 1)
        {
            return;
        }

        _ = RecheckAsync();

        async Task RecheckAsync()
        {
            var marks = entry.RevokedMarks;
            try
            {
                // A device its registry shard answers for is asked of the shard (one activation for a thousand devices
                // or so), so that these reads do not keep an account in memory for every device; any other, of its account.
                var revoked = entry.InRegistry && await DeviceRegistry.Of(_grains, deviceId).IsRevoked(deviceId) is { } registered
                    ? registered
                    : await account.IsRevoked();

                entry.Settle(revoked, marks, NextCheck(now));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Volatile.Write(ref entry.Rechecking, 0);
            }
        }
    }

    /// <summary>Now plus the interval, less up to a quarter of it at random, so that devices first seen together are not read again together.</summary>
    private DateTimeOffset NextCheck(DateTimeOffset now) =>
        now + _recheckAfter - (_recheckAfter / 4 * Random.Shared.NextDouble());

    /// <summary>Keeps a device's first entry, or answers the one kept meanwhile by another message.</summary>
    private Entry Remember(string deviceId, Entry entry)
    {
        if (Volatile.Read(ref _count) >= _capacity && !ForgetIdle())
        {
            // Every device kept is sending: this one is read again with its next message (the bound wants raising).
            return entry;
        }

        if (_entries.TryAdd(deviceId, entry))
        {
            Interlocked.Increment(ref _count);
            return entry;
        }

        return _entries.GetValueOrDefault(deviceId) ?? entry;
    }

    /// <summary>
    /// Forgets the devices that have sent nothing for a recheck interval: a message after its entry was due starts a
    /// recheck that moves the entry's moment on, so an entry due for longer than an interval has not been asked for since.
    /// One message's thread looks, the others meanwhile read their newcomers without keeping them. A look that leaves the
    /// directory full is not tried again before a quarter interval has passed and some kept device can have gone idle,
    /// so newcomers beyond the capacity do not each walk the whole directory.
    /// </summary>
    /// <returns>Whether there is room now.</returns>
    private bool ForgetIdle()
    {
        var now = _clock.GetUtcNow();
        if (now.UtcTicks < Volatile.Read(ref _noLookBeforeTicks) || Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return false;
        }

        try
        {
            Interlocked.Increment(ref _idleLooks);
            var idleSince = now - _recheckAfter;
            var earliestDue = DateTimeOffset.MaxValue;
            foreach (var (deviceId, entry) in _entries)
            {
                var due = entry.CheckedUntil;
                if (due < idleSince && _entries.TryRemove(new KeyValuePair<string, Entry>(deviceId, entry)))
                {
                    Interlocked.Decrement(ref _count);
                }
                else if (due < earliestDue)
                {
                    earliestDue = due;
                }
            }

            var room = Volatile.Read(ref _count) < _capacity;
            if (!room)
            {
                var firstIdle = earliestDue == DateTimeOffset.MaxValue ? now : earliestDue + _recheckAfter;
                var next = now + (_recheckAfter / 4) > firstIdle ? now + (_recheckAfter / 4) : firstIdle;
                Volatile.Write(ref _noLookBeforeTicks, next.UtcTicks);
            }

            return room;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private void RememberUnknown(string deviceId, DateTimeOffset until)
    {
        // Starting afresh when full is crude, but cheap and safe: an unknown id costs one read of its account.
        if (Volatile.Read(ref _unknownCount) >= UnknownCapacity)
        {
            _unknown.Clear();
            Volatile.Write(ref _unknownCount, 0);
        }

        if (_unknown.TryAdd(deviceId, until))
        {
            Interlocked.Increment(ref _unknownCount);
        }
        else
        {
            _unknown[deviceId] = until;
        }
    }

    /// <summary>
    /// One device's entry, changed in place when its account is read again: a city's every device is read again each
    /// interval, and an entry copied each time would be a million old objects a minute for the collector. Where the
    /// twin says the device stands is held in two fields rather than an object of its own (32 bytes a device).
    /// </summary>
    private sealed class Entry(DeviceKind? kind, bool revoked, DateTimeOffset checkedUntil, bool inRegistry)
    {
        private long _checkedUntilTicks = checkedUntil.UtcTicks;
        private volatile bool _revoked = revoked;
        private string? _cellCode;
        private int _expectedIntervalSeconds;
        private int _revokedMarks;

        /// <summary>1 while a read of the account is under way for this entry (a field, for <see cref="Interlocked"/>).</summary>
        public int Rechecking;

        /// <summary>Null for an id no device was registered under.</summary>
        public DeviceKind? Kind { get; } = kind;

        /// <summary>Whether the device's registry shard answers for its account (it has no account row of its own).</summary>
        public bool InRegistry { get; } = inRegistry;

        public bool Revoked => _revoked;

        /// <summary>When the account is read again (ticks, so that a reader never sees half a moment).</summary>
        public DateTimeOffset CheckedUntil => new(Interlocked.Read(ref _checkedUntilTicks), TimeSpan.Zero);

        /// <summary>The device's grid cell; null until the twin has answered with a profile.</summary>
        public string? CellCode => Volatile.Read(ref _cellCode);

        /// <summary>How often the device reports; read once <see cref="CellCode"/> is not null, which is written after it.</summary>
        public int ExpectedIntervalSeconds => Volatile.Read(ref _expectedIntervalSeconds);

        /// <summary>Where the twin says the device stands and how often it reports.</summary>
        public void Place(string cellCode, int expectedIntervalSeconds)
        {
            Volatile.Write(ref _expectedIntervalSeconds, expectedIntervalSeconds);
            Volatile.Write(ref _cellCode, cellCode);
        }

        /// <summary>How many times this process marked the device revoked: a read of its account begun before a mark does not undo it.</summary>
        public int RevokedMarks => Volatile.Read(ref _revokedMarks);

        public void MarkRevoked(DateTimeOffset checkedUntil)
        {
            _revoked = true;
            Interlocked.Increment(ref _revokedMarks);
            Interlocked.Exchange(ref _checkedUntilTicks, checkedUntil.UtcTicks);
        }

        /// <summary>What a read of the account begun at <paramref name="marksBefore"/> found, kept until <paramref name="checkedUntil"/>.</summary>
        public void Settle(bool revoked, int marksBefore, DateTimeOffset checkedUntil)
        {
            _revoked = revoked || RevokedMarks != marksBefore;
            Interlocked.Exchange(ref _checkedUntilTicks, checkedUntil.UtcTicks);
            Volatile.Write(ref Rechecking, 0);
        }
    }
}
