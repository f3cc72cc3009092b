"""Write the project's own robustness probes: needs rewritten as notices and free text.

Usage::

    .venv/bin/python scripts/make_probes.py --source ../shared/data/bench/need_supplier_dev.jsonl \
        --out /tmp/own_probes

Writes ``own_notice.jsonl`` and ``own_free.jsonl`` (same format as the benchmark files:
``id``, ``need`` with ``title`` and ``description`` only, ``relevant`` copied unchanged) from
the structured needs whose product and application do not contain each other. Every 7th need
by a hash of its id is used, spread round-robin over the templates below.

The templates were written for this project, independently of the shared dev probes
(``probe_dev_notice.jsonl``) and of ``scripts/evaluate.py --perturb``: other notice types
(政府采购 公开招标, 竞争性磋商 with a table, 询比价 with a markdown table, 采购意向公开, an
e-mail RFQ, a marketplace 求购 post, 采购申请单, 框架协议入围, chat messages) and other free-text
phrasings. They check that the reader generalizes; they are not tuned on (the query reader's
tests use other sentences again).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

NOTICES: tuple[tuple[str, str, str], ...] = (
    (
        "gov",
        "某市{x}集中采购项目公开招标公告",
        "项目概况\n{x}集中采购项目的潜在投标人应在市公共资源交易平台获取招标文件，并于2025年3月12日"
        "9点30分（北京时间）前递交投标文件。\n一、项目基本情况\n项目编号：GZ-ZC-2025-0117\n"
        "预算金额：356.8万元\n采购需求：{x}一批，主要用于{y}，具体详见采购需求书。\n"
        "合同履行期限：合同签订之日起12个月。\n本项目不接受联合体投标。\n二、申请人的资格要求：\n"
        "1.满足《中华人民共和国政府采购法》第二十二条规定；\n2.本项目专门面向中小企业采购。\n"
        "三、获取招标文件\n时间：2025年2月20日至2025年2月27日\n四、采购人信息\n"
        "名称：某某集团有限公司\n地址：广东省佛山市顺德区\n联系方式：0757-2283****",
    ),
    (
        "cuoshang",
        "关于{x}等物资的竞争性磋商公告",
        "采购人：某某股份有限公司\n磋商编号：CS-2025-031\n一、采购清单\n序号\t物资名称\t规格型号\t单位\t数量\n"
        "1\t{x}\t按技术协议\t吨\t120\n二、用途说明：本批物资用于{y}。\n"
        "三、响应文件提交截止时间：2025年4月8日17:00\n联系人：孙女士 138****5521",
    ),
    (
        "bijia",
        "询比价采购公告（编号XBJ-25-0412）",
        "我公司因{y}生产需要，现就以下物资进行询比价，欢迎具备供货能力的单位参与。\n"
        "| 序号 | 名称 | 规格 | 数量 | 交货期 |\n| --- | --- | --- | --- | --- |\n"
        "| 1 | {x} | 见附件 | 5000件 | 30天 |\n报价方式：密封报价，含13%增值税及运费。\n"
        "报价截止：2025年5月20日\n开标地点：公司二楼会议室",
    ),
    (
        "yixiang",
        "2025年6月政府采购意向公开",
        "为便于供应商及时了解政府采购信息，现将采购意向公开如下：\n采购项目名称：{x}购置\n"
        "采购需求概况：购置{x}，用于{y}\n预算金额（万元）：80\n预计采购时间：2025年6月\n"
        "备注：本次公开的采购意向是本单位采购工作的初步安排",
    ),
    (
        "email",
        "RFQ - {x} / 询价",
        "Dear supplier,\n我司为{y}制造商，现需询价{x}，请提供以下信息：\n1. 单价（含税）\n"
        "2. 最小起订量 MOQ\n3. 交货周期 lead time\n4. 付款条件\n请于本周五前回复报价，谢谢！\n"
        "Best regards\n采购部 Linda",
    ),
    (
        "market",
        "【求购】{x}  月需求量 2吨",
        "求购商品：{x}\n求购数量：2吨/月\n期望收货地：浙江省宁波市\n采购类型：长期采购\n"
        "补充说明：用于{y}，要求提供检测报告，支持账期结算，优先工厂直供。",
    ),
    (
        "chat-a",
        "{x}谁家有货",
        "哪位朋友有{x}的渠道？做{y}要用，量不大先试单，要发票，靠谱的滴滴我",
    ),
    (
        "chat-b",
        "收{x}",
        "长期收{x}，{y}厂自用，现款现货，非诚勿扰，有货的老板报个价",
    ),
    (
        "scope",
        "2025年{y}项目设备及材料招标公告",
        "招标编号：ZB-2025-0219\n招标范围：\n(1) {x}；\n(2) 安装调试及技术培训服务。\n"
        "资格要求：投标人注册资本不少于1000万元，近三年具有类似供货业绩。\n"
        "投标文件递交截止时间：2025年7月1日10:00\n招标人：某某新能源有限公司  联系人：赵工",
    ),
    (
        "requisition",
        "采购申请单",
        "申请部门：{y}生产部\n物料名称：{x}\n物料编码：MAT-778120\n需求数量：300 KG\n"
        "需求日期：2025-08-15\n申请理由：{y}产线备料，库存不足",
    ),
    (
        "prose",
        "{x}供货合作",
        "本公司是一家从事{y}生产的企业，因业务发展需要，拟在全国范围内遴选{x}的长期合作供应商。"
        "有意者请于2025年9月30日前将企业简介、产品报价及相关资质材料发送至邮箱。",
    ),
    (
        "framework",
        "{x}框架协议采购入围公告",
        "各潜在供应商：\n我单位拟通过公开征集方式确定{x}框架协议入围供应商，入围期限两年，"
        "所采购{x}主要应用于{y}。\n征集人：某某控股集团\n征集文件获取：登录采购平台下载\n"
        "响应截止：2025年10月10日",
    ),
)

FREE: tuple[tuple[str, str, str], ...] = (
    ("partner", "{y}厂家找合作", "{y}厂家，想找一家稳定供应{x}的合作伙伴，最好能长期合作。"),
    ("usage", "{x}", "我们主要做{y}，{x}用量比较大，目前在找新的货源。"),
    ("newline", "寻{x}", "公司新上了一条{y}线，{x}需要国产替代，欢迎专精特新企业对接。"),
    (
        "localize",
        "{x}国产化替代需求",
        "为降低{y}的成本，计划将进口{x}替换为国产产品，寻求有研发能力的配套企业。",
    ),
    ("terse", "需要{x}", "{x}，{y}用，月用量约3吨，含税到厂价，账期60天。"),
    ("project", "{y}项目对接需求", "我方{y}项目需对接{x}供应企业，请具备量产能力的企业报名。"),
    ("help", "求助：哪里能买到{x}", "做{y}的，急需{x}，有资源的请私信。"),
    (
        "letter",
        "关于征求{x}供货意向的函",
        "各相关企业：为保障{y}生产，我公司拟采购一批{x}。"
        "请有意向的企业于15个工作日内反馈供货方案及报价。",
    ),
    ("bracket", "{x}（{y}用）", ""),
    ("oem", "寻找{x}代工厂", "{y}品牌方，寻找{x}代工/OEM合作工厂，要求有相关生产经验。"),
    ("price", "{x}询价", "请报{x}的价格，用在{y}上，量大从优。"),
    ("shortage", "急！{x}断货", "{y}产线{x}断货，急需现货，能当天发货的联系我。"),
)


def _pick(query_id: str) -> bool:
    return int(hashlib.md5(query_id.encode("utf-8")).hexdigest(), 16) % 7 == 0  # noqa: S324


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, required=True, help="need_supplier_dev.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    with args.source.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            need = row["need"]
            x, y = (need.get("products") or [""])[0], need.get("application") or ""
            if x and y and x not in y and y not in x and _pick(row["id"]):
                rows.append((row, x, y))
    for name, templates in (("own_notice", NOTICES), ("own_free", FREE)):
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for i, (row, x, y) in enumerate(rows):
                kind, title, description = templates[i % len(templates)]
                probe = {
                    "id": f"{row['id']}-{name.removeprefix('own_')}-{kind}",
                    "need": {
                        "title": title.format(x=x, y=y),
                        "description": description.format(x=x, y=y),
                    },
                    "relevant": row["relevant"],
                }
                out.write(json.dumps(probe, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} probes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
