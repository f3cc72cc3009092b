"""Build the seed chain map (产业链图谱) shipped in ``app/chains/data/``.

Usage::

    .venv/bin/python scripts/build_chain_seed.py            # writes app/chains/data/
    .venv/bin/python scripts/build_chain_seed.py --check    # rebuild, compare, write nothing

What is curated and what comes from data:

- **Curated** (in this file, ``TEMPLATES``): the chains, their nodes (环节) with stage
  (upstream 0 … downstream) and head words, and the template edges between nodes.
- **From data**: each node's *products* are the product names of the shipped chain links
  (``matching.catalog.chain_links()``, a sample of liuhuanyong/ChainKnowledgeGraph) and of the
  demo catalog's listed firms (``app/demo/data/catalog.jsonl.gz``, same source) whose head
  (the end of the name, after dropping 产品/系列/类/业务 …) is one of the node's head words,
  ranked by how often they occur; at most ``--max-products`` per node. The 中医药 chain's
  中药材 node is the inputs of its 中成药 products in the link graph. Every template edge is
  reported with the number of links that support it, and links between two nodes of one chain
  seen at least ``--min-support`` times add a data edge (when it makes no cycle).

Prints one JSON object per line: one per chain (nodes, products, edges, supported edges), then
a total. Deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.chains.service import would_cycle
from app.demo.loader import catalog
from matching.catalog import chain_links, is_noise_product, product_key

OUT = Path(__file__).resolve().parent.parent / "app" / "chains" / "data"
_TAIL = re.compile(r"(?:产品|系列|类|业务|制品类|销售|制造|加工|生产|分部|板块)+$")


@dataclass
class NodeTemplate:
    """A curated node: name, stage, head words, description."""

    name: str
    stage: int
    heads: tuple[str, ...]
    description: str = ""
    #: Names made of inputs of these nodes' products in the link graph (data-derived nodes).
    inputs_of: tuple[str, ...] = ()


@dataclass
class ChainTemplate:
    """A curated chain: its nodes and input → output edges by node name."""

    name: str
    description: str
    nodes: list[NodeTemplate]
    edges: list[tuple[str, str]] = field(default_factory=list)


TEMPLATES: list[ChainTemplate] = [
    ChainTemplate(
        "新能源汽车",
        "锂资源、电池材料、动力电池、电驱电控和零部件到整车与充电设施",
        [
            NodeTemplate(
                "锂钴镍资源",
                0,
                (
                    "碳酸锂",
                    "氢氧化锂",
                    "锂盐",
                    "锂精矿",
                    "锂辉石",
                    "钴",
                    "硫酸钴",
                    "硫酸镍",
                    "镍",
                    "四氧化三钴",
                ),
                "锂、钴、镍原料与盐类",
            ),
            NodeTemplate(
                "正极材料",
                1,
                (
                    "正极材料",
                    "正极",
                    "磷酸铁锂",
                    "三元材料",
                    "锰酸锂",
                    "钴酸锂",
                    "三元前驱体",
                    "前驱体",
                ),
            ),
            NodeTemplate("负极材料", 1, ("负极材料", "负极", "人造石墨", "石墨负极", "硅碳负极")),
            NodeTemplate("电解液", 1, ("电解液", "六氟磷酸锂", "电解质", "电解液添加剂")),
            NodeTemplate("隔膜", 1, ("隔膜", "锂电池隔膜", "隔离膜")),
            NodeTemplate(
                "动力电池",
                2,
                (
                    "锂电池",
                    "锂离子电池",
                    "动力电池",
                    "电芯",
                    "电池组",
                    "电池包",
                    "动力锂电池",
                    "储能电池",
                    "锂电池电芯",
                    "电池模组",
                ),
            ),
            NodeTemplate(
                "电驱与电控",
                2,
                ("驱动电机", "电机控制器", "电驱动系统", "电动机", "永磁同步电机", "整车控制器"),
            ),
            NodeTemplate(
                "汽车电子",
                2,
                (
                    "汽车电子",
                    "车载电子",
                    "汽车传感器",
                    "车载终端",
                    "车身控制器",
                    "汽车电子系统",
                    "车载导航",
                ),
            ),
            NodeTemplate(
                "汽车零部件",
                2,
                (
                    "汽车零部件",
                    "汽车零配件",
                    "汽车配件",
                    "底盘",
                    "车身",
                    "制动器",
                    "转向器",
                    "轮毂",
                    "减震器",
                    "变速器",
                    "车桥",
                    "座椅",
                    "汽车内饰",
                    "汽车驱动桥",
                ),
            ),
            NodeTemplate(
                "整车",
                3,
                (
                    "新能源汽车",
                    "电动汽车",
                    "整车",
                    "乘用车",
                    "商用车",
                    "客车",
                    "汽车整车",
                    "纯电动汽车",
                    "电动车",
                ),
            ),
            NodeTemplate("充电设施", 4, ("充电桩", "充电机", "充电设备", "充电站", "车载充电机")),
        ],
        [
            ("锂钴镍资源", "正极材料"),
            ("锂钴镍资源", "电解液"),
            ("正极材料", "动力电池"),
            ("负极材料", "动力电池"),
            ("电解液", "动力电池"),
            ("隔膜", "动力电池"),
            ("动力电池", "整车"),
            ("电驱与电控", "整车"),
            ("汽车电子", "整车"),
            ("汽车零部件", "整车"),
            ("整车", "充电设施"),
        ],
    ),
    ChainTemplate(
        "集成电路与电子",
        "半导体材料与设备、设计、制造、封测到芯片器件、电子元件和电子整机",
        [
            NodeTemplate(
                "半导体材料",
                0,
                (
                    "硅片",
                    "半导体硅片",
                    "晶圆",
                    "靶材",
                    "溅射靶材",
                    "光刻胶",
                    "电子特气",
                    "电子化学品",
                    "湿电子化学品",
                    "抛光液",
                    "掩膜版",
                    "封装材料",
                    "衬底",
                ),
            ),
            NodeTemplate(
                "半导体设备",
                0,
                (
                    "半导体设备",
                    "刻蚀机",
                    "刻蚀设备",
                    "光刻机",
                    "薄膜沉积设备",
                    "清洗设备",
                    "离子注入机",
                    "晶圆设备",
                ),
            ),
            NodeTemplate(
                "芯片设计", 1, ("芯片设计", "集成电路设计", "IC设计", "SoC", "FPGA", "EDA")
            ),
            NodeTemplate("晶圆制造", 2, ("晶圆制造", "晶圆代工", "芯片制造", "集成电路制造")),
            NodeTemplate(
                "封装测试", 3, ("封装测试", "芯片封装", "封测", "集成电路封装", "芯片测试", "封装")
            ),
            NodeTemplate(
                "芯片与器件",
                4,
                (
                    "芯片",
                    "集成电路",
                    "存储芯片",
                    "功率器件",
                    "分立器件",
                    "MOSFET",
                    "IGBT",
                    "MCU",
                    "微处理器",
                    "单片机",
                    "二极管",
                    "三极管",
                    "晶体管",
                    "LED芯片",
                    "传感器芯片",
                    "主芯片",
                    "微电子元器件",
                ),
            ),
            NodeTemplate(
                "电子元件与PCB",
                4,
                (
                    "PCB",
                    "印制电路板",
                    "电路板",
                    "线路板",
                    "电容",
                    "电容器",
                    "电阻",
                    "电感",
                    "连接器",
                    "被动元件",
                    "覆铜板",
                    "FPC",
                    "PCBA",
                    "电子元器件",
                    "元器件",
                ),
            ),
            NodeTemplate(
                "显示面板",
                4,
                (
                    "液晶面板",
                    "显示面板",
                    "OLED面板",
                    "玻璃面板",
                    "显示屏",
                    "液晶面板",
                    "OLED",
                    "液晶显示屏",
                    "显示模组",
                    "触摸屏",
                    "LED显示屏",
                ),
            ),
            NodeTemplate(
                "电子整机与终端",
                5,
                (
                    "手机",
                    "智能手机",
                    "计算机",
                    "服务器",
                    "笔记本电脑",
                    "平板电脑",
                    "消费电子",
                    "智能终端",
                    "电视机",
                    "路由器",
                    "交换机",
                    "通信设备",
                    "摄像机",
                    "微型计算机",
                    "遥控器",
                ),
            ),
        ],
        [
            ("半导体材料", "晶圆制造"),
            ("半导体设备", "晶圆制造"),
            ("芯片设计", "晶圆制造"),
            ("晶圆制造", "封装测试"),
            ("半导体材料", "封装测试"),
            ("封装测试", "芯片与器件"),
            ("芯片与器件", "电子整机与终端"),
            ("电子元件与PCB", "电子整机与终端"),
            ("显示面板", "电子整机与终端"),
            ("芯片与器件", "显示面板"),
        ],
    ),
    ChainTemplate(
        "光伏",
        "多晶硅、硅片、电池片、组件与辅材、逆变器到光伏电站",
        [
            NodeTemplate(
                "多晶硅",
                0,
                ("多晶硅", "硅料", "工业硅", "多晶硅料", "金属硅", "三氯氢硅", "多晶硅锭"),
            ),
            NodeTemplate(
                "硅片", 1, ("单晶硅片", "多晶硅片", "硅片", "单晶硅棒", "硅棒", "硅锭", "单晶硅")
            ),
            NodeTemplate(
                "电池片",
                2,
                (
                    "电池片",
                    "太阳能电池片",
                    "光伏电池片",
                    "太阳能电池",
                    "太阳电池",
                    "光伏电池",
                    "薄膜太阳能电池芯片",
                ),
            ),
            NodeTemplate(
                "光伏辅材",
                2,
                (
                    "光伏玻璃",
                    "光伏胶膜",
                    "EVA胶膜",
                    "背板",
                    "光伏背板",
                    "银浆",
                    "光伏边框",
                    "接线盒",
                    "光伏焊带",
                    "封装膜",
                ),
            ),
            NodeTemplate(
                "光伏组件",
                3,
                (
                    "光伏组件",
                    "太阳能组件",
                    "太阳能板",
                    "太阳能电池板",
                    "光伏板",
                    "太阳电池板",
                    "光伏方阵",
                    "太阳能电池组件",
                    "硅片组件",
                ),
            ),
            NodeTemplate(
                "逆变器与支架",
                3,
                (
                    "逆变器",
                    "光伏逆变器",
                    "并网逆变器",
                    "储能逆变器",
                    "光伏支架",
                    "跟踪支架",
                    "光伏控制器",
                    "汇流箱",
                    "光伏扬水逆变器",
                ),
            ),
            NodeTemplate(
                "光伏电站与系统",
                4,
                (
                    "光伏电站",
                    "光伏发电",
                    "光伏发电系统",
                    "光伏系统",
                    "太阳能光伏系统",
                    "分布式光伏",
                    "光伏电力",
                    "光伏水泵",
                    "太阳能发电",
                ),
            ),
        ],
        [
            ("多晶硅", "硅片"),
            ("硅片", "电池片"),
            ("电池片", "光伏组件"),
            ("光伏辅材", "光伏组件"),
            ("光伏组件", "光伏电站与系统"),
            ("逆变器与支架", "光伏电站与系统"),
        ],
    ),
    ChainTemplate(
        "工业机器人与智能装备",
        "减速器、伺服、控制器、传感与视觉等核心零部件到机器人本体和系统集成",
        [
            NodeTemplate(
                "精密减速器",
                0,
                (
                    "减速器",
                    "减速机",
                    "谐波减速器",
                    "RV减速器",
                    "谐波齿轮减速器",
                    "行星减速机",
                    "减速电机",
                    "精密减速器",
                ),
            ),
            NodeTemplate(
                "伺服系统",
                0,
                (
                    "伺服电机",
                    "伺服系统",
                    "伺服驱动器",
                    "伺服驱动系统",
                    "交流伺服系统",
                    "伺服控制系统",
                    "步进电机",
                    "伺服运动控制系统",
                ),
            ),
            NodeTemplate(
                "控制系统",
                0,
                (
                    "运动控制器",
                    "机器人控制器",
                    "PLC",
                    "可编程控制器",
                    "运动控制系统",
                    "机器人控制系统",
                    "数控系统",
                    "工控机",
                    "变频器",
                    "运动控制卡",
                ),
            ),
            NodeTemplate(
                "传感与视觉",
                0,
                (
                    "传感器",
                    "编码器",
                    "机器视觉",
                    "视觉系统",
                    "激光雷达",
                    "光栅尺",
                    "力传感器",
                    "工业相机",
                    "视觉传感器",
                ),
            ),
            NodeTemplate(
                "机器人本体",
                1,
                (
                    "工业机器人",
                    "机器人",
                    "机械臂",
                    "协作机器人",
                    "焊接机器人",
                    "搬运机器人",
                    "AGV",
                    "移动机器人",
                    "AGV机器人系统",
                ),
            ),
            NodeTemplate(
                "系统集成与智能装备",
                2,
                (
                    "机器人系统集成",
                    "智能制造系统集成",
                    "自动化系统集成",
                    "自动化生产线",
                    "智能装备",
                    "自动化设备",
                    "智能制造装备",
                    "工业自动化",
                    "数控机床",
                    "智能产线",
                    "自动化装备",
                ),
            ),
        ],
        [
            ("精密减速器", "机器人本体"),
            ("伺服系统", "机器人本体"),
            ("控制系统", "机器人本体"),
            ("传感与视觉", "机器人本体"),
            ("机器人本体", "系统集成与智能装备"),
            ("传感与视觉", "系统集成与智能装备"),
            ("控制系统", "系统集成与智能装备"),
        ],
    ),
    ChainTemplate(
        "石油化工与化工新材料",
        "原油、天然气、煤到基础化工品、合成材料、氟硅与专用化学品和制品",
        [
            NodeTemplate(
                "能源与原料",
                0,
                (
                    "原油",
                    "天然气",
                    "煤",
                    "原煤",
                    "焦煤",
                    "动力煤",
                    "石脑油",
                    "液化天然气",
                    "LNG",
                    "煤炭",
                    "页岩气",
                    "硅石",
                    "原盐",
                    "磷矿",
                    "萤石",
                ),
            ),
            NodeTemplate(
                "炼化产品",
                1,
                (
                    "汽油",
                    "柴油",
                    "煤油",
                    "航空煤油",
                    "液化气",
                    "液化石油气",
                    "燃料油",
                    "沥青",
                    "焦炭",
                    "石油焦",
                    "丙烷",
                    "润滑油",
                    "溶剂油",
                ),
            ),
            NodeTemplate(
                "基础化工品",
                2,
                (
                    "乙烯",
                    "丙烯",
                    "甲醇",
                    "苯",
                    "甲苯",
                    "二甲苯",
                    "对二甲苯",
                    "PX",
                    "纯碱",
                    "烧碱",
                    "硫酸",
                    "盐酸",
                    "液氨",
                    "合成氨",
                    "尿素",
                    "环氧乙烷",
                    "乙二醇",
                    "醋酸",
                    "丁二烯",
                    "苯乙烯",
                    "硝酸",
                    "电石",
                    "三氯甲烷",
                ),
            ),
            NodeTemplate(
                "合成树脂与塑料",
                3,
                (
                    "聚乙烯",
                    "聚丙烯",
                    "PVC",
                    "聚氯乙烯",
                    "树脂",
                    "塑料",
                    "ABS",
                    "聚酯",
                    "PET",
                    "聚碳酸酯",
                    "工程塑料",
                    "聚对苯二甲酸类塑料",
                    "环氧树脂",
                ),
            ),
            NodeTemplate(
                "合成纤维与橡胶",
                3,
                (
                    "涤纶",
                    "锦纶",
                    "氨纶",
                    "腈纶",
                    "粘胶纤维",
                    "化纤",
                    "合成橡胶",
                    "橡胶",
                    "碳纤维",
                    "芳纶",
                    "涤纶长丝",
                    "纤维",
                ),
            ),
            NodeTemplate(
                "氟硅材料",
                3,
                (
                    "有机硅",
                    "氟化工",
                    "制冷剂",
                    "氢氟酸",
                    "氟化氢",
                    "含氟聚合物",
                    "PTFE",
                    "聚四氟乙烯",
                    "六氟化硫",
                    "硅橡胶",
                    "硅油",
                    "有机硅胶",
                    "氟化物",
                ),
            ),
            NodeTemplate(
                "涂料与专用化学品",
                3,
                (
                    "钛白粉",
                    "涂料",
                    "颜料",
                    "染料",
                    "油墨",
                    "胶粘剂",
                    "催化剂",
                    "助剂",
                    "农药",
                    "化肥",
                    "复合肥",
                    "磷肥",
                    "添加剂",
                    "表面活性剂",
                    "密封胶",
                ),
            ),
            NodeTemplate(
                "化工制品",
                4,
                (
                    "薄膜",
                    "塑料制品",
                    "管材",
                    "塑料管",
                    "包装材料",
                    "轮胎",
                    "橡胶制品",
                    "复合材料",
                    "塑料薄膜",
                    "BOPP薄膜",
                    "胶带",
                    "改性塑料",
                ),
            ),
        ],
        [
            ("能源与原料", "炼化产品"),
            ("能源与原料", "基础化工品"),
            ("炼化产品", "基础化工品"),
            ("基础化工品", "合成树脂与塑料"),
            ("基础化工品", "合成纤维与橡胶"),
            ("基础化工品", "氟硅材料"),
            ("基础化工品", "涂料与专用化学品"),
            ("合成树脂与塑料", "化工制品"),
            ("合成纤维与橡胶", "化工制品"),
            ("氟硅材料", "化工制品"),
            ("涂料与专用化学品", "化工制品"),
        ],
    ),
    ChainTemplate(
        "中医药",
        "中药材到中药饮片、中成药和中药制剂（中成药配方来自产业链样本数据）",
        [
            NodeTemplate(
                "中药材",
                0,
                ("中药材", "药材", "人参", "三七", "当归", "甘草", "黄芪", "枸杞"),
                "中成药配方中的药材（产业链样本中中成药的上游）",
                inputs_of=("中成药",),
            ),
            NodeTemplate(
                "中药饮片与提取物",
                1,
                ("中药饮片", "饮片", "提取物", "中药提取物", "植物提取物", "浸膏"),
            ),
            NodeTemplate(
                "中成药",
                2,
                (
                    "颗粒",
                    "胶囊",
                    "丸",
                    "口服液",
                    "合剂",
                    "中成药",
                    "片",
                    "糖浆",
                    "膏",
                    "散",
                    "注射液",
                    "冲剂",
                ),
            ),
        ],
        [("中药材", "中药饮片与提取物"), ("中药材", "中成药"), ("中药饮片与提取物", "中成药")],
    ),
]

#: Heads of the 中成药 node are single characters (丸, 片 …); accept them only on names that
#: look like medicines (at least three characters and not an electronics or food word).
_NOT_MEDICINE = re.compile(
    r"[A-Za-z0-9]|[电硅晶钢铝铁铜锌铅锡镍钛塑胶瓷纸玻]|芯片|硅片|晶片|基片|瓷片|刀片|叶片|垫片|镜片|卡片|图片|切片|薄片|面片|肉片|鱼片|薯片|饼|面|菜|肉|汤"
)


def _head(name: str) -> str:
    return _TAIL.sub("", name) or name


def _matches(name: str, heads: tuple[str, ...], chain: str) -> int:
    """Length of the longest head word the name ends with (0: none)."""
    core = _head(name)
    best = 0
    for h in heads:
        key = product_key(h)
        if core.endswith(key) and len(key) > best:
            if len(key) == 1 and (chain != "中医药" or len(core) < 3 or _NOT_MEDICINE.search(core)):
                continue
            best = len(key)
    return best


def build(max_products: int, min_support: int) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    """The seed document, per-chain figures, and the PROVENANCE table rows."""
    links = chain_links()
    support: Counter[str] = Counter()
    for link in links:
        support[link.product] += 1
        support[link.input] += 1
    firm_count: Counter[str] = Counter()
    for firm in catalog():
        for name, _share in firm["products"]:
            key = product_key(name)
            if key and not is_noise_product(key):
                firm_count[key] += 1
    names = sorted(set(support) | set(firm_count))
    doc_chains: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    prov_rows: list[str] = []
    for template in TEMPLATES:
        members: dict[str, list[tuple[int, str]]] = defaultdict(list)
        weight: Counter[tuple[str, str]] = Counter()
        owner: dict[str, str] = {}
        for name in names:
            best: tuple[int, str] | None = None
            for node in template.nodes:
                if node.inputs_of:
                    continue
                score = _matches(name, node.heads, template.name)
                if score and (best is None or score > best[0]):
                    best = (score, node.name)
            if best is not None:
                owner[name] = best[1]
                weight[(best[1], _head(name))] += support[name] + 3 * firm_count[name]
        for node in template.nodes:
            if not node.inputs_of:
                continue
            source = {n for n, o in owner.items() if o in node.inputs_of}
            inputs: Counter[str] = Counter(
                link.input for link in links if link.product in source and link.input not in owner
            )
            for name, count in inputs.items():
                if count >= 2:
                    owner[name] = node.name
                    weight[(node.name, name)] += count
        for (node_name, product), total in weight.items():
            members[node_name].append((-total, product))
        nodes_out: list[dict[str, Any]] = []
        for node in template.nodes:
            ranked = sorted(members[node.name])
            products = [name for _w, name in ranked[:max_products]]
            nodes_out.append(
                {
                    "name": node.name,
                    "stage": node.stage,
                    "description": node.description,
                    "products": products,
                    "keywords": list(node.heads),
                }
            )
        node_names = [n.name for n in template.nodes]
        between: Counter[tuple[str, str]] = Counter()
        for link in links:
            a, b = owner.get(link.input), owner.get(link.product)
            if a and b and a != b:
                between[(a, b)] += 1
        edges = list(template.edges)
        index = {n: i for i, n in enumerate(node_names)}
        pairs = [(index[a], index[b]) for a, b in edges]
        data_edges = []
        for (a, b), count in sorted(between.items(), key=lambda kv: (-kv[1], kv[0])):
            if count < min_support or (a, b) in edges:
                continue
            if would_cycle(pairs, (index[a], index[b])):
                continue
            pairs.append((index[a], index[b]))
            edges.append((a, b))
            data_edges.append((a, b))
        doc_chains.append(
            {
                "name": template.name,
                "description": template.description,
                "nodes": nodes_out,
                "edges": [{"input": a, "output": b} for a, b in edges],
            }
        )
        supported = sum(1 for e in template.edges if between[e] > 0)
        figures.append(
            {
                "chain": template.name,
                "nodes": len(nodes_out),
                "products": sum(len(n["products"]) for n in nodes_out),
                "edges": len(edges),
                "template_edges": len(template.edges),
                "template_edges_with_link_support": supported,
                "data_edges": len(data_edges),
            }
        )
        for n in nodes_out:
            from_links = sum(1 for p in n["products"] if support[p])
            prov_rows.append(
                f"| {template.name} | {n['name']} | {n['stage']} | {len(n['products'])} | "
                f"{from_links} | {len(n['products']) - from_links} |"
            )
        for a, b in edges:
            kind = "data" if (a, b) in data_edges else "template"
            prov_rows.append(
                f"| {template.name} | {a} → {b} | edge ({kind}) | | {between[(a, b)]} links | |"
            )
    doc = {"format": "xieshou-chain-map", "version": 1, "chains": doc_chains}
    return doc, figures, "\n".join(prov_rows)


PROVENANCE = """# Seed chain map: provenance

`seed.json.gz` is the chain map that `xieshou chains seed` (and `xieshou demo`) loads: a
`xieshou-chain-map` document (the format of `GET /api/v1/chains/export`). Rebuild it with
`.venv/bin/python scripts/build_chain_seed.py` (deterministic; `--check` compares).

| what | source | license stated |
|---|---|---|
| chains, node names, stages, head words (keywords), template edges | curated in `scripts/build_chain_seed.py` (`TEMPLATES`) | project |
| node products | product names from `matching/data/product_chain_links.csv.gz` (liuhuanyong/ChainKnowledgeGraph 4ea9154 and SOVLOOKUP/ChainKnowledgeGraph-sql) and from the demo catalog's listed-firm products (`app/demo/data/catalog.jsonl.gz`, same source), assigned to the node whose head word the name ends with, most frequent first | none |
| 中药材 products | inputs (in the link sample) of the 中成药 node's products, seen at least twice | none |
| data edges | node pairs of one chain with at least MIN_SUPPORT links input → product in the sample, added when they make no cycle | none |

The link sample is deliberately incomplete and noisy, so products are a starting point for
operators to edit, not a census. Per node and edge (products from links = also named in the
link sample; from firms only = named only in the listed firms' product lists; edge support =
links in the sample between the two nodes' products):

| chain | node / edge | stage | products | from links | from firms only |
|---|---|---|---|---|---|
"""


def main(argv: list[str] | None = None) -> int:
    """Build (or ``--check``) the seed chain map."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-products", type=int, default=40)
    parser.add_argument("--min-support", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the shipped seed")
    args = parser.parse_args(argv)
    doc, figures, rows = build(args.max_products, args.min_support)
    data = gzip.compress(
        json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"), mtime=0, compresslevel=9
    )
    note = PROVENANCE.replace("MIN_SUPPORT", str(args.min_support)) + rows + "\n"
    for f in figures:
        print(json.dumps(f, ensure_ascii=False))
    print(
        json.dumps(
            {
                "chains": len(figures),
                "nodes": sum(f["nodes"] for f in figures),
                "products": sum(f["products"] for f in figures),
                "edges": sum(f["edges"] for f in figures),
                "bytes": len(data),
            }
        )
    )
    seed, prov = args.out / "seed.json.gz", args.out / "PROVENANCE.md"
    if args.check:
        same = seed.exists() and seed.read_bytes() == data and prov.read_text("utf-8") == note
        print(json.dumps({"check": "same" if same else "differs"}))
        return 0 if same else 1
    args.out.mkdir(parents=True, exist_ok=True)
    seed.write_bytes(data)
    prov.write_text(note, "utf-8")
    print(f"wrote {seed} and {prov}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
