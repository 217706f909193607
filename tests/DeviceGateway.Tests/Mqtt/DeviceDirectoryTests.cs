using System.Reflection;
using CityOps.DeviceGateway.Mqtt;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using Microsoft.Extensions.Options;

namespace CityOps.DeviceGateway.Tests.Mqtt;

/// <summary>The gateway's directory reads a known device's account again without holding up its messages.</summary>
public sealed class DeviceDirectoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly FixedClock _clock = new(T0);
    private readonly Account _account = new();
    private readonly Registry _registry = new();
    private readonly DeviceDirectory _directory;

    private readonly HashSet<string> _unregistered = [];

    public DeviceDirectoryTests() => _directory = Directory(capacity: 2_000_000);

    private DeviceDirectory Directory(int capacity) => new(
        GrainsAnswering(_account, _registry, _unregistered),
        Options.Create(new GatewayOptions { RevocationCheckInterval = Interval, DeviceDirectoryCapacity = capacity }),
        _clock);

    [Fact]
    public async Task A_device_registered_with_its_city_is_read_again_from_its_registry_shard_not_its_account()
    {
        _account.InRegistry = true;
        (await _directory.IsRevokedAsync("D1")).Should().BeFalse();
        _registry.Revoked = true;
        _clock.Advance(Interval);

        await _directory.IsRevokedAsync("D1");

        (await _directory.IsRevokedAsync("D1")).Should().BeTrue();
        _account.RevocationReads.Should().Be(0);
        _registry.RevocationReads.Should().Be(1);
    }

    [Fact]
    public async Task A_known_devices_message_does_not_wait_for_its_accounts_second_reading()
    {
        (await _directory.IsRevokedAsync("D1")).Should().BeFalse();
        _account.NextAnswer = new TaskCompletionSource<bool>();
        _clock.Advance(Interval);

        var revoked = _directory.IsRevokedAsync("D1");

        revoked.IsCompleted.Should().BeTrue("the entry answers as it stands while its account is read");
        (await revoked).Should().BeFalse();
        _account.RevocationReads.Should().Be(1);
    }

    [Fact]
    public async Task A_revocation_read_beside_one_message_refuses_the_next()
    {
        await _directory.IsRevokedAsync("D1");
        _account.NextAnswer = new TaskCompletionSource<bool>();
        _clock.Advance(Interval);
        await _directory.IsRevokedAsync("D1");

        _account.NextAnswer.SetResult(true);

        (await _directory.IsRevokedAsync("D1")).Should().BeTrue();
    }

    [Fact]
    public async Task The_account_is_read_once_however_many_messages_arrive_while_it_is_read()
    {
        await _directory.IsRevokedAsync("D1");
        _account.NextAnswer = new TaskCompletionSource<bool>();
        _clock.Advance(Interval);

        for (var i = 0; i < 10; i++)
        {
            await _directory.IsRevokedAsync("D1");
        }

        _account.RevocationReads.Should().Be(1);
    }

    [Fact]
    public async Task Devices_first_seen_together_are_read_again_within_the_interval_but_not_before_three_quarters_of_it()
    {
        var devices = Enumerable.Range(1, 200).Select(i => $"D{i}").ToList();
        foreach (var device in devices)
        {
            await _directory.IsRevokedAsync(device);
        }

        _clock.Advance(Interval * 0.74);
        foreach (var device in devices)
        {
            await _directory.IsRevokedAsync(device);
        }

        _account.RevocationReads.Should().Be(0);

        _clock.Advance(Interval * 0.26);
        foreach (var device in devices)
        {
            await _directory.IsRevokedAsync(device);
        }

        _account.RevocationReads.Should().Be(200);
    }

    [Fact]
    public async Task A_revocation_marked_on_this_process_stands_against_an_older_answer_of_the_account()
    {
        await _directory.IsRevokedAsync("D1");
        _account.NextAnswer = new TaskCompletionSource<bool>();
        _clock.Advance(Interval);
        await _directory.IsRevokedAsync("D1");

        _directory.MarkRevoked("D1");
        _account.NextAnswer.SetResult(false);

        (await _directory.IsRevokedAsync("D1")).Should().BeTrue();
    }

    [Fact]
    public async Task A_failed_reading_is_tried_again_by_the_next_message_even_when_its_profile_was_read_meanwhile()
    {
        await _directory.IsRevokedAsync("D1");
        _account.NextAnswer = new TaskCompletionSource<bool>();
        _clock.Advance(Interval);
        await _directory.IsRevokedAsync("D1");
        await _directory.FindAsync("D1");

        _account.NextAnswer.SetException(new TimeoutException("the account did not answer"));
        _account.NextAnswer = null;
        await _directory.IsRevokedAsync("D1");

        _account.RevocationReads.Should().Be(2);
    }

    [Fact]
    public async Task A_device_its_registry_shard_does_not_hold_is_read_again_from_its_account()
    {
        _account.InRegistry = true;
        _registry.Holds = false;
        await _directory.IsRevokedAsync("D1");
        _account.Revoked = true;
        _clock.Advance(Interval);

        await _directory.IsRevokedAsync("D1");

        (await _directory.IsRevokedAsync("D1")).Should().BeTrue();
        _registry.RevocationReads.Should().Be(1);
        _account.RevocationReads.Should().Be(1);
    }

    [Fact]
    public async Task A_full_directory_makes_room_by_forgetting_the_devices_that_have_stopped_sending()
    {
        var directory = Directory(capacity: 3);
        await SendAsync(directory, "D1", "D2", "D3");
        _clock.Advance(Interval * 3);
        await SendAsync(directory, "D2", "D3");

        await SendAsync(directory, "D4");
        await SendAsync(directory, "D2", "D3", "D4");

        _account.StandingReads.Should().Be(4, "the devices still sending and the newcomer are kept");
        directory.Count.Should().Be(3);
        await SendAsync(directory, "D1");
        _account.StandingReads.Should().Be(5, "the device that had stopped sending was forgotten and is read afresh");
    }

    [Fact]
    public async Task Beyond_its_capacity_with_every_device_sending_the_directory_keeps_the_devices_it_has()
    {
        var directory = Directory(capacity: 2);
        await SendAsync(directory, "D1", "D2");

        await SendAsync(directory, "D3", "D3");
        await SendAsync(directory, "D1", "D2");

        _account.StandingReads.Should().Be(4, "the newcomer is read with each message, the devices kept are not read again");
        directory.Count.Should().Be(2);
        (await directory.FindTwinAsync("D3")).Should().NotBeNull("a device beyond the capacity is still admitted");
    }

    [Fact]
    public async Task Newcomers_beyond_a_full_directory_of_sending_devices_do_not_each_look_for_idle_ones()
    {
        var directory = Directory(capacity: 2);
        await SendAsync(directory, "D1", "D2");

        await SendAsync(directory, Enumerable.Range(3, 100).Select(i => $"D{i}").ToArray());

        directory.IdleLooks.Should().Be(1);
        _clock.Advance(Interval / 2);
        await SendAsync(directory, "D103");
        directory.IdleLooks.Should().Be(1, "no device kept can have been silent for an interval yet");
    }

    [Fact]
    public async Task A_full_directory_looks_again_once_a_device_kept_can_have_gone_idle()
    {
        var directory = Directory(capacity: 2);
        await SendAsync(directory, "D1", "D2");
        await SendAsync(directory, "D3");

        _clock.Advance((Interval * 2) + TimeSpan.FromSeconds(1));
        await SendAsync(directory, "D3");

        directory.IdleLooks.Should().Be(2);
        directory.Count.Should().Be(1, "D1 and D2 were forgotten and D3 kept");
    }

    [Fact]
    public async Task Ids_no_device_is_registered_under_do_not_take_the_place_of_devices()
    {
        var directory = Directory(capacity: 2);
        await SendAsync(directory, "D1", "D2");
        var madeUp = Enumerable.Range(1, 50).Select(i => $"X{i}").ToArray();
        _unregistered.UnionWith(madeUp);

        await SendAsync(directory, madeUp);
        await SendAsync(directory, madeUp);
        await SendAsync(directory, "D1", "D2");

        _account.StandingReads.Should().Be(2, "the registered devices stay known");
        (await directory.FindAsync("X1")).Should().BeNull();
    }

    [Fact]
    public async Task An_id_unknown_a_moment_ago_is_accepted_once_its_device_is_provisioned()
    {
        _unregistered.Add("D9");
        (await _directory.FindTwinAsync("D9")).Should().BeNull();
        _unregistered.Clear();

        (await _directory.FindTwinAsync("D9")).Should().BeNull("an unknown id is remembered for a while");
        _clock.Advance(TimeSpan.FromSeconds(31));

        (await _directory.FindTwinAsync("D9")).Should().NotBeNull();
    }

    private static async Task SendAsync(DeviceDirectory directory, params string[] deviceIds)
    {
        foreach (var deviceId in deviceIds)
        {
            await directory.IsRevokedAsync(deviceId);
        }
    }

    /// <summary>A device account that is a sensor, not revoked unless told; its revocation answers can be held back.</summary>
    private sealed class Account : IDeviceAccountGrain
    {
        private int _reads;

        public TaskCompletionSource<bool>? NextAnswer { get; set; }

        public bool InRegistry { get; set; }

        public bool Revoked { get; set; }

        private int _standingReads;

        public int StandingReads => Volatile.Read(ref _standingReads);

        public ValueTask<AccountStanding?> GetStanding()
        {
            Interlocked.Increment(ref _standingReads);
            return ValueTask.FromResult<AccountStanding?>(new AccountStanding(DeviceKind.WaterLevel, Revoked: false, InRegistry));
        }

        public int RevocationReads => Volatile.Read(ref _reads);

        public ValueTask<bool> IsRevoked()
        {
            Interlocked.Increment(ref _reads);
            return NextAnswer is { } answer ? new ValueTask<bool>(answer.Task) : ValueTask.FromResult(Revoked);
        }

        public ValueTask<DeviceKind?> GetKind() => ValueTask.FromResult<DeviceKind?>(DeviceKind.WaterLevel);

        public Task EnsureRegistered(DeviceKind kind, string secret) => throw new NotSupportedException();

        public Task<bool> TryCreate(DeviceKind kind, string secret) => throw new NotSupportedException();

        public Task Revoke() => throw new NotSupportedException();

        public ValueTask<DeviceKind?> Authenticate(string secret) => throw new NotSupportedException();

        public ValueTask<DigestCredential?> GetDigest() => throw new NotSupportedException();
    }

    /// <summary>A registry shard that holds every device unless told not to, revoked or not as told.</summary>
    private sealed class Registry : IDeviceRegistryGrain
    {
        private int _reads;

        public bool Revoked { get; set; }

        public bool Holds { get; set; } = true;

        public int RevocationReads => Volatile.Read(ref _reads);

        public ValueTask<bool?> IsRevoked(string deviceId)
        {
            Interlocked.Increment(ref _reads);
            return ValueTask.FromResult(Holds ? Revoked : (bool?)null);
        }

        public Task<RegistryChange[]> Register(DeviceEnrolment[] devices) => throw new NotSupportedException();

        public ValueTask<RegisteredAccount?> FindAccount(string deviceId) => throw new NotSupportedException();

        public ValueTask<DeviceProfile?> GetProfile(string deviceId) => throw new NotSupportedException();

        public Task<bool> Revoke(string deviceId) => throw new NotSupportedException();

        public ValueTask<DevicePlace[]> GetPlaces() => throw new NotSupportedException();
    }

    /// <summary>
    /// A grain factory whose every device account is <paramref name="account"/>, but for the ids in <paramref name="unregistered"/>,
    /// which have none, and every registry shard <paramref name="registry"/>; other grains are references never called.
    /// </summary>
    private static IGrainFactory GrainsAnswering(IDeviceAccountGrain account, IDeviceRegistryGrain registry, IReadOnlySet<string> unregistered)
    {
        var grains = DispatchProxy.Create<IGrainFactory, GrainsProxy>();
        ((GrainsProxy)(object)grains).Account = account;
        ((GrainsProxy)(object)grains).Registry = registry;
        ((GrainsProxy)(object)grains).Unregistered = unregistered;
        return grains;
    }

    public class GrainsProxy : DispatchProxy
    {
        internal IDeviceAccountGrain? Account { get; set; }

        internal IDeviceRegistryGrain? Registry { get; set; }

        internal IReadOnlySet<string> Unregistered { get; set; } = new HashSet<string>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var type = targetMethod is { Name: "GetGrain", IsGenericMethod: true } ? targetMethod.GetGenericArguments()[0] : null;
            if (type == typeof(IDeviceAccountGrain))
            {
                return args is [string deviceId, ..] && Unregistered.Contains(deviceId)
                    ? DispatchProxy.Create<IDeviceAccountGrain, NoAccount>()
                    : Account;
            }

            if (type == typeof(IDeviceRegistryGrain))
            {
                return Registry;
            }

            if (type is not null && typeof(IDeviceTwinGrain).IsAssignableFrom(type))
            {
                return typeof(DispatchProxy).GetMethod(nameof(Create), 2, Type.EmptyTypes)!.MakeGenericMethod(type, typeof(TwinWithoutProfile)).Invoke(null, null);
            }

            if (type is { IsInterface: true })
            {
                return typeof(DispatchProxy).GetMethod(nameof(Create), 2, Type.EmptyTypes)!.MakeGenericMethod(type, typeof(Unused)).Invoke(null, null);
            }

            throw new NotSupportedException(targetMethod?.Name);
        }
    }

    /// <summary>A twin that holds no profile yet: the directory reads its snapshot again with every look.</summary>
    public class TwinWithoutProfile : DispatchProxy
    {
        private static readonly object NoSnapshot = default(ValueTask<DeviceSnapshot?>);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IDeviceTwinGrain.GetSnapshot) ? NoSnapshot : throw new NotSupportedException(targetMethod?.Name);
    }

    /// <summary>The account of an id no device was registered under: it has no standing.</summary>
    public class NoAccount : DispatchProxy
    {
        private static readonly object NoStanding = default(ValueTask<AccountStanding?>);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IDeviceAccountGrain.GetStanding) ? NoStanding : throw new NotSupportedException(targetMethod?.Name);
    }

    public class Unused : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new NotSupportedException(targetMethod?.Name);
    }
}
