using CityOps.Grains.Devices;
using CityOps.Grains.Interfaces.City;
using CityOps.Grains.Interfaces.Devices;
using CityOps.Grains.Rules;

namespace CityOps.Grains.Tests.Devices;

/// <summary>A twin's alarms on its state alone, without a cluster.</summary>
public class TwinAlarmsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static readonly ThresholdRule[] WaterRules =
        [new ThresholdRule { Metric = "waterLevelCm", Above = 15, ClearBelow = 12, Alarm = "waterlogging" }];

    [Fact]
    public void A_value_beyond_a_threshold_raises_the_rules_alarm_once_until_it_is_taken()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();

        alarms.ApplyRules(twin, WaterRules, "waterLevelCm", 16, T0).Should().BeTrue();

        twin.Alarms.Should().ContainKey("waterlogging");
        alarms.TakeRaised().Should().ContainSingle().Which.Value.Should().Be(16);
        alarms.TakeRaised().Should().BeEmpty();
    }

    [Fact]
    public void A_value_back_past_the_clear_level_clears_the_alarm()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();
        alarms.ApplyRules(twin, WaterRules, "waterLevelCm", 16, T0);

        alarms.ApplyRules(twin, WaterRules, "waterLevelCm", 11, T0.AddMinutes(1)).Should().BeTrue();

        twin.Alarms.Should().BeEmpty();
    }

    [Fact]
    public void A_twin_whose_readings_stay_within_their_thresholds_keeps_no_rule_state()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();

        alarms.ApplyRules(twin, WaterRules, "waterLevelCm", 8, T0).Should().BeFalse();

        twin.RuleStateOf("waterlogging:waterLevelCm").Should().Be(RuleState.Idle);
        twin.Compact();
        twin.RuleStates.Should().BeEmpty();
    }

    [Fact]
    public void A_rule_back_to_idle_after_its_alarm_cleared_leaves_no_rule_state_behind()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();
        alarms.ApplyRules(twin, WaterRules, "waterLevelCm", 16, T0);
        twin.RuleStateOf("waterlogging:waterLevelCm").Active.Should().BeTrue();

        alarms.ApplyRules(twin, WaterRules, "waterLevelCm", 11, T0.AddMinutes(1));

        twin.RuleStates.Should().BeEmpty();
    }

    [Fact]
    public void A_debounced_rule_remembers_since_when_a_value_is_beyond_it_until_it_raises()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();
        ThresholdRule[] rules = [new ThresholdRule { Metric = "waterLevelCm", Above = 15, ClearBelow = 12, Alarm = "waterlogging", ForSeconds = 60 }];

        alarms.ApplyRules(twin, rules, "waterLevelCm", 16, T0).Should().BeFalse();
        twin.RuleStateOf("waterlogging:waterLevelCm").Should().Be(new RuleState(false, T0));

        alarms.ApplyRules(twin, rules, "waterLevelCm", 17, T0.AddSeconds(60)).Should().BeTrue();
        twin.Alarms.Should().ContainKey("waterlogging");
    }

    [Fact]
    public void An_sos_is_critical_and_a_repeated_detection_keeps_when_it_was_first_raised()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();

        alarms.RaiseDeviceEvent(twin, "pole-1", new DeviceEventReport("sos", T0, null, null)).Should().BeTrue();
        alarms.RaiseDeviceEvent(twin, "pole-1", new DeviceEventReport("sos", T0.AddMinutes(5), 0.9, null)).Should().BeFalse();

        twin.Alarms["sos"].Should().BeEquivalentTo(new { Severity = AlarmSeverity.Critical, RaisedAt = T0, Value = 0.9 });
        alarms.TakeRaised().Should().ContainSingle();
    }

    [Fact]
    public void A_device_may_not_hold_more_than_its_bound_of_own_alarms()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();
        for (var i = 0; i < TwinAlarms.MaxEventAlarms; i++)
        {
            alarms.RaiseDeviceEvent(twin, "cam-1", new DeviceEventReport($"kind{i}", T0, null, null));
        }

        var more = () => alarms.RaiseDeviceEvent(twin, "cam-1", new DeviceEventReport("one_more", T0, null, null));

        more.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Only_a_devices_own_alarm_is_cleared_by_hand()
    {
        var twin = new DeviceTwinState();
        var alarms = new TwinAlarms();
        alarms.ApplyRules(twin, WaterRules, "waterLevelCm", 16, T0);
        alarms.RaiseDeviceEvent(twin, "w-1", new DeviceEventReport("sos", T0, null, null));
        TwinAlarms.MarkOffline(twin, raiseAlarm: true, T0);

        TwinAlarms.Clear(twin, "waterlogging").Should().BeFalse();
        TwinAlarms.Clear(twin, TwinAlarms.OfflineAlarm).Should().BeFalse();
        TwinAlarms.Clear(twin, "sos").Should().BeTrue();
        twin.Alarms.Keys.Should().BeEquivalentTo("waterlogging", TwinAlarms.OfflineAlarm);
    }

    [Fact]
    public void Silence_raises_the_offline_alarm_and_the_next_message_clears_it()
    {
        var twin = new DeviceTwinState { Online = true };

        TwinAlarms.MarkOffline(twin, raiseAlarm: true, T0).Should().BeTrue();
        twin.Alarms[TwinAlarms.OfflineAlarm].Severity.Should().Be(AlarmSeverity.Minor);

        TwinAlarms.MarkOnline(twin).Should().BeTrue();
        twin.Should().BeEquivalentTo(new { Online = true, Alarms = new Dictionary<string, DeviceAlarm>() });
    }

    [Fact]
    public void The_silence_threshold_is_a_number_of_the_devices_expected_intervals()
    {
        var profile = new DeviceProfile("w-1", DeviceKind.WaterLevel, "w", 114, 27, "9901010010010001", 600);

        TwinAlarms.SilenceThreshold(profile, 3).Should().Be(TimeSpan.FromMinutes(30));
        TwinAlarms.SilenceThreshold(null, 3).Should().Be(DeviceTwinOptions.DefaultExpectedInterval * 3);
    }
}
