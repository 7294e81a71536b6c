"""The second and third levels of the shipped taxonomy of residents' matters
(诉求分类), under the 24 first-level categories of
``wangge.categories.defaults.FIRST_LEVEL``. Pure data: administrators edit
the tree afterwards; this is what a county starts with.

Where it comes from:

- 01–15 are modelled on the three-level tree a provincial government's
  public message board files citizens' messages by (its first-level names
  are ours), condensed: redundant and catch-all classes ("其他") dropped,
  near-duplicates merged, and a few classes common in mountainous rural
  counties such as Shangluo added (易地扶贫搬迁, 野生动物致害, 地灾避险搬迁).
- 21–25 follow the event classes of digital city management
  (数字化城市管理, GB/T 30428 style): 市容环境, 宣传广告, 施工管理,
  突发事件, 街面秩序, grouped into second-level classes.
- 31–34 are the matters grid workers meet: disputes, safety hazards
  (landslides and collapses among them), unmanaged estates (三无小区) and
  water affairs.

Codes: a second-level code is its first-level code followed by two digits
("0101"), a third-level code its second-level code followed by two digits
("010101"). Codes are stable identifiers; names may be edited.

Each node carries the kind of unit that usually handles such a matter
(小事不出网格、大事不出村、难事不出镇): ``grid`` — the grid worker settles it on
the spot; ``village_committee`` — the village or community committee;
``town_office`` — the town (street) office; ``department`` — a county
department, for matters needing its powers (licences, law enforcement,
social insurance, school places, medical disputes, pollution). And the
time-limit profile it follows (``wangge.timelimits.defaults.PROFILES``):
``emergency`` when life or property is in danger now, ``quick`` for simple
on-the-spot matters, ``complex`` for matters that usually take weeks
(property rights, wage arrears, compensation, pensions), ``standard``
otherwise. A second-level node's values are the usual case for its children.
"""

from __future__ import annotations

from typing import NamedTuple


class Node(NamedTuple):
    """One category below the first level."""

    code: str  # "0101" second level, "010101" third level: parent code + 2 digits
    name: str  # Chinese, as staff and residents say it, at most 20 characters
    unit_kind: str  # "grid" | "village_committee" | "town_office" | "department"
    profile: str  # "quick" | "standard" | "complex" | "emergency"


SECOND_LEVEL: list[Node] = [
    # 01 城乡建设
    Node("0101", "城乡规划", "department", "complex"),
    Node("0102", "市政设施", "department", "standard"),
    Node("0103", "公用事业", "department", "standard"),
    Node("0104", "房屋征收与补偿", "department", "complex"),
    Node("0105", "住房保障与房地产", "department", "standard"),
    Node("0106", "建筑市场与工程质量", "department", "complex"),
    Node("0107", "村镇建设", "town_office", "standard"),
    # 02 环境保护
    Node("0201", "大气污染", "department", "standard"),
    Node("0202", "水污染", "department", "standard"),
    Node("0203", "噪声污染", "department", "standard"),
    Node("0204", "固体废物", "department", "standard"),
    Node("0205", "环保管理", "department", "standard"),
    # 03 交通运输
    Node("0301", "公路建设养护", "department", "standard"),
    Node("0302", "城乡客运", "department", "standard"),
    Node("0303", "出租车与网约车", "department", "standard"),
    Node("0304", "货运与邮政快递", "department", "standard"),
    # 04 教育文体
    Node("0401", "入学与考试招生", "department", "standard"),
    Node("0402", "教育收费与资助", "department", "standard"),
    Node("0403", "学校管理", "department", "standard"),
    Node("0404", "教师队伍", "department", "standard"),
    Node("0405", "文化体育", "department", "standard"),
    # 05 劳动和社会保障
    Node("0501", "工资报酬", "department", "complex"),
    Node("0502", "劳动关系", "department", "standard"),
    Node("0503", "社会保险", "department", "standard"),
    Node("0504", "退休与养老金", "department", "complex"),
    Node("0505", "就业创业", "department", "standard"),
    # 06 商贸旅游
    Node("0601", "市场监管", "department", "standard"),
    Node("0602", "特种设备与计量", "department", "standard"),
    Node("0603", "旅游管理", "department", "standard"),
    Node("0604", "商业贸易", "department", "standard"),
    # 07 卫生计生
    Node("0701", "医疗服务", "department", "standard"),
    Node("0702", "医患纠纷", "department", "complex"),
    Node("0703", "公共卫生", "department", "standard"),
    Node("0704", "食品药品监管", "department", "standard"),
    Node("0705", "人口与计生", "department", "standard"),
    # 08 民政
    Node("0801", "社会救助", "town_office", "standard"),
    Node("0802", "养老服务", "town_office", "standard"),
    Node("0803", "儿童与残疾人福利", "town_office", "standard"),
    Node("0804", "基层自治", "town_office", "standard"),
    Node("0805", "社会事务", "department", "standard"),
    Node("0806", "退役军人与优抚", "department", "standard"),
    # 09 政法
    Node("0901", "社会治安", "department", "standard"),
    Node("0902", "户籍证件", "department", "standard"),
    Node("0903", "道路交通管理", "department", "standard"),
    Node("0904", "法律服务", "department", "standard"),
    Node("0905", "诉讼与执法监督", "department", "complex"),
    # 10 农村农业
    Node("1001", "土地承包与宅基地", "town_office", "complex"),
    Node("1002", "村务管理", "town_office", "standard"),
    Node("1003", "惠农补贴与帮扶", "town_office", "standard"),
    Node("1004", "农业生产", "town_office", "standard"),
    Node("1005", "畜牧与动物防疫", "department", "standard"),
    Node("1006", "林业", "department", "standard"),
    # 11 国土资源
    Node("1101", "土地管理", "department", "standard"),
    Node("1102", "土地征收", "department", "complex"),
    Node("1103", "矿产资源", "department", "standard"),
    Node("1104", "不动产登记", "department", "standard"),
    Node("1105", "地质测绘与气象", "department", "standard"),
    # 12 经济管理
    Node("1201", "金融", "department", "standard"),
    Node("1202", "财税", "department", "standard"),
    Node("1203", "企业与营商环境", "department", "standard"),
    Node("1204", "安全生产", "department", "standard"),
    Node("1205", "能源与价格", "department", "standard"),
    # 13 科技与信息产业
    Node("1301", "电信服务", "department", "standard"),
    Node("1302", "互联网与信息化", "department", "standard"),
    Node("1303", "科技与知识产权", "department", "standard"),
    # 14 党务政务
    Node("1401", "党的建设", "town_office", "standard"),
    Node("1402", "政务服务", "department", "standard"),
    Node("1403", "人大政协与统战", "department", "standard"),
    Node("1404", "群团与宣传", "department", "standard"),
    Node("1405", "人事编制", "department", "standard"),
    # 15 纪检监察
    Node("1501", "贪污贿赂", "department", "complex"),
    Node("1502", "作风问题", "department", "standard"),
    Node("1503", "滥用职权", "department", "complex"),
    Node("1504", "失职渎职", "department", "complex"),
    Node("1505", "基层微腐败", "department", "complex"),
    # 21 市容环境
    Node("2101", "环境卫生", "grid", "quick"),
    Node("2102", "乱搭乱堆", "department", "standard"),
    Node("2103", "焚烧与油烟", "department", "quick"),
    Node("2104", "饲养与动物", "grid", "standard"),
    # 22 宣传广告
    Node("2201", "小广告", "grid", "quick"),
    Node("2202", "户外广告", "department", "standard"),
    Node("2203", "流动宣传", "department", "quick"),
    # 23 施工管理
    Node("2301", "施工扰民", "department", "quick"),
    Node("2302", "工地管理", "department", "standard"),
    Node("2303", "道路挖掘", "department", "standard"),
    Node("2304", "违规施工", "department", "standard"),
    # 24 突发事件
    Node("2401", "市政设施险情", "department", "emergency"),
    Node("2402", "自然灾害", "department", "emergency"),
    Node("2403", "事故险情", "department", "emergency"),
    Node("2404", "公共卫生与社会安全", "department", "emergency"),
    # 25 街面秩序
    Node("2501", "经营秩序", "department", "quick"),
    Node("2502", "停车秩序", "department", "quick"),
    Node("2503", "其他街面秩序", "department", "quick"),
    # 31 矛盾纠纷
    Node("3101", "婚姻家庭纠纷", "village_committee", "standard"),
    Node("3102", "邻里纠纷", "grid", "quick"),
    Node("3103", "土地山林权属纠纷", "town_office", "complex"),
    Node("3104", "劳资纠纷", "department", "complex"),
    Node("3105", "债务纠纷", "town_office", "standard"),
    Node("3106", "物业纠纷", "town_office", "standard"),
    Node("3107", "其他纠纷", "town_office", "standard"),
    # 32 安全隐患
    Node("3201", "消防安全", "department", "standard"),
    Node("3202", "燃气安全", "department", "standard"),
    Node("3203", "用电安全", "department", "standard"),
    Node("3204", "地质灾害隐患", "town_office", "emergency"),
    Node("3205", "房屋安全", "town_office", "standard"),
    Node("3206", "校园周边安全", "department", "standard"),
    Node("3207", "食品药品安全", "department", "standard"),
    Node("3208", "生产经营安全", "department", "standard"),
    Node("3209", "道路交通隐患", "department", "standard"),
    # 33 三无小区
    Node("3301", "无物业管理", "town_office", "standard"),
    Node("3302", "公共设施损坏", "town_office", "standard"),
    Node("3303", "环境卫生", "grid", "quick"),
    Node("3304", "停车", "grid", "quick"),
    Node("3305", "维修资金与产权", "town_office", "complex"),
    Node("3306", "改造与安防", "town_office", "standard"),
    # 34 水利水务
    Node("3401", "供水", "department", "standard"),
    Node("3402", "排水", "department", "standard"),
    Node("3403", "河道管理", "department", "standard"),
    Node("3404", "防汛抗旱", "department", "emergency"),
    Node("3405", "水利工程", "department", "standard"),
]

THIRD_LEVEL: list[Node] = [
    # 01 城乡建设
    # 0101 城乡规划
    Node("010101", "违法建设", "department", "complex"),
    Node("010102", "规划方案异议", "department", "complex"),
    Node("010103", "采光遮挡", "department", "complex"),
    # 0102 市政设施
    Node("010201", "路灯不亮", "department", "quick"),
    Node("010202", "城市道路破损", "department", "standard"),
    Node("010203", "公园广场与绿化", "department", "standard"),
    Node("010204", "公共厕所", "department", "standard"),
    # 0103 公用事业
    Node("010301", "燃气供应", "department", "standard"),
    Node("010302", "电力供应", "department", "standard"),
    Node("010303", "冬季供暖", "department", "standard"),
    # 0104 房屋征收与补偿
    Node("010401", "房屋征收拆迁", "department", "complex"),
    Node("010402", "安置补偿", "department", "complex"),
    Node("010403", "棚户区改造", "department", "complex"),
    # 0105 住房保障与房地产
    Node("010501", "保障性住房", "department", "standard"),
    Node("010502", "商品房办证难", "department", "complex"),
    Node("010503", "商品房质量", "department", "complex"),
    Node("010504", "房屋租赁", "department", "standard"),
    Node("010505", "住房公积金", "department", "standard"),
    # 0106 建筑市场与工程质量
    Node("010601", "拖欠工程款", "department", "complex"),
    Node("010602", "工程质量问题", "department", "complex"),
    Node("010603", "企业资质", "department", "standard"),
    # 0107 村镇建设
    Node("010701", "农村危房改造", "town_office", "standard"),
    Node("010702", "农村人居环境整治", "village_committee", "standard"),
    Node("010703", "美丽乡村建设", "town_office", "standard"),
    # 02 环境保护
    # 0201 大气污染
    Node("020101", "工业废气", "department", "standard"),
    Node("020102", "异味恶臭", "department", "standard"),
    Node("020103", "秸秆焚烧", "grid", "quick"),
    # 0202 水污染
    Node("020201", "工业废水排放", "department", "standard"),
    Node("020202", "生活污水直排", "department", "standard"),
    Node("020203", "畜禽养殖污染", "department", "standard"),
    # 0203 噪声污染
    Node("020301", "工业噪声", "department", "standard"),
    Node("020302", "社会生活噪声", "grid", "quick"),
    Node("020303", "娱乐场所噪声", "department", "quick"),
    # 0204 固体废物
    Node("020401", "危险废物", "department", "standard"),
    Node("020402", "固废非法倾倒", "department", "standard"),
    Node("020403", "尾矿渣堆放", "department", "standard"),
    # 0205 环保管理
    Node("020501", "未批先建", "department", "complex"),
    Node("020502", "污染损害纠纷", "department", "complex"),
    Node("020503", "生态破坏", "department", "complex"),
    Node("020504", "辐射与电磁", "department", "standard"),
    # 03 交通运输
    # 0301 公路建设养护
    Node("030101", "农村公路建设", "department", "standard"),
    Node("030102", "公路破损坑洼", "department", "standard"),
    Node("030103", "桥梁隧道", "department", "standard"),
    # 0302 城乡客运
    Node("030201", "农村客运班线", "department", "standard"),
    Node("030202", "公交线路站点", "department", "standard"),
    Node("030203", "客运票价", "department", "standard"),
    # 0303 出租车与网约车
    Node("030301", "出租车拒载绕路", "department", "quick"),
    Node("030302", "网约车管理", "department", "standard"),
    Node("030303", "非法营运", "department", "standard"),
    # 0304 货运与邮政快递
    Node("030401", "货车超限超载", "department", "standard"),
    Node("030402", "快递服务", "department", "standard"),
    Node("030403", "快递网点管理", "department", "standard"),
    # 04 教育文体
    # 0401 入学与考试招生
    Node("040101", "入学划片与学位", "department", "standard"),
    Node("040102", "随迁子女就学", "department", "standard"),
    Node("040103", "考试招生", "department", "standard"),
    # 0402 教育收费与资助
    Node("040201", "学校乱收费", "department", "standard"),
    Node("040202", "学生资助", "department", "standard"),
    Node("040203", "控辍保学", "town_office", "standard"),
    # 0403 学校管理
    Node("040301", "教学管理", "department", "standard"),
    Node("040302", "校园欺凌", "department", "standard"),
    Node("040303", "学生课业负担", "department", "standard"),
    Node("040304", "校外培训机构", "department", "standard"),
    Node("040305", "民办学校与幼儿园", "department", "standard"),
    # 0404 教师队伍
    Node("040401", "教师工资待遇", "department", "complex"),
    Node("040402", "师德师风", "department", "standard"),
    Node("040403", "代课教师问题", "department", "complex"),
    # 0405 文化体育
    Node("040501", "公共文化设施", "town_office", "standard"),
    Node("040502", "文化市场", "department", "standard"),
    Node("040503", "文物保护", "department", "standard"),
    Node("040504", "全民健身设施", "town_office", "standard"),
    # 05 劳动和社会保障
    # 0501 工资报酬
    Node("050101", "拖欠工资", "department", "complex"),
    Node("050102", "最低工资标准", "department", "standard"),
    Node("050103", "加班工资", "department", "standard"),
    # 0502 劳动关系
    Node("050201", "劳动合同纠纷", "department", "complex"),
    Node("050202", "未签劳动合同", "department", "standard"),
    Node("050203", "违法解除劳动合同", "department", "complex"),
    Node("050204", "工时与休息休假", "department", "standard"),
    # 0503 社会保险
    Node("050301", "养老保险缴费", "department", "standard"),
    Node("050302", "医疗保险报销", "department", "standard"),
    Node("050303", "工伤认定", "department", "complex"),
    Node("050304", "社保关系转移接续", "department", "standard"),
    # 0504 退休与养老金
    Node("050401", "退休审批", "department", "complex"),
    Node("050402", "养老金待遇", "department", "complex"),
    Node("050403", "养老金领取资格认证", "village_committee", "quick"),
    # 0505 就业创业
    Node("050501", "就业援助", "department", "standard"),
    Node("050502", "职业技能培训", "department", "standard"),
    Node("050503", "公益性岗位", "town_office", "standard"),
    # 06 商贸旅游
    # 0601 市场监管
    Node("060101", "商品质量", "department", "standard"),
    Node("060102", "价格违法", "department", "standard"),
    Node("060103", "消费维权", "department", "standard"),
    Node("060104", "预付卡退费", "department", "complex"),
    Node("060105", "传销", "department", "complex"),
    # 0602 特种设备与计量
    Node("060201", "电梯安全", "department", "standard"),
    Node("060202", "缺斤短两", "department", "quick"),
    # 0603 旅游管理
    Node("060301", "景区管理", "department", "standard"),
    Node("060302", "旅游投诉", "department", "standard"),
    Node("060303", "农家乐与民宿", "town_office", "standard"),
    # 0604 商业贸易
    Node("060401", "农贸市场管理", "town_office", "standard"),
    Node("060402", "成品油与加油站", "department", "standard"),
    # 07 卫生计生
    # 0701 医疗服务
    Node("070101", "医疗服务态度", "department", "standard"),
    Node("070102", "医疗收费", "department", "standard"),
    Node("070103", "非法行医", "department", "standard"),
    Node("070104", "乡村医生", "department", "standard"),
    # 0702 医患纠纷
    Node("070201", "医疗事故争议", "department", "complex"),
    Node("070202", "患者权益", "department", "complex"),
    # 0703 公共卫生
    Node("070301", "传染病疫情", "department", "emergency"),
    Node("070302", "预防接种", "department", "standard"),
    Node("070303", "病媒生物防制", "town_office", "standard"),
    # 0704 食品药品监管
    Node("070401", "食品安全", "department", "standard"),
    Node("070402", "餐饮卫生", "department", "standard"),
    Node("070403", "药品与医疗器械", "department", "standard"),
    # 0705 人口与计生
    Node("070501", "计生奖励扶助", "department", "standard"),
    Node("070502", "失独家庭扶助", "department", "standard"),
    Node("070503", "出生医学证明", "department", "standard"),
    # 08 民政
    # 0801 社会救助
    Node("080101", "城乡低保", "town_office", "standard"),
    Node("080102", "特困人员供养", "town_office", "standard"),
    Node("080103", "临时救助", "town_office", "standard"),
    Node("080104", "流浪乞讨人员救助", "department", "quick"),
    # 0802 养老服务
    Node("080201", "养老机构", "department", "standard"),
    Node("080202", "居家养老服务", "town_office", "standard"),
    Node("080203", "高龄补贴", "town_office", "standard"),
    # 0803 儿童与残疾人福利
    Node("080301", "留守儿童关爱", "village_committee", "standard"),
    Node("080302", "困境儿童保障", "department", "standard"),
    Node("080303", "残疾人两项补贴", "town_office", "standard"),
    # 0804 基层自治
    Node("080401", "村委会选举", "town_office", "complex"),
    Node("080402", "居委会选举", "town_office", "complex"),
    Node("080403", "村规民约", "village_committee", "standard"),
    # 0805 社会事务
    Node("080501", "婚姻登记", "department", "standard"),
    Node("080502", "殡葬管理", "department", "standard"),
    Node("080503", "散埋乱葬", "village_committee", "standard"),
    Node("080504", "行政区域界线纠纷", "department", "complex"),
    # 0806 退役军人与优抚
    Node("080601", "优抚待遇", "department", "standard"),
    Node("080602", "退役安置", "department", "complex"),
    # 09 政法
    # 0901 社会治安
    Node("090101", "治安案件", "department", "standard"),
    Node("090102", "黄赌毒", "department", "standard"),
    Node("090103", "电信网络诈骗", "department", "standard"),
    Node("090104", "扫黑除恶", "department", "complex"),
    # 0902 户籍证件
    Node("090201", "户口迁移登记", "department", "standard"),
    Node("090202", "身份证办理", "department", "standard"),
    Node("090203", "居住证与流动人口", "department", "standard"),
    # 0903 道路交通管理
    Node("090301", "交通事故处理", "department", "complex"),
    Node("090302", "交通违法处理", "department", "standard"),
    Node("090303", "车辆与驾驶证", "department", "standard"),
    # 0904 法律服务
    Node("090401", "法律援助", "department", "standard"),
    Node("090402", "公证与司法鉴定", "department", "standard"),
    Node("090403", "法治宣传", "town_office", "standard"),
    # 0905 诉讼与执法监督
    Node("090501", "诉讼立案", "department", "complex"),
    Node("090502", "判决执行", "department", "complex"),
    Node("090503", "执法不公", "department", "complex"),
    Node("090504", "行政复议", "department", "complex"),
    # 10 农村农业
    # 1001 土地承包与宅基地
    Node("100101", "土地承包合同", "village_committee", "complex"),
    Node("100102", "土地流转", "village_committee", "complex"),
    Node("100103", "承包地确权登记", "town_office", "complex"),
    Node("100104", "宅基地审批", "town_office", "standard"),
    # 1002 村务管理
    Node("100201", "村务公开", "town_office", "standard"),
    Node("100202", "集体资产管理", "town_office", "complex"),
    Node("100203", "村级财务", "town_office", "complex"),
    # 1003 惠农补贴与帮扶
    Node("100301", "耕地地力保护补贴", "town_office", "standard"),
    Node("100302", "防返贫监测", "town_office", "standard"),
    Node("100303", "易地扶贫搬迁", "town_office", "complex"),
    Node("100304", "帮扶资金使用", "department", "complex"),
    # 1004 农业生产
    Node("100401", "种子化肥农药质量", "department", "standard"),
    Node("100402", "农作物病虫害", "town_office", "standard"),
    Node("100403", "特色产业发展", "town_office", "standard"),
    Node("100404", "农产品销售", "town_office", "standard"),
    # 1005 畜牧与动物防疫
    Node("100501", "动物疫情", "department", "emergency"),
    Node("100502", "病死畜禽处置", "department", "standard"),
    Node("100503", "扑杀补偿", "department", "complex"),
    # 1006 林业
    Node("100601", "乱砍滥伐", "department", "standard"),
    Node("100602", "森林火情", "town_office", "emergency"),
    Node("100603", "退耕还林", "town_office", "standard"),
    Node("100604", "林权纠纷", "town_office", "complex"),
    Node("100605", "野生动物致害", "department", "standard"),
    # 11 国土资源
    # 1101 土地管理
    Node("110101", "违法占地", "department", "complex"),
    Node("110102", "耕地保护", "department", "standard"),
    Node("110103", "土地权属纠纷", "town_office", "complex"),
    Node("110104", "土地出让转让", "department", "complex"),
    # 1102 土地征收
    Node("110201", "征地补偿", "department", "complex"),
    Node("110202", "征地审批", "department", "complex"),
    Node("110203", "失地农民保障", "department", "complex"),
    # 1103 矿产资源
    Node("110301", "非法采矿", "department", "standard"),
    Node("110302", "矿山地质环境", "department", "standard"),
    Node("110303", "采矿扰民", "department", "standard"),
    # 1104 不动产登记
    Node("110401", "不动产登记办理", "department", "standard"),
    Node("110402", "农村房地一体登记", "department", "standard"),
    # 1105 地质测绘与气象
    Node("110501", "地质灾害防治", "department", "standard"),
    Node("110502", "地灾避险搬迁", "department", "complex"),
    Node("110503", "气象服务", "department", "standard"),
    # 12 经济管理
    # 1201 金融
    Node("120101", "非法集资", "department", "complex"),
    Node("120102", "银行服务", "department", "standard"),
    Node("120103", "保险理赔", "department", "standard"),
    # 1202 财税
    Node("120201", "税收征管", "department", "standard"),
    Node("120202", "财政资金使用", "department", "complex"),
    Node("120203", "涉企收费", "department", "standard"),
    # 1203 企业与营商环境
    Node("120301", "营商环境", "department", "standard"),
    Node("120302", "企业改制与破产", "department", "complex"),
    Node("120303", "涉企检查", "department", "standard"),
    # 1204 安全生产
    Node("120401", "安全生产管理", "department", "standard"),
    Node("120402", "企业安全隐患", "department", "standard"),
    Node("120403", "生产安全事故", "department", "emergency"),
    # 1205 能源与价格
    Node("120501", "电价", "department", "standard"),
    Node("120502", "户用光伏", "department", "standard"),
    Node("120503", "节能降耗", "department", "standard"),
    # 13 科技与信息产业
    # 1301 电信服务
    Node("130101", "网络信号覆盖", "department", "standard"),
    Node("130102", "宽带故障", "department", "standard"),
    Node("130103", "电信资费", "department", "standard"),
    Node("130104", "骚扰电话短信", "department", "standard"),
    # 1302 互联网与信息化
    Node("130201", "网络谣言", "department", "standard"),
    Node("130202", "个人信息泄露", "department", "standard"),
    Node("130203", "政务信息化", "department", "standard"),
    # 1303 科技与知识产权
    Node("130301", "科技项目", "department", "standard"),
    Node("130302", "知识产权保护", "department", "standard"),
    Node("130303", "科技特派员", "department", "standard"),
    # 14 党务政务
    # 1401 党的建设
    Node("140101", "基层党组织", "town_office", "standard"),
    Node("140102", "党员管理", "town_office", "standard"),
    Node("140103", "党费收缴", "town_office", "standard"),
    # 1402 政务服务
    Node("140201", "办事难", "department", "standard"),
    Node("140202", "窗口服务态度", "department", "quick"),
    Node("140203", "政务公开", "department", "standard"),
    Node("140204", "证明材料", "department", "standard"),
    # 1403 人大政协与统战
    Node("140301", "人大政协工作", "department", "standard"),
    Node("140302", "统战工作", "department", "standard"),
    Node("140303", "民族宗教事务", "department", "standard"),
    # 1404 群团与宣传
    Node("140401", "群团组织", "department", "standard"),
    Node("140402", "精神文明建设", "department", "standard"),
    Node("140403", "移风易俗", "town_office", "standard"),
    # 1405 人事编制
    Node("140501", "公务员招录", "department", "standard"),
    Node("140502", "事业单位招聘", "department", "standard"),
    Node("140503", "人事档案", "department", "standard"),
    # 15 纪检监察
    # 1501 贪污贿赂
    Node("150101", "贪污挪用", "department", "complex"),
    Node("150102", "行贿受贿", "department", "complex"),
    Node("150103", "侵占惠民资金", "department", "complex"),
    # 1502 作风问题
    Node("150201", "形式主义官僚主义", "department", "standard"),
    Node("150202", "吃拿卡要", "department", "standard"),
    Node("150203", "违规吃喝", "department", "standard"),
    Node("150204", "公车私用", "department", "standard"),
    # 1503 滥用职权
    Node("150301", "以权谋私", "department", "complex"),
    Node("150302", "打击报复", "department", "complex"),
    # 1504 失职渎职
    Node("150401", "玩忽职守", "department", "complex"),
    Node("150402", "包庇纵容", "department", "complex"),
    # 1505 基层微腐败
    Node("150501", "优亲厚友", "department", "complex"),
    Node("150502", "村级工程项目", "department", "complex"),
    Node("150503", "截留补贴", "department", "complex"),
    # 21 市容环境
    # 2101 环境卫生
    Node("210101", "暴露垃圾", "grid", "quick"),
    Node("210102", "积存垃圾渣土", "town_office", "standard"),
    Node("210103", "道路不洁", "grid", "quick"),
    Node("210104", "水域不洁", "town_office", "standard"),
    Node("210105", "绿地脏乱", "grid", "quick"),
    Node("210106", "垃圾桶满溢", "grid", "quick"),
    # 2102 乱搭乱堆
    Node("210201", "私搭乱建", "department", "complex"),
    Node("210202", "乱堆物堆料", "grid", "quick"),
    Node("210203", "废弃车辆", "department", "standard"),
    Node("210204", "乱涂乱画", "grid", "quick"),
    # 2103 焚烧与油烟
    Node("210301", "焚烧垃圾树叶", "grid", "quick"),
    Node("210302", "露天烧烤", "department", "quick"),
    Node("210303", "餐饮油烟", "department", "standard"),
    # 2104 饲养与动物
    Node("210401", "违规饲养家禽家畜", "grid", "standard"),
    Node("210402", "犬只扰民", "grid", "quick"),
    # 22 宣传广告
    # 2201 小广告
    Node("220101", "违章张贴小广告", "grid", "quick"),
    Node("220102", "涂写散发小广告", "grid", "quick"),
    # 2202 户外广告
    Node("220201", "违规设置户外广告", "department", "standard"),
    Node("220202", "广告牌匾松动坠落", "department", "emergency"),
    Node("220203", "店招标牌不规范", "department", "standard"),
    # 2203 流动宣传
    Node("220301", "违规悬挂横幅", "grid", "quick"),
    Node("220302", "流动广告车", "department", "quick"),
    Node("220303", "占道广告牌", "grid", "quick"),
    # 23 施工管理
    # 2301 施工扰民
    Node("230101", "施工噪声", "department", "quick"),
    Node("230102", "夜间违规施工", "department", "quick"),
    Node("230103", "施工扬尘", "department", "standard"),
    # 2302 工地管理
    Node("230201", "工地道路污染", "department", "quick"),
    Node("230202", "渣土车遗撒", "department", "quick"),
    Node("230203", "工地围挡不规范", "department", "standard"),
    # 2303 道路挖掘
    Node("230301", "无证掘路", "department", "standard"),
    Node("230302", "掘路超期", "department", "standard"),
    Node("230303", "掘路后未修复", "department", "standard"),
    # 2304 违规施工
    Node("230401", "无证施工", "department", "standard"),
    Node("230402", "擅改房屋承重结构", "department", "emergency"),
    # 24 突发事件
    # 2401 市政设施险情
    Node("240101", "路面塌陷", "department", "emergency"),
    Node("240102", "自来水管破裂", "department", "emergency"),
    Node("240103", "燃气管道泄漏", "department", "emergency"),
    Node("240104", "井盖缺失移位", "department", "emergency"),
    Node("240105", "排水管道冒溢", "department", "emergency"),
    # 2402 自然灾害
    Node("240201", "道路积水", "department", "emergency"),
    Node("240202", "山洪", "town_office", "emergency"),
    Node("240203", "山体滑坡崩塌", "town_office", "emergency"),
    Node("240204", "树木倒伏", "department", "emergency"),
    # 2403 事故险情
    Node("240301", "火灾", "department", "emergency"),
    Node("240302", "危险化学品泄漏", "department", "emergency"),
    Node("240303", "房屋倒塌", "department", "emergency"),
    Node("240304", "电梯困人", "department", "emergency"),
    Node("240305", "电线断落", "department", "emergency"),
    # 2404 公共卫生与社会安全
    Node("240401", "食物中毒", "department", "emergency"),
    Node("240402", "群体性事件", "town_office", "emergency"),
    # 25 街面秩序
    # 2501 经营秩序
    Node("250101", "无照经营游商", "department", "quick"),
    Node("250102", "占道经营", "department", "quick"),
    Node("250103", "店外经营", "department", "quick"),
    # 2502 停车秩序
    Node("250201", "机动车乱停放", "department", "quick"),
    Node("250202", "非机动车乱停放", "grid", "quick"),
    Node("250203", "共享单车乱停放", "grid", "quick"),
    # 2503 其他街面秩序
    Node("250301", "乞讨卖艺", "department", "quick"),
    Node("250302", "黑车揽客", "department", "quick"),
    Node("250303", "占道洗车修车", "department", "quick"),
    # 31 矛盾纠纷
    # 3101 婚姻家庭纠纷
    Node("310101", "婚姻纠纷", "village_committee", "standard"),
    Node("310102", "家庭暴力", "department", "emergency"),
    Node("310103", "赡养纠纷", "village_committee", "standard"),
    Node("310104", "继承与析产纠纷", "village_committee", "complex"),
    # 3102 邻里纠纷
    Node("310201", "一般邻里矛盾", "grid", "quick"),
    Node("310202", "相邻通行排水纠纷", "village_committee", "standard"),
    Node("310203", "噪声扰邻", "grid", "quick"),
    Node("310204", "宠物饲养纠纷", "grid", "quick"),
    # 3103 土地山林权属纠纷
    Node("310301", "承包地纠纷", "town_office", "complex"),
    Node("310302", "宅基地纠纷", "town_office", "complex"),
    Node("310303", "山林权属纠纷", "town_office", "complex"),
    Node("310304", "坟地纠纷", "village_committee", "complex"),
    # 3104 劳资纠纷
    Node("310401", "拖欠农民工工资", "department", "complex"),
    Node("310402", "工伤赔偿纠纷", "department", "complex"),
    Node("310403", "劳务雇佣纠纷", "town_office", "standard"),
    # 3105 债务纠纷
    Node("310501", "民间借贷纠纷", "town_office", "complex"),
    Node("310502", "买卖合同纠纷", "town_office", "standard"),
    Node("310503", "工程款纠纷", "town_office", "complex"),
    # 3106 物业纠纷
    Node("310601", "物业收费纠纷", "village_committee", "standard"),
    Node("310602", "物业服务质量", "village_committee", "standard"),
    Node("310603", "业主委员会纠纷", "town_office", "standard"),
    # 3107 其他纠纷
    Node("310701", "消费纠纷", "department", "standard"),
    Node("310702", "交通事故赔偿", "department", "complex"),
    Node("310703", "征迁补偿纠纷", "town_office", "complex"),
    # 32 安全隐患
    # 3201 消防安全
    Node("320101", "占堵消防通道", "grid", "quick"),
    Node("320102", "消防设施损坏", "department", "standard"),
    Node("320103", "电动车违规充电", "grid", "quick"),
    Node("320104", "出租房消防隐患", "department", "standard"),
    # 3202 燃气安全
    Node("320201", "燃气异味", "department", "emergency"),
    Node("320202", "液化气瓶违规使用", "department", "standard"),
    Node("320203", "燃气设施老化", "department", "standard"),
    # 3203 用电安全
    Node("320301", "私拉乱接电线", "grid", "quick"),
    Node("320302", "电线老化裸露", "department", "standard"),
    Node("320303", "电杆倾斜", "department", "emergency"),
    # 3204 地质灾害隐患
    Node("320401", "滑坡隐患", "town_office", "emergency"),
    Node("320402", "崩塌隐患", "town_office", "emergency"),
    Node("320403", "泥石流隐患", "town_office", "emergency"),
    Node("320404", "切坡建房隐患", "town_office", "standard"),
    # 3205 房屋安全
    Node("320501", "危房", "town_office", "standard"),
    Node("320502", "房屋裂缝倾斜", "town_office", "emergency"),
    Node("320503", "自建房安全", "town_office", "standard"),
    # 3206 校园周边安全
    Node("320601", "校园周边交通", "department", "standard"),
    Node("320602", "校园周边摊点", "department", "quick"),
    Node("320603", "校园周边治安", "department", "standard"),
    # 3207 食品药品安全
    Node("320701", "无证食品小作坊", "department", "standard"),
    Node("320702", "过期变质食品", "department", "quick"),
    Node("320703", "农村集体聚餐", "village_committee", "standard"),
    # 3208 生产经营安全
    Node("320801", "三合一场所", "department", "standard"),
    Node("320802", "烟花爆竹非法销售", "department", "standard"),
    Node("320803", "危化品存放", "department", "standard"),
    # 3209 道路交通隐患
    Node("320901", "临水临崖路段", "department", "standard"),
    Node("320902", "面包车超员", "department", "quick"),
    # 33 三无小区
    # 3301 无物业管理
    Node("330101", "小区无人管理", "town_office", "standard"),
    Node("330102", "物业撤离", "town_office", "complex"),
    Node("330103", "引入物业服务", "town_office", "complex"),
    # 3302 公共设施损坏
    Node("330201", "楼道灯损坏", "grid", "quick"),
    Node("330202", "单元门损坏", "grid", "quick"),
    Node("330203", "屋面漏水", "town_office", "standard"),
    Node("330204", "化粪池堵塞", "town_office", "standard"),
    # 3303 环境卫生
    Node("330301", "垃圾无人清运", "grid", "quick"),
    Node("330302", "楼道堆物", "grid", "quick"),
    Node("330303", "违规种菜", "grid", "quick"),
    # 3304 停车
    Node("330401", "车辆乱停", "grid", "quick"),
    Node("330402", "充电设施不足", "town_office", "standard"),
    # 3305 维修资金与产权
    Node("330501", "维修资金使用", "town_office", "complex"),
    Node("330502", "公共收益", "town_office", "complex"),
    Node("330503", "历史遗留办证", "department", "complex"),
    # 3306 改造与安防
    Node("330601", "老旧小区改造", "department", "complex"),
    Node("330602", "安防设施缺失", "town_office", "standard"),
    # 34 水利水务
    # 3401 供水
    Node("340101", "停水", "department", "standard"),
    Node("340102", "水压不足", "department", "standard"),
    Node("340103", "水质异常", "department", "standard"),
    Node("340104", "农村饮水安全", "town_office", "standard"),
    # 3402 排水
    Node("340201", "雨污管网堵塞", "department", "standard"),
    Node("340202", "污水外溢", "department", "quick"),
    Node("340203", "排水设施损坏", "department", "standard"),
    # 3403 河道管理
    Node("340301", "河道垃圾", "village_committee", "quick"),
    Node("340302", "非法采砂", "department", "standard"),
    Node("340303", "侵占河道", "department", "complex"),
    # 3404 防汛抗旱
    Node("340401", "防汛隐患", "town_office", "standard"),
    Node("340402", "山洪预警转移", "town_office", "emergency"),
    Node("340403", "堤坝险情", "department", "emergency"),
    Node("340404", "干旱缺水", "town_office", "standard"),
    # 3405 水利工程
    Node("340501", "农田水利设施", "town_office", "standard"),
    Node("340502", "灌溉用水纠纷", "village_committee", "standard"),
    Node("340503", "水土保持", "department", "standard"),
]
