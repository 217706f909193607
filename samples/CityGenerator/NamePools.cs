namespace CityOps.Samples.CityGenerator;

/// <summary>A Chinese place name with its pinyin, e.g. 桂花 / Guihua.</summary>
public sealed record PlaceName(string Chinese, string Pinyin);

/// <summary>
/// Invented names for the fictional city 澜江市 (Lanjiang). Pools are larger than the most
/// regions the generator can make, and are shuffled by the seed.
/// </summary>
public static class NamePools
{
    public static PlaceName City { get; } = new("澜江", "Lanjiang");

    /// <summary>In layout order: north-west, south-west, north-east, south-east of the river.</summary>
    public static IReadOnlyList<PlaceName> Districts { get; } =
    [
        new("江北", "Jiangbei"),
        new("江南", "Jiangnan"),
        new("澜东", "Landong"),
        new("新港", "Xingang"),
    ];

    public static IReadOnlyList<PlaceName> Streets { get; } = Parse(
        "滨江 Binjiang,望江 Wangjiang,澜湾 Lanwan,南浦 Nanpu,北湖 Beihu,文昌 Wenchang,青山 Qingshan,"
        + "白沙 Baisha,桥头 Qiaotou,新城 Xincheng,凤岭 Fengling,龙泉 Longquan,梅林 Meilin,金沙 Jinsha,"
        + "云岭 Yunling,太平 Taiping,长岭 Changling,湖滨 Hubin,翠屏 Cuiping,港湾 Gangwan");

    public static IReadOnlyList<PlaceName> Communities { get; } = Parse(
        "桂花 Guihua,翠竹 Cuizhu,梅岭 Meiling,莲塘 Liantang,杏林 Xinglin,松柏 Songbai,枫林 Fenglin,"
        + "青云 Qingyun,白鹭 Bailu,金桥 Jinqiao,银湖 Yinhu,玉泉 Yuquan,紫荆 Zijing,丹桂 Dangui,"
        + "兰亭 Lanting,芙蓉 Furong,荷花 Hehua,柳岸 Liu'an,桃源 Taoyuan,梨园 Liyuan,竹园 Zhuyuan,"
        + "荔湾 Liwan,龙潭 Longtan,凤凰 Fenghuang,鹤鸣 Heming,燕归 Yangui,长青 Changqing,永宁 Yongning,"
        + "安和 Anhe,康乐 Kangle,福寿 Fushou,吉祥 Jixiang,和平 Heping,团结 Tuanjie,幸福 Xingfu,"
        + "光明 Guangming,新华 Xinhua,建设 Jianshe,书院 Shuyuan,学府 Xuefu,状元 Zhuangyuan,明德 Mingde,"
        + "崇文 Chongwen,尚贤 Shangxian,怡景 Yijing,锦绣 Jinxiu,华庭 Huating,翠苑 Cuiyuan,清水 Qingshui,"
        + "东湖 Donghu,西湖 Xihu,南湖 Nanhu,北岭 Beiling,沙洲 Shazhou,渔港 Yugang,码头 Matou,"
        + "船厂 Chuanchang,站前 Zhanqian,纺织 Fangzhi,机电 Jidian,红星 Hongxing,朝阳 Chaoyang,"
        + "向阳 Xiangyang,春晖 Chunhui,秋实 Qiushi,晨曦 Chenxi,星光 Xingguang,月湖 Yuehu,云霞 Yunxia,"
        + "彩虹 Caihong,石桥 Shiqiao,杨柳 Yangliu,樟树 Zhangshu,榕荫 Rongyin,茶园 Chayuan,橘井 Jujing,"
        + "稻香 Daoxiang,麦园 Maiyuan,富康 Fukang,泰和 Taihe,丰乐 Fengle,瑞丰 Ruifeng,嘉禾 Jiahe,"
        + "荷塘 Hetang,芦花 Luhua,双井 Shuangjing,五里 Wuli,三桥 Sanqiao");

    /// <summary>North-south arterials (大道).</summary>
    public static IReadOnlyList<string> AvenueNames { get; } =
    [
        "八一大道", "迎宾大道", "红旗大道", "站前大道", "学府大道", "文化大道",
        "胜利大道", "澜江大道", "高新大道", "青年大道", "长征大道", "解放大道",
    ];

    /// <summary>East-west arterials (路).</summary>
    public static IReadOnlyList<string> RoadNames { get; } =
    [
        "人民路", "中山路", "建设路", "新华路", "长安路", "和平路",
        "东风路", "光明路", "五一路", "繁荣路", "环城路", "工业路",
    ];

    public static string RiverNorthBankRoad => "滨江北路";

    public static string RiverSouthBankRoad => "滨江南路";

    /// <summary>A copy of the pool in an order fixed by the seeded generator.</summary>
    public static PlaceName[] Shuffled(IReadOnlyList<PlaceName> pool, Random random)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(random);
        var names = pool.ToArray();
        random.Shuffle(names);
        return names;
    }

    private static PlaceName[] Parse(string pairs) =>
        [.. pairs.Split(',').Select(pair => pair.Split(' ')).Select(parts => new PlaceName(parts[0], parts[1]))];
}
