"""Write the project's own robustness probes: needs rewritten as notices and free text.

Usage::

    .venv/bin/python scripts/make_probes.py --source ../shared/data/bench/need_supplier_dev.jsonl \
        --out /tmp/own_probes

Writes ``own_notice.jsonl``, ``own_free.jsonl``, ``own_notice2.jsonl``, ``own_free2.jsonl`` and
``own_mixed3.jsonl``
(same format as the benchmark files:
``id``, ``need`` with ``title`` and ``description`` only, ``relevant`` copied unchanged) from
the structured needs whose product and application do not contain each other. Every 7th need
by a hash of its id is used, spread round-robin over the templates below.

The templates were written for this project, independently of the shared dev probes
(``probe_dev_notice.jsonl``) and of ``scripts/evaluate.py --perturb``: other notice types
(政府采购 公开招标, 竞争性磋商 with a table, 询比价 with a markdown table, 采购意向公开, an
e-mail RFQ, a marketplace 求购 post, 采购申请单, 框架协议入围, chat messages) and other free-text
phrasings. ``NOTICES`` and ``FREE`` were written before the reader was tuned (it then scored
0.889 and 0.905 NDCG@10 on them); ``NOTICES2``, ``FREE2`` and ``MIXED3`` later, to find what
it still got wrong. All were then used for tuning: they say how the reader does on phrasings nobody
shared with it, not how it does on unseen ones.
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

# Written later, to look for what the reader still got wrong; what they found was fixed, so
# they are tuning data too (own_free2, own_notice2).
FREE2: tuple[tuple[str, str, str], ...] = (
    ("b0", "{y}生产商寻{x}供货商", "我们是{y}生产商，目前需要{x}，欢迎联系。"),
    ("b1", "公司生产{y}，需要{x}", ""),
    ("b2", "{x}需求", "本公司主要生产{y}，每月需要{x}约5吨，希望找到稳定的供应商。"),
    ("b3", "招{x}供应商", "{y}项目启动，现招{x}供应商若干家。"),
    ("b4", "需要{x}", "需要{x}，做{y}的，长期合作。"),
    ("b5", "寻找{x}合作伙伴", "因{y}业务扩张，寻找{x}合作伙伴。"),
    ("b6", "{x}", "我厂专业做{y}，{x}年用量很大，诚寻厂家直供。"),
    ("b7", "采购", "本司拟采购{x}一批，主要用于{y}的生产。"),
    ("b8", "求{x}", "求{x}货源，{y}用，量大。"),
    ("b9", "{y}企业采购{x}", ""),
    ("b10", "诚征{x}", "诚征{x}，用于{y}，有意者请联系采购部。"),
    ("b11", "寻源公告", "{y}制造企业寻源{x}，要求具备批量供货能力。"),
    ("b12", "{x}长期采购", "用于{y}的{x}长期采购，价格面议。"),
    ("b13", "求推荐{x}厂家", "做{y}的，求推荐靠谱的{x}厂家"),
    ("b14", "有没有{x}", "有没有{x}？{y}需要用"),
    ("b15", "{x}供货商招募", "为{y}配套，招募{x}供货商。"),
    ("b16", "{x}急购", "{y}车间急购{x}，现款。"),
    ("b17", "找{x}", "找{x}，用在{y}里面，要求质量稳定"),
    ("b18", "{y}用{x}", "长期需要，欢迎报价"),
    ("b19", "购买{x}", "我们需要购买{x}来生产{y}。"),
    ("b20", "采购意向：{x}", "拟于下季度采购{x}，用于{y}，欢迎洽谈。"),
    ("b21", "{x}，{y}用", ""),
    ("b22", "我们需要{x}", "应用场景：{y}。"),
    ("b23", "{x}批量采购", "本项目为{y}提供配套，需批量采购{x}。"),
    ("b24", "收购{x}", "大量收购{x}，{y}厂使用"),
    ("b25", "{x}哪里有", "{x}哪里有卖？做{y}用的。"),
    ("b26", "专精特新企业：{x}", "征集能提供{x}的专精特新企业，服务{y}产业。"),
    ("b27", "外购件：{x}", "{y}组装用外购件{x}，寻合格供方。"),
    ("b28", "需要大量{x}", "需要大量{x}，用来生产{y}，有货的联系"),
    ("b29", "{x}询价单", "我司生产{y}，现对{x}询价，请报含税价。"),
    (
        "b30",
        "【采购】{x}",
        "【需求说明】{y}线体扩产，需{x}，数量面议。\n【联系方式】王先生 13900000000",
    ),
    (
        "b31",
        "关于{x}的询价函",
        "致各供应商：\n我公司{y}项目需采购{x}，请于10日内报价。\n附：技术要求详见附件",
    ),
    ("b32", "竞价公告", "竞价标的：{x}\n竞价方式：网上竞价\n保证金：5000元\n标的用途：{y}"),
    ("b33", "{x}等物资采购", "为满足{y}的生产需求，特此采购{x}等物资。"),
    ("b34", "{y}厂扩建，寻{x}", ""),
    ("b35", "需求：{x}", "行业：{y}\n需求：{x}\n地区：不限"),
    ("b36", "求{x}报价", "{y}配套，{x}，量大从优，请附资质"),
    ("b37", "{x}（长期）", "公司做{y}，{x}需要长期稳定供应"),
    ("b38", "采购公告", "采购品名：{x}\n采购数量：20吨\n使用部门：{y}车间\n报价截止：2025-12-01"),
    ("b39", "{x}供应", "哪位有{x}供应？本人做{y}"),
    ("b40", "项目名称：{y}配套{x}采购", "详见附件"),
    (
        "b41",
        "单一来源采购公示",
        "拟采购项目：{x}\n拟定供应商：某某公司\n采购理由：{y}专用，唯一供应商",
    ),
    ("b42", "{x}需求信息发布", "需求企业：某{y}公司\n需求内容：{x}\n需求类型：采购\n有效期：30天"),
    ("b43", "想找做{x}的厂", "我们是{y}的，想找做{x}的厂，能打样的优先"),
    ("b44", "{x}招标", "第一包：{x}\n第二包：运输服务\n投标保证金：2万元"),
    ("b45", "询：{x}", "{y}用，急"),
    ("b46", "{x} 采购", "现需要{x}用于{y}，请有意向的供应商联系我们"),
    ("b47", "原料采购", "原料名称：{x}\n用途：{y}生产\n月需求：10吨\n付款：月结"),
    ("b48", "寻求{x}解决方案", "{y}企业寻求{x}解决方案提供商"),
    ("b49", "{x}比价", "序号 品名 数量\n1 {x} 100\n用于{y}"),
    ("b50", "{x}合格供应商征集公告", "一、征集范围：{x}\n二、用途：{y}\n三、报名方式：邮件报名"),
    ("b51", "帮忙找{x}", "朋友做{y}，帮忙找一下{x}的供应商，谢谢大家"),
    ("b52", "采购需求", "物资：{x}；用途：{y}；数量：若干；交货：一个月内"),
    ("b53", "{y}用{x}询价", "请报价"),
    ("b54", "求购：{x}", "产品用途：{y}；采购量：每月3吨；要求：提供样品"),
    ("b55", "{x}国产化", "{y}关键部件{x}国产化，寻求合作"),
    ("b56", "急！！{x}", "{y}产线停线待料，急需{x}，今天要货"),
    ("b57", "{x}年度框架采购", "本年度{y}生产所需{x}进行框架采购，欢迎报名。"),
    ("b58", "{x}代理商招募", "长期需要{x}，用于{y}。"),
)

NOTICES2: tuple[tuple[str, str, str], ...] = (
    (
        "c0",
        "{y}事业部2025年度{x}招标采购公告",
        "招标人：某某控股股份有限公司\n招标编号：ZB2025-0417\n1. 招标货物：{x}（详见技术规范书）\n2. 资格条件：具有{x}生产许可证或相关资质；近三年无不良记录\n3. 标书售价：500元/套，售后不退\n4. 开标地点：某市公共资源交易中心三楼\n5. 联系人：孙工，电话：0571-88****",
    ),
    (
        "c1",
        "竞争性磋商采购公告",
        "采购项目编号：JZCS-2025-0417\n采购项目名称：{y}生产用{x}采购\n采购方式：竞争性磋商\n预算金额：120万元\n采购需求：详见磋商文件第三章\n供应商资格要求：(一)具有独立承担民事责任的能力；(二)具有良好的商业信誉\n获取磋商文件时间：2025年5月6日至5月12日",
    ),
    (
        "c2",
        "比价采购通知",
        "各供应商：\n我司现有一批{x}需要比价采购，具体如下：\n品名：{x}\n规格：按样品\n数量：2000只\n用途：{y}配套\n请于2025年6月1日前将报价单盖章后发至采购部。",
    ),
    (
        "c3",
        "{x}采购询价单（第2期）",
        "询价单位：某某科技有限公司\n询价日期：2025-03-08\n┌─────┬─────┐\n│名称│{x}│\n│数量│50台│\n│用途│{y}│\n└─────┴─────┘\n备注：含税含运费",
    ),
    (
        "c4",
        "公开招募{x}合作供应商的公告",
        "为进一步保障{y}项目的物资供应，我单位现面向社会公开招募{x}合作供应商，有关事项公告如下：\n一、招募内容\n{x}的生产与供应。\n二、报名条件\n1. 注册资本不低于300万元；\n2. 具有一般纳税人资格。\n三、报名时间\n2025年8月1日至8月10日。",
    ),
    ("c5", "WeChat", "老铁们，{y}这边缺{x}，有渠道的吱一声，量不小"),
    ("c6", "询价", "您好，我们是做{y}的，想询一下{x}的价格，麻烦发下报价单和资质，谢谢！"),
    (
        "c7",
        "{x}公开比选公告（二次）",
        "比选人：某某集团物资公司\n项目概况：本次比选{x}，用于{y}。\n比选申请人资格：须为{x}生产厂家或其授权代理商。\n比选文件发售：2025年9月2日起\n比选保证金：1万元",
    ),
    (
        "c8",
        "招募公告",
        "项目：{y}\n招募内容：{x}供应商\n招募数量：3家\n入围期：2年\n报名邮箱：caigou@example.com",
    ),
    (
        "c9",
        "[采购需求]{x}",
        "产品名称:{x}\n应用领域:{y}\n年需求量:5000件\n目标价格:面议\n认证要求:无\n期望交货地:江苏苏州",
    ),
)


# A third round, the same way (own_mixed3): 补链 and 揭榜 needs, plans, one-line forms, chat.
MIXED3: tuple[tuple[str, str, str], ...] = (
    ("d0", "{y}产业链补链需求", "我市{y}产业链缺少{x}环节，现面向全国招引{x}生产企业落地。"),
    ("d1", "征集{x}技术攻关合作", "围绕{y}关键环节，征集{x}国产化研发团队，揭榜挂帅。"),
    (
        "d2",
        "关于{x}的需求",
        "需求方：某{y}龙头企业\n需求描述：年采购{x}约2000万元，希望对接省内优质供应商\n对接方式：线上洽谈",
    ),
    ("d3", "2025年第2批{x}采购", "本批次共需{x}300吨，用于{y}，分三次交货。"),
    ("d4", "{x}", "{y}制造，需要{x}配套，欢迎来厂考察"),
    ("d5", "长期采购", "公司长期大量采购{x}（{y}原料），欢迎来电。"),
    ("d6", "大宗采购：{x}", "采购方：{y}企业\n采购数量：500吨\n质量标准：国标一级"),
    ("d7", "采购{x}一批", "具体要求：\n1）用于{y}；\n2）提供检测报告；\n3）货到付款。"),
    ("d8", "{x}找货", "帮客户找{x}，做{y}的，量大，有货的老板私我"),
    ("d9", "求购{x}（{y}专用）", ""),
    ("d10", "配套需求发布", "需求产品：{x}\n应用行业：{y}\n需求数量：批量\n是否长期：是"),
    ("d11", "{y}项目{x}采购结果公示", "中标供应商：某某有限公司\n中标金额：58万元\n采购内容：{x}"),
    ("d12", "诚招{x}加工合作", "本公司从事{y}，现诚招{x}加工合作伙伴，来料加工亦可。"),
    ("d13", "{x}货源", "有没有{x}的货源？我们是{y}厂，每月用量稳定"),
    ("d14", "寻找国产{x}", "{y}设备上的进口{x}交期太长，寻找国产替代供应商。"),
    (
        "d15",
        "采购计划",
        "2025年度采购计划：\n序号1：{x}，数量100吨，用途{y}\n序号2：办公用品，若干",
    ),
    ("d16", "询价单", "物料：{x} 数量：1000 用途：{y} 交期：15天"),
    ("d17", "[求购] {x}", "[用途] {y}\n[数量] 若干\n[联系] 微信同号"),
    ("d18", "急需{x}货源", "{y}生产线急需{x}货源，量大从优，长期合作"),
    (
        "d19",
        "{x}需求对接会",
        "为促进{y}产业大中小企业融通，举办{x}供需对接会，欢迎{x}生产企业参会。",
    ),
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
    sets = (
        ("own_notice", NOTICES),
        ("own_free", FREE),
        ("own_notice2", NOTICES2),
        ("own_free2", FREE2),
        ("own_mixed3", MIXED3),
    )
    for name, templates in sets:
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
