"""The demo's story, written by hand: buyers' needs, the firms they meet, one session.

The supplier base is the real catalog (``data/catalog.jsonl.gz``). On top of it this module
adds what the catalog lacks, all of it synthetic (see ``data/PROVENANCE.md``): the needs
(written the way buyers write them: a short form, free text, a pasted 询价 or 招标 notice),
declared regions, fictitious contacts (示例联系人, 010-0000-00xx, @example.com), and for the
featured SMEs the profile fields a catalog of listed firms does not hold (technologies,
certifications with expiry dates, capacity, minimum order, regions served).

Firms are named by stock code (``external_id``), as in the catalog.
"""

import datetime as dt
from typing import Any

#: The firms whose keys ``xieshou demo`` prints for the large-firm and SME roles.
LARGE_FIRM = "600775.SH"  # 南京熊猫电子: two open needs and a draft, meets the demo SME
SME = "002896.SZ"  # 宁波中大力德智能传动: 减速电机 and 减速器, so its 商机 list is not empty

#: Declared regions (GB/T 2260, city level) of the buyers and featured SMEs.
REGIONS: dict[str, str] = {
    "000625.SZ": "500100",  # 重庆
    "000049.SZ": "440300",  # 深圳
    "600775.SH": "320100",  # 南京
    "600839.SH": "510700",  # 绵阳
    "600104.SH": "310100",  # 上海
    "000063.SZ": "440300",  # 深圳
    "000651.SZ": "440400",  # 珠海
    "600690.SH": "370200",  # 青岛
    "002896.SZ": "330200",  # 宁波
    "002164.SZ": "330200",
    "603915.SH": "320100",  # 国茂: 常州; kept to the province's capital city for the demo
    "300503.SZ": "440100",  # 广州
    "002176.SZ": "360900",  # 宜春
    "002747.SZ": "320100",
    "603015.SH": "330200",
    "002334.SZ": "440300",
    "300484.SZ": "440300",
    "300568.SZ": "440300",
    "300510.SZ": "220100",  # 长春
    "002108.SZ": "130900",  # 沧州
    "002055.SZ": "440300",
    "300787.SZ": "360800",  # 吉安
    "300585.SZ": "320100",
    "300325.SZ": "320500",  # 苏州
    "300252.SZ": "440300",
    "603228.SH": "440300",
    "002463.SZ": "320500",  # 昆山 (苏州)
    "002916.SZ": "440300",
    "002815.SZ": "440300",
    "300476.SZ": "441300",  # 惠州
    "002436.SZ": "440300",
    "300695.SZ": "330100",  # 杭州
    "300652.SZ": "330100",
    "300308.SZ": "370600",  # 烟台 (龙口)
    "002281.SZ": "420100",  # 武汉
    "300502.SZ": "510100",  # 成都
    "603989.SH": "430900",  # 益阳
    "002484.SZ": "320600",  # 南通
}

#: The large firms with needs.
BUYERS = (
    "000625.SZ",
    "000049.SZ",
    "600775.SH",
    "600839.SH",
    "600104.SH",
    "000063.SZ",
    "000651.SZ",
    "600690.SH",
)


def contacts(code: str) -> dict[str, str]:
    """Clearly fictitious contacts for a demo firm (the catalog has none)."""
    number = sorted(REGIONS).index(code) + 1
    return {
        "contact_person": f"示例联系人{number:02d}",
        "contact_phone": f"010-0000-{number:04d}",
        "contact_email": f"demo{number:02d}@example.com",
    }


def _cert(standard: str, months: int, number: str) -> dict[str, Any]:
    # ``valid_until`` is months after the load date (see :func:`dated`): the demo's
    # certificates must not expire while the demo sits on a disk.
    return {"standard": standard, "number": number, "valid_until": months}


def _iso(code: str, months: int = 22) -> dict[str, Any]:
    return _cert("ISO 9001", months, f"示例-Q-{code[:6]}")


def _iatf(code: str, months: int = 18) -> dict[str, Any]:
    return _cert("IATF 16949", months, f"示例-T-{code[:6]}")


#: Profile fields of the featured SMEs (their products stay the catalog's).
PROFILES: dict[str, dict[str, Any]] = {
    "002896.SZ": {
        "technologies": ["精密行星减速器设计", "RV减速器摆线齿形修形", "减速电机一体化"],
        "processes": ["精密滚齿", "磨齿", "热处理", "整机装配与跑合测试"],
        "materials": ["20CrMnTi", "球墨铸铁"],
        "certifications": [
            _iso("002896.SZ", 22),
            _cert("ISO 14001", 11, "示例-E-002896"),
            _cert("CE", 28, "示例-CE-002896"),
        ],
        "capacity": "年产减速电机约 150 万台、精密减速器约 10 万台（示例数据）",
        "minimum_order": "精密减速器 50 台起订（示例数据）",
        "regions_served": ["330000", "320000", "310000", "440000"],
        "description": "小型减速电机与机器人用精密减速器，可按整机厂要求定制速比与法兰。",
    },
    "002164.SZ": {
        "technologies": ["模块化减速机设计", "重载齿轮箱"],
        "certifications": [_iso("002164.SZ")],
        "capacity": "年产模块化减速机约 5 万台（示例数据）",
    },
    "603915.SH": {
        "technologies": ["齿轮减速机", "摆线针轮传动"],
        "certifications": [_iso("603915.SH")],
        "capacity": "年产减速机约 80 万台（示例数据）",
    },
    "300503.SZ": {
        "technologies": ["谐波减速器", "电主轴"],
        "certifications": [_iso("300503.SZ")],
        "capacity": "年产机器人减速器约 3 万台（示例数据）",
    },
    "002176.SZ": {
        "technologies": ["伺服电机", "特种电机"],
        "certifications": [_iso("002176.SZ")],
        "capacity": "年产伺服电机约 20 万台（示例数据）",
    },
    "002747.SZ": {
        "technologies": ["交流伺服", "运动控制", "机器人本体"],
        "certifications": [_iso("002747.SZ"), _cert("CE", 24, "示例-CE-002747")],
        "capacity": "年产交流伺服系统约 30 万套（示例数据）",
    },
    "603015.SH": {
        "technologies": ["伺服节能系统", "塑机控制"],
        "certifications": [_iso("603015.SH")],
    },
    "002334.SZ": {
        "technologies": ["变频驱动", "伺服驱动"],
        "certifications": [_iso("002334.SZ"), _cert("CE", 20, "示例-CE-002334")],
    },
    "300484.SZ": {"certifications": [_iso("300484.SZ")]},
    "300568.SZ": {
        "technologies": ["湿法隔膜", "干法隔膜", "陶瓷涂覆"],
        "processes": ["双向拉伸", "涂覆"],
        "certifications": [_iso("300568.SZ"), _iatf("300568.SZ")],
        "capacity": "年产隔膜约 10 亿平方米（示例数据）",
    },
    "300510.SZ": {
        "technologies": ["湿法隔膜"],
        "certifications": [_iso("300510.SZ")],
    },
    "002108.SZ": {
        "technologies": ["湿法隔膜", "干法隔膜"],
        "certifications": [_iso("002108.SZ"), _iatf("002108.SZ")],
    },
    "002055.SZ": {
        "technologies": ["汽车线束设计", "高压连接器"],
        "processes": ["端子压接", "注塑"],
        "certifications": [_iso("002055.SZ"), _iatf("002055.SZ", 15)],
        "capacity": "年产汽车线束约 300 万套（示例数据）",
    },
    "300787.SZ": {"certifications": [_iso("300787.SZ")]},
    "300325.SZ": {"certifications": [_iso("300325.SZ")]},
    "300585.SZ": {"certifications": [_iso("300585.SZ"), _iatf("300585.SZ")]},
    "300252.SZ": {"certifications": [_iso("300252.SZ"), _iatf("300252.SZ", 3)]},
    "603228.SH": {
        "technologies": ["HDI", "刚挠结合板"],
        "certifications": [_iso("603228.SH"), _iatf("603228.SH")],
        "capacity": "年产印制电路板约 500 万平方米（示例数据）",
    },
    "002463.SZ": {"certifications": [_iso("002463.SZ"), _iatf("002463.SZ")]},
    "002916.SZ": {"certifications": [_iso("002916.SZ")]},
    "002815.SZ": {"certifications": [_iso("002815.SZ")]},
    "300476.SZ": {"certifications": [_iso("300476.SZ")]},
    "002436.SZ": {"certifications": [_iso("002436.SZ")]},
    "300695.SZ": {
        "technologies": ["第三代轮毂轴承单元"],
        "certifications": [_iso("300695.SZ"), _iatf("300695.SZ")],
    },
    "300652.SZ": {"certifications": [_iso("300652.SZ"), _iatf("300652.SZ")]},
    "300308.SZ": {"certifications": [_iso("300308.SZ")]},
    "002281.SZ": {"certifications": [_iso("002281.SZ")]},
    "300502.SZ": {"certifications": [_iso("300502.SZ")]},
    "603989.SH": {"certifications": [_iso("603989.SH"), _iatf("603989.SH")]},
    "002484.SZ": {"certifications": [_iso("002484.SZ"), _iatf("002484.SZ")]},
}

_DESAY_NOTICE = """深圳市德赛电池科技股份有限公司
锂离子电池隔膜询价公告
询价编号：DEMO-XJ-0018
一、采购内容：湿法锂离子电池隔膜（9μm 基膜 + 3μm 陶瓷涂覆）
二、用途：消费类锂离子电池电芯
三、数量：约 2000 万平方米/年，分批交货
四、供应商资格要求：具有独立法人资格；通过 ISO 9001 质量管理体系认证；近三年有同类产品供货业绩
五、报价截止时间：{offer_due.year}年{offer_due.month}月{offer_due.day}日 17:00
六、联系人：示例联系人02，电话 010-0000-0002，邮箱 demo02@example.com"""

_CHANGHONG_NOTICE = """四川长虹电器股份有限公司 {year} 年度印制电路板集中采购招标公告
项目名称：{year} 年度印制电路板（PCB）集中采购
招标编号：DEMO-ZB-0112
1. 招标内容：多层印制电路板（4–8 层）及 HDI 板，用于智能电视主板和空调控制板
2. 预计采购量：约 30 万平方米
3. 投标人资格：注册资本不低于 5000 万元；具有 ISO 9001 认证；具备汽车电子或家电主板批量供货经验者优先
4. 交货地点：四川省绵阳市
5. 投标截止时间：{offer_due.year} 年 {offer_due.month} 月 {offer_due.day} 日
联系人：示例联系人04 010-0000-0004"""


#: The needs, each as an import record (``external_id`` names the buyer). Not imported:
#: ``style`` says how the buyer wrote it, ``expect`` what the top supplier's matched product
#: must contain (checked by the tests and printed by ``python -m app.demo.check``).
NEEDS: list[dict[str, Any]] = [
    {
        "style": "short form",
        "external_id": "000625.SZ",
        "title": "汽车线束配套",
        "expect": "线束",
        "kind": "supply",
        "status": "open",
        "products": ["线束"],
        "application": "乘用车整车装配",
        "quantity": 60000,
        "quantity_unit": "套/年",
        "required_certifications": ["IATF 16949"],
        "deadline": 120,
        "description": "新车型量产配套，要求具备整车厂线束定点经验，可驻厂服务。",
    },
    {
        "style": "pasted 询价 notice",
        "external_id": "000049.SZ",
        "title": "锂离子电池隔膜询价公告",
        "expect": "隔膜",
        "kind": "supply",
        "status": "open",
        "description": _DESAY_NOTICE,
    },
    {
        "style": "free text",
        "external_id": "600775.SH",
        "title": "找工业机器人用精密减速器供应商",
        "expect": "减速器",
        "kind": "supply",
        "status": "open",
        "description": (
            "我司工业机器人产线明年扩产，需要采购精密减速器（RV减速器、行星减速器），"
            "用于六轴关节机器人，年需求约 3000 台，希望长三角地区的厂家优先，可先送样测试。"
        ),
    },
    {
        "style": "short form",
        "external_id": "600775.SH",
        "title": "交流伺服电机",
        "expect": "伺服",
        "kind": "supply",
        "status": "open",
        "products": ["伺服电机", "伺服驱动器"],
        "application": "工业机器人关节驱动",
        "quantity": 18000,
        "quantity_unit": "台/年",
        "description": "400W–3kW 交流伺服电机及配套驱动器，需提供样机。",
    },
    {
        "style": "short form (draft)",
        "external_id": "600775.SH",
        "title": "谐波减速器国产替代攻关",
        "expect": "减速器",
        "kind": "tech_challenge",
        "status": "draft",
        "products": ["谐波减速器"],
        "application": "协作机器人",
        "description": "寻求联合攻关谐波减速器寿命与回差指标，草稿，内部评审后发布。",
    },
    {
        "style": "pasted 招标 notice",
        "external_id": "600839.SH",
        "title": "印制电路板年度集中采购招标公告",
        "expect": "电路板",
        "kind": "supply",
        "status": "open",
        "description": _CHANGHONG_NOTICE,
    },
    {
        "style": "short form",
        "external_id": "600104.SH",
        "title": "轮毂轴承单元二供开发",
        "expect": "轴承",
        "kind": "supply",
        "status": "open",
        "products": ["轮毂轴承单元", "轴承"],
        "application": "乘用车底盘",
        "quantity": 400000,
        "quantity_unit": "套/年",
        "description": "为降低单一供应商风险，开发第三代轮毂轴承单元二供，需通过 IATF 16949。",
    },
    {
        "style": "short form",
        "external_id": "000063.SZ",
        "title": "数据中心光模块",
        "expect": "光模块",
        "kind": "supply",
        "status": "open",
        "products": ["光模块"],
        "application": "数据中心交换机",
        "quantity": 200000,
        "quantity_unit": "只/年",
        "description": "100G/400G 光模块，需提供可靠性测试报告。",
    },
    {
        "style": "free text",
        "external_id": "000651.SZ",
        "title": "采购铝电解电容器",
        "expect": "电容",
        "kind": "supply",
        "status": "open",
        "description": "变频空调控制板用铝电解电容器，需要长寿命、耐高温型号，年用量约 5000 万只。",
    },
    {
        "style": "short form",
        "external_id": "600690.SH",
        "title": "采购减速电机",
        "expect": "减速电机",
        "kind": "supply",
        "status": "open",
        "products": ["减速电机"],
        "application": "智能晾衣机",
        "quantity": 300000,
        "quantity_unit": "台/年",
        "preferred_regions": ["330000"],
        "description": "小功率直流减速电机，噪音 ≤ 45 dB，可按结构定制输出轴。",
    },
]


def dated(record: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """A story record with its relative dates made real, so the demo does not age on disk.

    A ``deadline`` given as a number is that many days after ``today``; a certificate's
    ``valid_until`` as a number that many months; notice texts get their offer dates.
    """
    out = dict(record)
    if isinstance(out.get("deadline"), int):
        out["deadline"] = (today + dt.timedelta(days=out["deadline"])).isoformat()
    if isinstance(out.get("description"), str) and "{" in out["description"]:
        out["description"] = out["description"].format(
            offer_due=today + dt.timedelta(days=30), year=today.year + 1
        )
    if "certifications" in out:
        out["certifications"] = [
            {**c, "valid_until": (today + dt.timedelta(days=30 * c["valid_until"])).isoformat()}
            for c in out["certifications"]
        ]
    return out


#: Keys of :data:`NEEDS` that describe the story and are not part of the import record.
NOT_IMPORTED = frozenset({"style", "expect"})
