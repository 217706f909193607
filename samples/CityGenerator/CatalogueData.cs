using CityOps.Grains.Interfaces.City;

namespace CityOps.Samples.CityGenerator;

/// <summary>
/// The hand-written parts of the sample city: departments, the case catalogue (GB/T 30428.2
/// components and incidents, extended with IoT and video kinds), the responsibility list and
/// the demo users.
/// </summary>
public static class CatalogueData
{
    public const string ComponentFamily = "component";
    public const string IncidentFamily = "incident";

    /// <summary>Minutes per stage: register, dispatch, handle, verify.</summary>
    private static readonly StageLimits EmergencyLimits = new(5, 10, 120, 60);
    private static readonly StageLimits UrgentLimits = new(15, 30, 480, 240);
    private static readonly StageLimits NormalLimits = new(60, 120, 2_880, 1_440);

    /// <summary>Building and structural work needs a longer handling window (5 days).</summary>
    private static readonly StageLimits StructuralLimits = new(60, 120, 7_200, 1_440);

    public static IReadOnlyList<DepartmentRecord> Departments { get; } =
    [
        new("urban", "城市管理局", "Urban Management Bureau"),
        new("water", "水务局", "Water Affairs Bureau"),
        new("traffic", "交通运输局", "Transport Bureau"),
        new("emergency", "应急管理局", "Emergency Management Bureau"),
        new("environment", "生态环境局", "Ecology and Environment Bureau"),
        new("housing", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
        new("gas", "燃气集团", "Gas Group"),
        new("greening", "园林绿化局", "Landscaping and Greening Bureau"),
        new("market", "市场监督管理局", "Market Regulation Administration"),
        new("police", "公安局", "Public Security Bureau"),
        new("fire", "消防救援支队", "Fire and Rescue Detachment"),
    ];

    /// <summary>The catalogue with the city-level department of each category.</summary>
    private static readonly (CatalogueCategory Category, string Department)[] Entries =
    [
        // 部件 · 公用设施
        (Component("manhole_damaged", "井盖破损", "Damaged manhole cover", "公用设施", "urgent"), "water"),
        (Iot("manhole_displaced", "井盖移位或缺失", "Manhole cover displaced or missing", ComponentFamily, "公用设施", "emergency", true, "manhole_displaced"), "water"),
        (Component("water_main_leak", "供水管道破损", "Water main leak", "公用设施", "urgent"), "water"),
        (Component("gas_facility_damaged", "燃气设施损坏", "Damaged gas facility", "公用设施", "urgent"), "gas"),
        (Component("hydrant_damaged", "消火栓损坏", "Damaged fire hydrant", "公用设施", "urgent"), "fire"),
        (Iot("hydrant_low_pressure", "消火栓水压不足", "Fire hydrant pressure low", ComponentFamily, "公用设施", "urgent", true, "hydrant_low_pressure"), "water"),

        // 部件 · 道路交通
        (Component("street_light_damaged", "路灯损坏", "Street light out of order", "道路交通", "normal"), "urban"),
        (Component("traffic_signal_fault", "交通信号灯故障", "Traffic signal fault", "道路交通", "urgent"), "traffic"),
        (Component("road_damaged", "道路破损", "Damaged road surface", "道路交通", "normal"), "housing"),
        (Component("guardrail_damaged", "护栏损坏", "Damaged guardrail", "道路交通", "normal"), "traffic"),
        (Component("bus_shelter_damaged", "公交站亭损坏", "Damaged bus shelter", "道路交通", "normal"), "traffic"),

        // 部件 · 市容环境
        (Component("trash_bin_damaged", "垃圾箱破损", "Damaged litter bin", "市容环境", "normal"), "urban"),
        (Component("public_toilet_damaged", "公厕设施损坏", "Damaged public toilet", "市容环境", "normal"), "urban"),
        (Component("smart_pole_damaged", "智慧灯杆损坏", "Damaged smart pole", "市容环境", "normal"), "urban"),

        // 部件 · 园林绿化
        (Component("street_tree_damaged", "行道树损坏", "Damaged street tree", "园林绿化", "normal"), "greening"),
        (Component("fallen_tree", "树木倒伏", "Fallen tree", "园林绿化", "urgent"), "greening"),
        (Component("green_space_damaged", "绿地破坏", "Damaged green space", "园林绿化", "normal"), "greening"),

        // 部件 · 房屋土地
        (Component("dangerous_building", "危房", "Dangerous building", "房屋土地", "urgent", StructuralLimits), "housing"),
        (Component("facade_damaged", "建筑外立面破损", "Damaged building facade", "房屋土地", "normal", StructuralLimits), "housing"),

        // 部件 · 其他设施
        (Component("monitoring_device_damaged", "监测设备损坏", "Damaged monitoring device", "其他设施", "normal"), "urban"),
        (Component("video_camera_damaged", "监控摄像机损坏", "Damaged video camera", "其他设施", "normal"), "police"),

        // 事件 · 市容环境
        (Incident("exposed_garbage", "暴露垃圾", "Exposed garbage", "市容环境", "normal"), "urban"),
        (Iot("garbage_overflow", "垃圾满溢", "Overflowing litter bin", IncidentFamily, "市容环境", "normal", true, "garbage_overflow"), "urban"),
        (Incident("road_uncleaned", "道路不洁", "Unclean road", "市容环境", "normal"), "urban"),
        (Iot("air_pollution", "空气污染超标", "Air pollution above limit", IncidentFamily, "市容环境", "urgent", true, "pm25_high"), "environment"),

        // 事件 · 宣传广告
        (Incident("illegal_advertising", "违规广告", "Unauthorised advertising", "宣传广告", "normal"), "urban"),
        (Incident("illegal_banner", "违规悬挂横幅", "Unauthorised banner", "宣传广告", "normal"), "urban"),
        (Incident("flyposting", "乱张贴小广告", "Fly-posting", "宣传广告", "normal"), "urban"),

        // 事件 · 施工管理
        (Incident("construction_nuisance", "施工扰民", "Construction disturbance", "施工管理", "normal"), "housing"),
        (Incident("construction_dust", "施工扬尘", "Construction dust", "施工管理", "normal"), "environment"),
        (Incident("muck_spill", "渣土撒漏", "Spilled muck on road", "施工管理", "urgent"), "urban"),
        (Iot("noise_exceeded", "噪声超标", "Noise above limit", IncidentFamily, "施工管理", "normal", false, "noise_high"), "environment"),

        // 事件 · 突发事件
        (Iot("waterlogging", "道路积水", "Road waterlogging", IncidentFamily, "突发事件", "emergency", true, "waterlogging"), "water"),
        (Iot("gas_leak", "燃气泄漏", "Gas leak", IncidentFamily, "突发事件", "emergency", true, "gas_leak"), "gas"),
        (Iot("smoke_fire", "烟火", "Smoke or fire", IncidentFamily, "突发事件", "emergency", true, "smoke_fire"), "fire"),
        (Iot("sos", "一键求助", "One-key SOS call", IncidentFamily, "突发事件", "emergency", true, "sos"), "police"),
        (Iot("crowding", "人员聚集", "Crowding", IncidentFamily, "突发事件", "urgent", true, "crowding"), "police"),
        (Incident("road_collapse", "路面塌陷", "Road collapse", "突发事件", "emergency"), "emergency"),

        // 事件 · 街面秩序 (video detections are checked by a dispatcher before dispatch)
        (Iot("street_vending", "占道经营", "Street vending", IncidentFamily, "街面秩序", "normal", false, "street_vending"), "urban"),
        (Iot("illegal_parking", "违章停车", "Illegal parking", IncidentFamily, "街面秩序", "normal", false, "illegal_parking"), "traffic"),
        (Incident("shop_front_overflow", "店外经营", "Business spilling onto pavement", "街面秩序", "normal"), "urban"),
        (Incident("bike_disorder", "共享单车乱停放", "Disorderly shared bikes", "街面秩序", "normal"), "traffic"),

        // 事件 · 其他事件
        (Incident("unlicensed_business", "无照经营", "Unlicensed business", "其他事件", "normal"), "market"),
        (Incident("food_safety", "食品安全隐患", "Food safety hazard", "其他事件", "urgent"), "market"),
        (Incident("illegal_group_rental", "违规群租", "Illegal group rental", "其他事件", "normal"), "housing"),
    ];

    public static IReadOnlyList<CatalogueCategory> Categories { get; } = [.. Entries.Select(entry => entry.Category)];

    /// <summary>
    /// One city-level row per category, then district overrides. The engine picks the row whose
    /// region is the longest code prefix of the case's cell code, so a more specific region wins.
    /// </summary>
    public static IReadOnlyList<ResponsibilityRecord> Responsibilities { get; } =
    [
        .. Entries.Select(entry => new ResponsibilityRecord(entry.Category.Code, CityLayout.CityCode, entry.Department)),

        // 江北区 (old town): the traffic police handle parking on its narrow streets.
        new("illegal_parking", "990101", "police"),

        // 江南区 runs its own drainage through the district urban management bureau.
        new("waterlogging", "990102", "urban"),

        // 新港区 (port and markets): street vending goes to market regulation.
        new("street_vending", "990104", "market"),
    ];

    public const string AdminPassword = "Admin#2026";
    public const string OperatorPassword = "Operator#2026";
    public const string DispatcherPassword = "Dispatch#2026";
    public const string ResponderPassword = "Respond#2026";

    /// <summary>
    /// Demo users: an administrator, a city and a district operator, a dispatcher per department,
    /// one responder per department in each district, and grid inspectors on two streets.
    /// </summary>
    public static IReadOnlyList<UserRecord> Users(CityLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var districts = layout.Regions.Where(r => r.Level == RegionLevel.District).ToArray();
        var users = new List<UserRecord>
        {
            new("admin", AdminPassword, "系统管理员", ["admin"], [CityLayout.CityCode], null),
            new("operator", OperatorPassword, "市指挥中心值班员", ["operator"], [CityLayout.CityCode], null),
            new("operator.jiangbei", OperatorPassword, $"{districts[0].Name}指挥分中心值班员", ["operator"], [districts[0].Code], null),
        };
        users.AddRange(Departments.Select(department => new UserRecord(
            $"dispatcher.{department.Code}", DispatcherPassword, $"{department.Name}调度员", ["dispatcher"], [CityLayout.CityCode], department.Code)));
        users.AddRange(Departments.SelectMany(department => districts.Select((district, d) => new UserRecord(
            $"responder.{department.Code}.{d + 1}", ResponderPassword, $"{department.Name}处置员（{district.Name}）",
            ["responder"], [district.Code], department.Code))));

        // Inspectors patrol one street each: the first street of the first two districts.
        var streets = layout.Regions.Where(r => r.Level == RegionLevel.Street).ToArray();
        users.AddRange(districts.Take(2).Select((district, d) => streets.First(street => street.Parent == district.Code)).Select((street, i) =>
            new UserRecord($"inspector.{i + 1}", ResponderPassword, $"{street.Name}网格员", ["responder"], [street.Code], "urban")));
        return users;
    }

    private static CatalogueCategory Component(string code, string name, string nameEn, string group, string urgency, StageLimits? limits = null) =>
        new(code, name, nameEn, ComponentFamily, group, urgency, limits ?? LimitsFor(urgency), false, false, []);

    private static CatalogueCategory Incident(string code, string name, string nameEn, string group, string urgency) =>
        new(code, name, nameEn, IncidentFamily, group, urgency, LimitsFor(urgency), false, false, []);

    /// <summary>Machine-reported kinds register themselves (the alarm is the evidence); dispatch is automatic where a false alarm costs little.</summary>
    private static CatalogueCategory Iot(string code, string name, string nameEn, string family, string group, string urgency, bool autoDispatch, string alarmKind) =>
        new(code, name, nameEn, family, group, urgency, LimitsFor(urgency), true, autoDispatch, [alarmKind]);

    private static StageLimits LimitsFor(string urgency) => urgency switch
    {
        "emergency" => EmergencyLimits,
        "urgent" => UrgentLimits,
        _ => NormalLimits,
    };
}
