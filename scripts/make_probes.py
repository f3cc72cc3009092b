"""Write the project's own robustness probes: needs rewritten as notices and free text.

Usage::

    .venv/bin/python scripts/make_probes.py --source ../shared/data/bench/need_supplier_dev.jsonl \
        --out /tmp/own_probes

Writes ``own_notice.jsonl``, ``own_free.jsonl``, ``own_notice2.jsonl``, ``own_free2.jsonl``,
``own_mixed3.jsonl`` to ``own_mixed7.jsonl``, ``own_mixed7b.jsonl``, ``own_mixed8.jsonl``, ``own_mixed8b.jsonl``,
``own_mixed9.jsonl``, ``own_mixed9b.jsonl``, ``own_mixed10.jsonl``, ``own_mixed10b.jsonl``,
``own_mixed10c.jsonl``, ``own_mixed10d.jsonl``
(same format as the benchmark files:
``id``, ``need`` with ``title`` and ``description`` only, ``relevant`` copied unchanged) from
the structured needs whose product and application do not contain each other. Every 7th need
by a hash of its id is used, spread round-robin over the templates below.

The templates were written for this project, independently of the shared dev probes
(``probe_dev_notice.jsonl``) and of ``scripts/evaluate.py --perturb``: other notice types
(政府采购 公开招标, 竞争性磋商 with a table, 询比价 with a markdown table, 采购意向公开, an
e-mail RFQ, a marketplace 求购 post, 采购申请单, 框架协议入围, chat messages) and other free-text
phrasings. ``NOTICES`` and ``FREE`` were written before the reader was tuned (it then scored
0.889 and 0.905 NDCG@10 on them); ``NOTICES2``, ``FREE2`` and ``MIXED3`` to ``MIXED5`` later, to find what
it still got wrong. ``MIXED6`` was written blind on 2026-12-04, by a helper who had not read the
reader's code, from kinds absent from the earlier rounds and the shared dev probes (单一来源 征求意见,
an Excel list pasted into a 竞争性谈判, 邀请招标 with 技术参数, a 物资需求计划 with one principal
item, 揭榜挂帅, emoji, dictated speech, bilingual e-mails …); it scored 0.657 NDCG@10 on its first
run. ``MIXED7`` was written on 2026-12-04 by another helper, before the reader was run on it, from
kinds none of rounds 1–6 or the shared dev probes use (采购意向 table rows, 流标 后 重新招标, 磋商文件
chapters, 供应商库 入库 征集 by categories, @mentions and 【】, voice-to-text with homophone slips,
an OCR'd scan, a bilingual RFQ table, a 采购清单 whose principal item is not the first row, a 网上商城
询比价单, 紧急采购, a 技术交流 invitation, 包1/包2, a reply-chain e-mail, 废标, 标项, a markdown form,
a web form, a 招标计划); it scored 0.740 NDCG@10 on its first run (0.754 tune / 0.709 held-out
part of its ids), 0.976 (0.969 / 0.990) after general fixes. ``MIXED7B`` was written after those
fixes, before the reader was run on it: the same kinds in other words. It scored 0.674 (0.701 /
0.625) on its first run (0.584 with the reader as it was before round 7): the fixes of a round
carry only partly to other wordings of the same kinds. ``MIXED8`` was written on 2026-12-04 by a
helper before the reader was run on it, from kinds none of rounds 1–7b or the shared dev probes use
(政府采购合同公告, 中标（成交）结果公告, 单一来源 审核前公示, an MRO 竞价公告 with SKU lines, a 工程量清单,
密级 boilerplate, 备件 for a named machine, a cancelled need, a 招标文件 目录, a traditional-character
詢價 from Hong Kong, a 朋友圈 post with hashtags, a markdown quotation table); it scored 0.671 NDCG@10
on its first run (0.719 tune / 0.596 held-out), 0.974 (0.971 / 0.979) after general fixes chosen
on its tune part (hashtags, spare-part labels, 第X章 chapters, a 单一来源 公示's description field, a project name that only repeats the title).
``MIXED8B`` was written after those fixes, before the reader was run on it: the same kinds in
other words. It scored 0.943 (0.948 / 0.930) on its first run (0.745 with the reader as it was
before round 8), 0.973 after a Cantonese fold and 有没有货 read as a want. ``MIXED9`` was written on
2026-12-04 by reader9 before reading the reader's code or running it, from 16 kinds none of rounds
1–8b or the shared dev probes use (a 国企 e-procurement 寻源公告, a 竞争性谈判 报价一览表, a 分包 table
with 最高投标限价, a 市场调研 notice, a 招标文件澄清 Q&A, a DingTalk 审批单, a machine-translated
overseas inquiry, short-video comments, a 对接会 回执 with 主营产品, a 1688-style 求购单 with 材质, a
采购订单 PDF dump with its header broken over lines, a 产学研 需求表, a 样件试制 need, a 备品备件 协议
with 物料编码, an e-mail naming the goods only in its attachments, a 机电产品国际招标); it scored
0.688 NDCG@10 on its first run (0.654 tune / 0.741 held-out), 0.966 (0.968 / 0.966) after general
fixes chosen on its tune part (labels ending in 号, a title's ｜ and bracketed number, bracketed units
in table headers, attached file names, 审批流程, 主营产品, 对X感兴趣, a clarification's questions, 国际招标,
样件/性能提升/依赖外购). ``MIXED9B`` was written after those fixes, before the reader was run on it:
the same kinds in other words. It scored 0.735 (0.736 / 0.734) on its first run (0.675 with the
reader as it was before round 9), 0.968 (0.974 / 0.957) after fixes chosen on its tune part (a form's
blank, 投标货物, an introducing sentence before Q/A, a compound label, a row of building works, a PDF
header's column words, a lone procurement verb, 材料 as a spec); round 9 then 0.9675 (0.969 / 0.966).
``MIXED10`` was written on 2026-12-04 by reader10 before reading the reader's code or running it:
free text as people in firms write it (a purchasing manager's paragraph with background — 产能扩张,
原供应商停产, 降本, 国产替代; an engineer describing the problem and naming the part once; a part
named by its role with its name in brackets; 不需要X，要的是Y; 类似X但要求更高; three goods with one
principal by quantity; a GB/T number and a model number; a factory boss's 口语 with 方言词; 哪家能做Y？;
English mixed into Chinese; a 行业协会 forwarding a member's need; a 招募-style ad; a WeChat 转:
relay; specs first, the product last). It scored 0.565 NDCG@10 on its first run (0.629 tune /
0.466 held-out), 0.976 (0.968 / 0.987) after general fixes chosen on its tune part (a denied want,
a fault traced to a part, goods still imported or to be localised, the largest input, 新增X供应商,
ratios, targets, specs and price terms as not goods); the structured needs behind it score 0.974.
``MIXED10B`` was written after those fixes, before the reader was run on it: the same kinds in
other words. It scored 0.645 (0.658 / 0.627) on its first run (0.637 with the reader as it was
before round 10), 0.976 (0.967 / 0.989) after fixes chosen on its tune part (a cause found in a
part, the one part still foreign, the largest cost, 以上为X的要求, 缺一样东西：…（也就是X）, a
labelled model number, a cue alone, Y主料). ``MIXED10C`` was written after round 10b's fixes, before
the reader was run on it: the same kinds in a third wording. It scored 0.566 (0.555 / 0.584) on its
first run (0.561 with the reader as it was before round 10), 0.974 (0.970 / 0.980) after fixes
chosen on its tune part (a fault's cause, goods held by foreign makers, the largest spend, 满足以上
条件的X, 新引入至少一家X供方, a workshop's request, second source, a standard's number). Rounds
10, 10b and 10c say the same thing: a round's fixes lift its own wording to the structured needs'
level and carry almost nothing to another wording of the same kinds of prose. ``MIXED10D`` was written
after round 10c's fixes, before the reader was run on it, and is kept out of tuning: a fourth wording,
a measure of prose the rules have not seen. It scored 0.504 (0.531 tune / 0.459 held-out) on its first
run, below the reader before round 10 (0.546): one of round 10's not-goods words (靠谱) dropped a phrase
holding the goods; without it 0.558 (4 needs up, none down against the reader before round 10).
All but ``MIXED10D`` were then used
for tuning: they say how the reader does on phrasings nobody shared with it, not how it does on
unseen ones.
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


# A fourth round (own_mixed4): 集采, a broken part, a plan list, a 请示, a pipe table, 招商.
MIXED4: tuple[tuple[str, str, str], ...] = (
    (
        "e0",
        "{x}年度集采公告",
        "为规范{y}板块物资采购，现就{x}组织年度集中采购，有意向单位请于截止日前登录平台报名。\n采购人：某能源集团\n代理机构：某招标公司",
    ),
    ("e1", "紧急求助", "我们{y}车间的{x}坏了，急需同型号的，哪位有库存？"),
    ("e2", "请推荐{x}供应商", "我司为{y}龙头，计划新增2家{x}供应商，请各位推荐。"),
    ("e3", "{x}比选", "一、比选标的\n{x}\n二、用途\n{y}\n三、比选人资格\n具有有效的营业执照"),
    ("e4", "采购清单", "1、{x} 20箱\n2、打印纸 5箱\n3、签字笔 10盒\n以上用于{y}部门"),
    ("e5", "寻{x}生产商", "需求说明：{y}新品开发，需要定制{x}，欢迎有开模能力的生产商联系"),
    ("e6", "{x}", "本公司{y}项目所用{x}，现公开征集意向供应商"),
    ("e7", "采购信息", "品名/规格：{x}\n数量：以实际为准\n送货地址：某工业园\n发票：13%专票"),
    (
        "e8",
        "{x}采购招标文件",
        "第一章 招标公告\n1.1 招标项目：{x}采购\n1.2 资金来源：自筹\n1.3 招标范围：{x}的供货、运输、卸车\n第二章 投标人须知",
    ),
    ("e9", "求{x}", "急求{x}，我是做{y}的，谁家有现货速度联系！！"),
    ("e10", "{y}行业需求：{x}", "需求等级：A\n需求数量：10万件/年\n目标价：面议"),
    (
        "e11",
        "{x}意向采购",
        "本单位因{y}需要，意向采购一批{x}，请符合条件的供应商提供报价及产品资料。",
    ),
    ("e12", "关于采购{x}的请示", "为保证{y}正常运转，拟采购{x}一批，预算5万元，妥否，请批示。"),
    ("e13", "{x}招商", "招商对象：{x}生产企业\n招商园区：某{y}产业园\n优惠政策：三年免租"),
    ("e14", "采购需求表", "需求名称|数量|用途\n{x}|3000|{y}"),
)


# A fifth round (own_mixed5): 标段 tenders, ① item lists, 询价邀请, 供需信息, 入库 征集.
MIXED5: tuple[tuple[str, str, str], ...] = (
    (
        "f0",
        "{x}采购项目（第一次）招标公告",
        "受{y}事业部委托，某招标代理有限公司对{x}采购项目进行公开招标。\n标段划分：本项目划分为1个标段\n交货期：合同签订后60日历天\n投标人资格：（1）具备{x}生产能力；（2）近三年财务状况良好",
    ),
    ("f1", "寻{x}", "我们是生产{y}的工厂，一直在用进口的{x}，现在想换国产的，有做的朋友吗？"),
    ("f2", "{x}供需信息", "供需类型：求购\n产品：{x}\n行业：{y}\n区域：华东"),
    ("f3", "比价：{x}", "{y}装配线备件，{x}×50件，周五前报价"),
    (
        "f4",
        "{y}产线新建项目设备采购",
        "设备清单：\n① {x}\u30002台\n② 配套控制柜\u30001套\n③ 安装调试服务",
    ),
    ("f5", "询价邀请", "我司就{y}生产所需之{x}发出询价邀请，请贵司于收到后三日内报价。"),
    (
        "f6",
        "{x}采购",
        "主要参数：按我方图纸\n质量要求：符合国家标准\n验收方式：到货抽检\n用途说明：{y}",
    ),
    ("f7", "有偿征集{x}供应渠道", "本平台为{y}企业征集{x}供应渠道，成功对接奖励500元。"),
    ("f8", "{x}，{y}", "长期稳定需求，欢迎厂家报价"),
    ("f9", "采购{x}", "为降本增效，{y}部拟将{x}由外协改为集中采购，现征集合格供方。"),
    ("f10", "【比选】{y}项目{x}", "比选内容：{x}（含运输）\n比选方式：综合评分法"),
    ("f11", "物资需求", "需求单位：{y}分厂\n物资名称：{x}\n需求时间：2025年10月"),
    ("f12", "{x}长期收", "常年收购{x}，{y}用，量大价优"),
    ("f13", "订购{x}", "订购{x}用作{y}原料，请提供COA和MSDS。"),
    ("f14", "征集公告", "现面向社会征集{x}（用于{y}）合格供应商入库。"),
)


# A sixth round (own_mixed6), written blind on 2026-12-04 before reading the reader's code, then
# used for tuning: 单一来源 征求意见, an Excel list pasted into a 竞争性谈判, 邀请招标 with 技术参数,
# a 物资需求计划 with one principal item, 年度框架协议 征集, 合作伙伴招募, 揭榜挂帅 goals, a group
# message with emoji, dictated speech without punctuation, bilingual e-mails, a 询价 with long
# 报价须知 and 资格要求, a title naming a project, a 更正公告, and a 网上竞价 notice.
MIXED6: tuple[tuple[str, str, str], ...] = (
    (
        "g0",
        "{y}配套项目单一来源采购征求意见公示",
        "一、项目信息\n采购人：某某装备制造有限公司\n项目名称：{y}配套项目\n拟采购的货物：{x}（原厂配套）\n"
        "采购预算：86万元\n二、拟定唯一供应商名称、地址\n某某科技有限公司，江苏省无锡市新吴区\n"
        "三、采用单一来源采购方式的原因及说明\n现有设备为该供应商生产，为保证与原有系统兼容一致，需继续向其采购。\n"
        "四、专业人员论证意见\n论证专家：李某（高级工程师）、王某（教授级高工）\n"
        "五、公示期限\n2026年3月2日至2026年3月6日（5个工作日）\n"
        "六、其他补充事宜\n任何供应商、单位或个人对采用单一来源方式有异议的，可在公示期内书面反馈。",
    ),
    (
        "g1",
        "竞争性谈判公告（TP-2026-018）",
        "谈判内容：本次采购共1个包，采购清单如下（详见附件Excel）：\n"
        "序号\t物资名称\t规格型号\t单位\t数量\t备注\n"
        "1\t{x}\t详见技术要求\t套\t40\t{y}用\n"
        "2\t随机备件\t原厂\t批\t1\t\n"
        "3\t专用工具\t\t套\t2\t随货提供\n"
        "供应商须知：谈判小组由采购人代表和评审专家共5人组成，按最低评标价法确定成交供应商。\n"
        "首次响应文件递交截止：2026年4月15日9:00\n联系电话：023-6701****",
    ),
    (
        "g2",
        "{x}采购邀请招标书",
        "致：受邀投标人\n我公司决定对{x}进行邀请招标，现邀请贵单位参加投标。\n"
        "第一部分 投标须知\n1.投标有效期：90日历天\n2.投标保证金：2万元\n"
        "第二部分 商务条款\n付款方式：到货验收合格后支付90%，质保期满支付10%。\n"
        "第三部分 技术参数\n3.1 用途：用于{y}\n3.2 执行标准：符合现行国家标准及行业标准\n"
        "3.3 质保期：不少于24个月\n3.4 包装运输：满足长途运输要求\n第四部分 投标文件格式",
    ),
    (
        "g3",
        "2027年1月份物资需求计划",
        "编制单位：{y}分公司供应科\n"
        "序号 物资名称 计划数量 计量单位 需求日期 说明\n"
        "1 {x} 800 件 1月10日 主材，生产急需\n"
        "2 劳保手套 120 副 1月15日\n"
        "3 A4复印纸 20 箱 1月15日 办公\n"
        "审核：张某  批准：刘某",
    ),
    (
        "g4",
        "2027—2028年度{x}框架协议供应商征集公告",
        "为保障我集团{y}业务持续稳定运行，经研究，决定公开征集{x}年度框架协议供应商。\n"
        "一、征集范围：集团下属各成员单位生产所需{x}。\n二、协议期限：两年，期满经考核合格可续签一年。\n"
        "三、入围数量：不超过4家。\n四、报名须知：报名单位须在集团电子采购平台完成注册，"
        "未完成注册的报名无效。\n五、保证金：本次征集不收取保证金。",
    ),
    (
        "g5",
        "生态合作伙伴招募启事",
        "某某控股是国内领先的{y}企业。为完善供应链布局，现面向社会招募{x}方向的合作伙伴，纳入合格供应商库。\n"
        "招募要求：\n（1）在中国大陆依法注册的企业法人；\n（2）具备研发能力，拥有自主知识产权者优先；\n"
        "（3）通过ISO9001质量管理体系认证。\n合作方式：联合开发、批量供货、战略入股均可。\n"
        "报名方式：请将企业介绍发送至邮箱partner@example.com，邮件标题注明“合作伙伴招募+企业名称”。",
    ),
    (
        "g6",
        "“揭榜挂帅”技术需求榜单（2026年第二批）",
        "榜单名称：高性能{x}研制\n发榜单位：某某集团股份有限公司\n"
        "需求背景：目前{y}领域所用{x}主要依赖进口，供货周期长、价格高，存在“卡脖子”风险。\n"
        "攻关目标：1.关键性能指标达到国际同类产品水平；2.实现小批量试制并通过用户验证；3.成本较进口降低30%以上。\n"
        "榜单金额：300万元\n实施周期：2年\n揭榜方条件：国内注册的企业、高校或科研院所，可联合揭榜。",
    ),
    (
        "g7",
        "🔥求购🔥",
        "各位群友好👋\n📢 长期求购：{x}\n✅ 我们做{y}的\n✅ 量大，月结\n"
        "💰 价格好说\n📞 有货的直接打电话 139****8866（微信同号）\n🙏 中介勿扰，谢谢🙏",
    ),
    (
        "g8",
        "语音消息转文字",
        "喂你好啊我是那个做{y}的小王啊就是想问一下你们那边有没有认识做{x}的厂家我们这边现在用量挺大的"
        "之前那家老是断货然后价格也涨了所以想换一家你帮忙问问看有的话发个联系方式给我谢谢啊",
    ),
    (
        "g9",
        "Request for quotation",
        "Dear Sales Team,\nWe are a manufacturer of {y} and are currently sourcing {x}. "
        "Could you please send us your price list, MOQ and lead time?\n"
        "Our annual demand is about 20 tons.\nLooking forward to your reply.\n"
        "Best regards,\nAmy Chen\nPurchasing Manager\nTel: +86 21 5888 ****",
    ),
    (
        "g10",
        "询价函（XJ-2026-0315）",
        "各供应商：\n我公司拟采购一批{x}，现邀请贵公司报价。\n"
        "一、报价须知\n1.报价为含13%增值税、运费、装卸费的到厂价；\n2.报价单须加盖公章，传真或扫描件有效；\n"
        "3.报价有效期60天；\n4.最低价不作为成交的唯一依据。\n"
        "二、供应商资格要求\n1.注册资本不少于500万元人民币；\n2.近六个月内为不少于10名员工缴纳社保；\n"
        "3.未被“信用中国”网站列入失信被执行人、重大税收违法案件当事人名单；\n"
        "4.具有一般纳税人资格；\n5.近三年无质量事故。\n"
        "三、联系方式\n商务联系人：周经理 0531-8886****\n技术联系人：吴工 135****7720\n"
        "地址：山东省济南市历城区某某路88号",
    ),
    (
        "g11",
        "某某新材料产业园二期建设项目物资采购公告",
        "项目名称：某某新材料产业园二期建设项目\n建设单位：某某新材料有限公司\n"
        "项目概况：二期项目总投资12亿元，建成后年产{y}5万吨。\n"
        "本次采购内容：{x}\n交货地点：项目现场\n"
        "投标人资格：具备相应供货能力，近三年有类似业绩\n招标文件发售：2026年5月8日至5月14日",
    ),
    (
        "g12",
        "关于{x}采购项目的更正公告",
        "原公告名称：{x}采购项目招标公告\n原公告发布日期：2026年6月1日\n"
        "更正事项：\n1.投标截止时间由2026年6月20日9:30更正为2026年6月27日9:30；\n"
        "2.开标地点由三楼会议室更正为五楼开标室。\n其他内容不变。\n特此公告。",
    ),
    (
        "g13",
        "网上竞价公告",
        "竞价单位：某某集团物资采购中心\n竞价标的：{x}（用于{y}）\n竞价方式：网上反向竞价，限时30分钟\n"
        "起拍价：45万元，降价幅度不低于2000元\n竞价时间：2026年7月9日14:00—14:30\n"
        "参与条件：已在平台注册并缴纳竞价保证金5000元",
    ),
    (
        "g14",
        "关于采购原材料的咨询",
        "您好，我司是一家外资企业，主要产品为{y}。现需采购一种原材料（{x}），"
        "请问贵司是否可以供货？如可以，请提供报价及规格书（TDS），谢谢！\n\n"
        "Kind regards,\nJohn Li | Sourcing Dept.",
    ),
)


# A seventh round (own_mixed7), written on 2026-12-04 by a helper before running the reader on
# it, from kinds none of the earlier rounds or the shared dev probes use: a 采购意向 table with
# several rows, a 流标 后 重新招标, a 磋商文件 with chapters and ★ clauses, a 供应商库 入库 征集
# by categories, a group message with @mentions and 【】, voice-to-text with filler words and
# homophone slips, an OCR'd scan (spaces inside words, a name broken over two lines), a
# bilingual RFQ table, a 采购清单 whose principal item is not the first row, a 网上商城 询比价单
# with the page's buttons, 紧急采购, a 技术交流 invitation, 年度集采 with 包1/包2, a reply-chain
# e-mail, a 废标公告, a 标项 block (浙江 style), a markdown form with bold labels, a web form
# submission and a 招标计划 预告. ``{xs}`` is the goods with a space between characters,
# ``{xa}``/``{xb}`` its two halves.
MIXED7: tuple[tuple[str, str, str], ...] = (
    (
        "h0",
        "某某市交通运输局2027年1至3月政府采购意向",
        "为便于供应商及时了解政府采购信息，根据有关规定，现将本单位采购意向公开如下：\n"
        "序号\t采购项目名称\t采购需求概况\t预算金额（万元）\t预计采购时间\t备注\n"
        "1\t办公楼物业管理服务\t保洁、保安、绿化养护\t68\t2027年1月\t\n"
        "2\t{x}购置项目\t购置{x}一批，用于{y}\t95\t2027年2月\t\n"
        "3\t年度审计服务\t财务收支审计\t12\t2027年3月\t\n"
        "本次公开的采购意向是本单位政府采购工作的初步安排，具体采购项目情况以相关采购公告和采购文件为准。",
    ),
    (
        "h1",
        "{y}用{x}采购项目（第二次）重新招标公告",
        "本项目于2027年1月18日首次开标，因递交投标文件的投标人不足三家，依法流标。"
        "经采购人同意，现重新组织招标，欢迎符合条件的供应商参加。\n"
        "一、招标内容：详见第一次公告，技术要求不变\n二、投标截止时间：2027年2月10日9:30\n"
        "三、投标保证金：1.5万元（第一次已缴纳的可转入本次）\n四、联系人：陈工 0371-6551****",
    ),
    (
        "h2",
        "竞争性磋商文件（项目编号：CS2027-0063）",
        "第一章 磋商邀请\n某某实业有限公司对下述项目进行竞争性磋商，欢迎合格供应商参加。\n"
        "第二章 供应商须知\n2.1 磋商保证金：人民币壹万元整\n2.2 响应文件份数：正本一份，副本三份\n"
        "第三章 采购需求\n一、项目概述\n本项目采购{x}，交付后用于{y}。\n二、技术要求\n"
        "★1. 所投产品须为全新原装正品，符合国家强制性标准；\n★2. 质保期不少于两年；\n"
        "3. 提供近三年同类产品销售合同复印件。\n第四章 评审办法\n综合评分法：价格30分，技术50分，商务20分。\n"
        "第五章 合同主要条款",
    ),
    (
        "h3",
        "2027年度合格供应商入库征集公告",
        "为完善公司供应商资源库，现面向社会公开征集合格供应商，欢迎符合条件的单位报名入库。\n"
        "一、征集类别\nA类：生产性物资（{x}等{y}用原辅材料）\nB类：设备备品备件\nC类：劳保及办公用品\n"
        "二、入库条件\n1.具有独立法人资格；2.近三年无重大违法记录。\n"
        "三、入库有效期：三年，实行动态考核管理。",
    ),
    (
        "h4",
        "群消息",
        "@张总 @采购-李经理 【急】客户这边要{x}，【用途】{y}，【数量】先来一批试用，"
        "有靠谱厂家的麻烦推一下 [抱拳][抱拳]",
    ),
    (
        "h5",
        "语音转文字",
        "嗯那个喂，你好你好，呃我这边是那个就是做{y}的哈，然后呢我们想那个采购一点{x}，"
        "对对对就是{x}，嗯数量的话大概先要个五顿吧，你们给报个架，含税的哈，要开专漂的，"
        "嗯然后那个交货期的话越快越好，好嘞好嘞那就先这样",
    ),
    (
        "h6",
        "采 购 公 告",
        "项 目 名 称 ：{y}车间物资采购\n采购内容：本次采购{xa}\n{xb}一批，具体数量详见附\n件清单。"
        "\n报 价 截 止 时 间 ：2027 年 3 月 1 日\n采 购 单 位 ：某某有限公 司\n"
        "（本页扫描件，如有不清请来电核实）\n标的名称：{xs}",
    ),
    (
        "h7",
        "RFQ 询价单 No. 2027-015",
        "Item 序号 | Description 品名 | Qty 数量 | Unit 单位 | Remarks 备注\n"
        "1 | {x} | 200 | PCS 个 | for {y} 用于{y}\n"
        "Delivery 交货: FOB Shanghai 上海港\nPayment 付款: T/T 30 days\n"
        "Please quote before Jan 20. 请于1月20日前报价。",
    ),
    (
        "h8",
        "{y}生产线3月份原辅料采购清单",
        "序号|名称|规格型号|单位|数量|备注\n1|瓦楞纸箱|五层 60×40×40|只|2000|包装用\n"
        "2|不干胶标签|100×70|卷|50|\n3|{x}|按技术协议|批|1|主要原料，{y}用\n"
        "4|缠绕膜|50cm|卷|30|\n5|劳保手套|均码|副|200|",
    ),
    (
        "h9",
        "商城询比价单 XBJ20270112003",
        "首页 > 询比价大厅 > 询价详情\n询价单状态：报价中　剩余时间：2天3小时\n"
        "商品名称：{x}\n品牌：不限\n型号：详见附件\n采购数量：10\n计量单位：台\n"
        "需求单位：{y}事业部\n收货地址：湖北省武汉市东湖高新区\n"
        "我要报价　收藏　分享\n温馨提示：请在报价截止前完成报价，逾期系统自动关闭",
    ),
    (
        "h10",
        "紧急采购公告",
        "采购方式：紧急采购\n因{y}装置突发故障停车，现需紧急采购{x}，要求到货时间不超过48小时。\n"
        "请有现货的供应商于今日17:00前将报价单（注明品牌、产地、现货数量）发送至邮箱。\n"
        "本次采购不收取保证金，货到验收合格后15日内付款。",
    ),
    (
        "h11",
        "供应商技术交流邀请函",
        "尊敬的合作伙伴：\n我司研发中心正在开展{y}新一代产品开发，拟就{x}的技术路线与国内供应商进行交流，"
        "诚邀贵司派技术人员参会。\n交流时间：2027年4月中旬（具体另行通知）\n交流形式：技术汇报+样品展示\n"
        "报名回执：请于3月31日前回复参会人员名单。",
    ),
    (
        "h12",
        "2027年度物资集中采购招标公告（第一批）",
        "招标人：某某能源集团有限公司\n本批次共划分为两个标包：\n包1：{x}（A型），数量300套，用于{y}\n"
        "包2：{x}（B型），数量120套，用于{y}\n投标人可对一个或多个标包投标，按包评标、按包授予合同。\n"
        "招标文件获取：电子招投标平台",
    ),
    (
        "h13",
        "回复: RE: {x}报价事宜",
        "王经理您好，\n价格我们内部再核一下，周三前给您回复。\n\n"
        "------------------ 原始邮件 ------------------\n发件人: 王强\n发送时间: 2027年1月8日 10:21\n"
        "主题: RE: {x}报价事宜\n\n刘工，报价单已附上，请查收，交期约四周。\n\n"
        "> 发件人: 刘工\n> 主题: {x}报价事宜\n> 王经理，我们是做{y}的，需要采购一批{x}，"
        "麻烦报个价并附上规格书，谢谢。",
    ),
    (
        "h14",
        "{x}采购项目废标公告",
        "项目编号：HB-2027-0211\n项目名称：{x}采购项目\n废标原因：实质性响应招标文件的投标人不足三家。\n"
        "后续安排：采购人将另行组织采购，请关注后续公告。\n公告期限：1个工作日\n采购人：某某{y}有限公司",
    ),
    (
        "h15",
        "公开招标公告",
        "项目编号：ZJ-GK-2027-0088\n项目名称：{y}设备更新项目\n预算金额（元）：1,260,000\n"
        "标项一：\n标项名称：{x}\n数量：1\n预算金额（元）：1,260,000\n"
        "简要规格描述或项目基本概况介绍、用途：采购{x}，用于{y}，详见招标文件第三部分\n"
        "合同履约期限：合同签订后90天内交货\n本标项不接受联合体投标",
    ),
    (
        "h16",
        "**采购需求单**",
        "- **需求单位**：{y}项目组\n- **采购内容**：{x}\n- **预计数量**：约500件\n"
        "- **期望交期**：两周内\n- **备注**：需提供样品，*含税含运*",
    ),
    (
        "h17",
        "在线需求提交",
        "姓名：张先生\n公司名称：某某{y}科技有限公司\n联系电话：138****2201\n需求类型：采购\n"
        "需求描述：{x}\n提交时间：2027-01-05 10:22:41\n来源页面：首页-联系我们",
    ),
    (
        "h18",
        "招标计划公示",
        "招标人：某某建设集团\n招标项目名称：{y}项目{x}采购\n招标方式：公开招标\n"
        "预计招标时间：2027年第二季度\n计划发布时间：2027年3月1日\n"
        "说明：本计划仅供潜在投标人参考，最终以正式招标公告为准。",
    ),
)


# A check on round 7's fixes (own_mixed7b), written on 2026-12-04 after them and before the
# reader was run on it: the same kinds of text in other words (入库 categories under （一）,
# English-first bilingual headers in a tab table, a principal item marked in a 用途 column, a
# 留言内容 form, a 技术研讨会, voice-to-text, an OCR'd 招标物资, an English reply chain, a pipe
# 意向 table, a failed first 询价, 标段 rows, a forwarded chat record).
MIXED7B: tuple[tuple[str, str, str], ...] = (
    (
        "i0",
        "关于征集2027年度合格供应商的公告",
        "一、征集品类\n（一）原料类：{x}、助剂\n（二）包装类：纸箱、托盘\n二、报名要求\n"
        "营业执照、近一年财务报表",
    ),
    (
        "i1",
        "Quotation Request 报价邀请",
        "Part No.\tPart Name 零件名称\tQuantity 数量\tNote 备注\n"
        "A-102\t{x}\t500\tfor {y} line\nKindly send your best offer. 请报最优价。",
    ),
    (
        "i2",
        "{y}分厂物资申购表",
        "序号\t物资名称\t数量\t用途\n1\t线手套\t100副\t劳保\n2\t{x}\t2批\t主要生产物资\n"
        "3\t扫帚\t10把\t卫生",
    ),
    (
        "i3",
        "【客户留言】",
        "联系人：刘女士\n手机：186****0032\n所在行业：{y}\n留言内容：{x}\n留言时间：2027-02-11",
    ),
    (
        "i4",
        "技术研讨会邀请",
        "我院拟于下月举办{x}技术研讨会，重点讨论其在{y}中的应用，诚邀相关生产企业参会并介绍技术方案。",
    ),
    (
        "i5",
        "语音输入",
        "额那个就是我们{y}厂这边要进一批{x}哈数量大概十来顿吧然后要专票的麻烦尽快给个报架",
    ),
    (
        "i6",
        "招 标 公 告",
        "招 标 编 号：ZB-07-33\n招标物资：{xs}\n用 途：{y}\n投 标 截 止：2027 年 4 月 2 日",
    ),
    (
        "i7",
        "RE: RE: Inquiry",
        "Thanks Tom, noted.\n\n-----Original Message-----\nFrom: Lily Wang\nSubject: Inquiry for {x}\n"
        "Hi Tom, we are a {y} maker and need {x} for a new line. Please quote.\nBR, Lily",
    ),
    (
        "i8",
        "2027年第二季度采购意向公开",
        "| 序号 | 采购项目名称 | 采购需求概况 | 预算（万元） |\n| --- | --- | --- | --- |\n"
        "| 1 | {x}采购 | {x}若干，用于{y} | 40 |\n| 2 | 食堂食材配送服务 | 蔬菜肉类配送 | 30 |",
    ),
    (
        "i9",
        "{x}询价采购（二次）公告",
        "首次询价因有效报价单位不足三家而失败，现进行第二次询价。\n询价内容：同首次公告\n"
        "报价截止：2027年3月20日",
    ),
    (
        "i10",
        "{y}项目招标",
        "标段\t名称\t数量\n一标段\t{x}\t20套\n二标段\t{x}安装服务\t1项",
    ),
    (
        "i11",
        "[聊天记录]",
        "张经理 10:02\n有人做{x}吗？\n李工 10:05\n@张经理 你们做{y}的要多少？\n张经理 10:06\n先要三吨试试",
    ),
)


# An eighth round (own_mixed8), written on 2026-12-04 by reader8 before running the reader on it,
# from kinds none of rounds 1–7b or the shared dev probes use: a 政府采购合同公告 with 合同名称 and a
# 主要标的信息 table, a 中标（成交）结果公告 listing the won item, a 单一来源 审核前公示 with 拟采购的
# 货物, an MRO-platform 竞价公告 with SKU lines, a 工程量清单 line list, a 采购需求 with 密级
# boilerplate, a 备件 purchase naming the machine the spares are for, a message that cancels one
# need and names another, a 招标文件 目录, a traditional-character 詢價 from Hong Kong with English
# units, a 朋友圈 求购 post with hashtags and a quotation request whose markdown table has the
# goods in its 2nd column.
MIXED8: tuple[tuple[str, str, str], ...] = (
    (
        "j0",
        "某某大学{y}实验室建设项目合同公告",
        "一、合同编号：HT-2027-0415\n二、合同名称：{y}实验室{x}购置合同\n三、项目编号：DX-2027-031\n"
        "四、合同主体\n采购人（甲方）：某某大学\n供应商（乙方）：某某科技有限公司\n"
        "五、合同主要信息\n主要标的名称：{x}\n规格型号（或服务要求）：详见合同附件\n"
        "主要标的数量：3\n主要标的单价：86000元\n合同金额：25.8万元\n履约期限、地点等简要信息：签订后60日内交货至甲方指定地点\n"
        "采购方式：公开招标\n六、合同签订日期：2027年4月12日",
    ),
    (
        "j1",
        "{y}项目中标（成交）结果公告",
        "一、项目编号：SC-2027-118\n二、项目名称：{y}项目\n三、中标（成交）信息\n供应商名称：某某贸易有限公司\n"
        "中标（成交）金额：58.6万元\n四、主要标的信息\n货物类：名称：{x}　品牌：国产　规格型号：定制　数量：1批　单价：58.6万元\n"
        "五、评审专家名单：王某、李某、赵某\n六、代理服务收费标准及金额：8790元\n七、公告期限：自本公告发布之日起1个工作日",
    ),
    (
        "j2",
        "单一来源采购方式审核前公示",
        "一、采购人名称：某某研究院\n二、采购项目名称：{y}平台升级改造\n三、拟采购的货物或服务的说明：拟采购{x}1套，"
        "须与现有系统完全兼容\n四、采购预算：120万元\n五、单一来源采购理由：只能从唯一供应商处采购\n"
        "六、拟定供应商名称：某某股份有限公司\n七、公示期限：2027年5月6日至5月12日",
    ),
    (
        "j3",
        "竞价公告【JJ202705210017】",
        "竞价单位：某某{y}有限公司\n竞价方式：反向竞价　报价轮次：3轮\n"
        "SKU编码\t商品名称\t品牌\t单位\t数量\t参考价\n100023381\t{x}\t不限\t件\t40\t面议\n"
        "发票要求：增值税专用发票　配送：供应商直送\n竞价开始：2027-05-22 09:00　竞价结束：2027-05-22 11:00",
    ),
    (
        "j4",
        "分部分项工程量清单",
        "项目编码\t项目名称\t项目特征描述\t计量单位\t工程量\n010101001001\t平整场地\t土壤类别：三类土\tm2\t1200\n"
        "031001006001\t{x}\t用途：{y}；规格：按设计\t项\t1\n011407001001\t墙面喷刷涂料\t乳胶漆两遍\tm2\t860",
    ),
    (
        "j5",
        "采购需求（内部）",
        "密级：内部　保密期限：长期\n本文件仅限参与本项目的供应商使用，不得外传、复制。\n"
        "一、需求单位：某部{y}分队\n二、采购标的：{x}\n三、供应商须具备相应保密资质，人员须签订保密承诺书。\n"
        "四、交付地点：指定营区",
    ),
    (
        "j6",
        "{y}设备维保备件采购",
        "我厂{y}设备已运行八年，本次年度大修需更换备件：{x}，要求原厂或同等品质，附旧件照片，请报价。\n"
        "设备本体不采购，仅采购上述备件。",
    ),
    (
        "j7",
        "微信",
        "之前说的办公桌椅不要了，改成{x}吧，我们{y}那边急用，麻烦重新报个价",
    ),
    (
        "j8",
        "招标文件",
        "目 录\n第一章 招标公告……1\n第二章 投标人须知……5\n第三章 评标办法……18\n"
        "第四章 合同条款及格式……24\n第五章 采购需求（{x}，用于{y}）……36\n第六章 投标文件格式……48",
    ),
    (
        "j9",
        "詢價單 Quotation Request",
        "敝公司（香港）從事{y}業務，現需採購{x}，數量 500 pcs，規格請參考附件，"
        "每件重量約 2 kg，請於兩星期內報價（FOB 深圳），並註明交貨期。謝謝！",
    ),
    (
        "j10",
        "朋友圈",
        "#求购# #{y}# 长期大量收{x}，有货的朋友私信我，价格好说，同行勿扰🙏 #诚信经营#",
    ),
    (
        "j11",
        "报价请求",
        "请按下表报价：\n\n| 序号 | 品名 | 数量 | 单位 | 备注 |\n|---|---|---|---|---|\n"
        "| 1 | {x} | 120 | 件 | {y}用 |\n\n报价请含税含运，有效期30天。",
    ),
    (
        "j12",
        "{x}备件询价",
        "用于我司{y}设备的易损件：{x}，每季度约200件，请提供报价及样品。",
    ),
)


# A check on round 8's fixes (own_mixed8b), written on 2026-12-04 after them and before the
# reader was run on it: the same kinds of text in other words (a 采购合同 公示, a 成交结果 with
# 成交标的, a 单一来源 论证 公示, a 询价单 from an MRO mall, a 工程量清单 in pipes, a 保密 notice,
# 易损件 for a named line, a changed order, a 目录 with dotted leaders, a HK e-mail, a 求购 post
# with hashtags at its end, a markdown quote table with 名称 in the 2nd column).
MIXED8B: tuple[tuple[str, str, str], ...] = (
    (
        "k0",
        "采购合同公示",
        "合同名称：{x}采购合同\n采购人：某某{y}有限公司\n标的名称：{x}\n标的数量：1批\n合同金额：36万元",
    ),
    (
        "k1",
        "成交结果公告",
        "项目名称：{y}车间改造\n成交供应商：某某公司\n成交标的：{x}（数量：2套）\n成交金额：12.5万元",
    ),
    (
        "k2",
        "单一来源采购论证意见公示",
        "项目名称：{y}系统扩容\n拟采购内容说明：采购{x}若干，与原有设备配套\n专家论证意见：同意采用单一来源方式",
    ),
    (
        "k3",
        "工业品商城询价单",
        "商品编号 | 商品名称 | 规格 | 数量\n--- | --- | --- | ---\nMRO-55821 | {x} | 标准 | 60\n"
        "收货单位：{y}事业部",
    ),
    (
        "k4",
        "工程量清单（节选）",
        "序号|项目名称|项目特征|单位|数量\n1|土方开挖|深2m|m3|300\n2|{x}|{y}用，按图纸|套|4\n3|场地清理|-|m2|500",
    ),
    (
        "k5",
        "保密采购公告",
        "本项目涉密，供应商须具有保密资格。\n采购物资：{x}\n使用单位：{y}车间\n密级：秘密",
    ),
    (
        "k6",
        "{y}生产线易损件采购",
        "{y}生产线年度检修，需采购易损件：{x}，数量以清单为准。",
    ),
    (
        "k7",
        "订单变更",
        "王总，上次订的不锈钢水槽取消，换成{x}，还是{y}项目上用",
    ),
    (
        "k8",
        "磋商文件目录",
        "第一章 磋商公告 ........ 2\n第二章 供应商须知 ........ 6\n第三章 采购内容（{x}，{y}用） ........ 19\n"
        "第四章 合同格式 ........ 30",
    ),
    (
        "k9",
        "RE: 詢價",
        "陳生你好，我哋公司做{y}，想問{x}有冇貨？大約 300 kg，請報價，唔該。",
    ),
    (
        "k10",
        "动态",
        "需要{x}的看过来！不对，是我们要买{x}，{y}用，谁有货联系我 #采购# #{y}#",
    ),
    (
        "k11",
        "询价",
        "| 行 | 名称 | 规格 | 数量 |\n|---|---|---|---|\n| 1 | {x} | 常规 | 80 |\n用途：{y}",
    ),
)


# A ninth round (own_mixed9), written on 2026-12-04 by reader9 before reading the reader's code
# or running it on it, from kinds none of rounds 1–8b or the shared dev probes use: a state-owned
# firm's e-procurement 寻源公告 with 寻源单号 and 报价截止, a 竞争性谈判 报价一览表 (the form a
# supplier fills), a 招标公告 whose 分包 table has 最高投标限价, a 市场调研 (采购需求调查) notice, a
# 招标文件澄清 Q&A, a DingTalk 采购申请 审批单, a machine-translated overseas inquiry, a short-video
# comment thread, a 供需对接会 报名回执表 with 主营产品 beside 需求产品, a 1688-style 求购单 with a
# 材质 line, a 采购订单 PDF text dump whose column headers are broken over lines, a 产学研 技术需求
# 征集表, a 样件试制 need, a yearly 备品备件 协议 with 物料编码, an e-mail whose goods are named only in
# its attachments, and a 机电产品国际招标 notice.
MIXED9: tuple[tuple[str, str, str], ...] = (
    (
        "l0",
        "寻源公告｜{x}寻源（XY-2027-06-0153）",
        "寻源单号：XY-2027-06-0153\n寻源标题：{y}事业部{x}年度寻源\n寻源方式：询比价\n"
        "采购组织：某某能源集团物资有限公司\n物料类别：生产性物资\n需求明细：共1行，详见需求清单\n"
        "报价币种：人民币\n报价截止时间：2027-06-18 17:00:00\n公告发布时间：2027-06-11 09:12:33\n"
        "注意事项：供应商须在平台完成注册并通过资质审核后方可报价；线下报价无效。\n"
        "寻源联系人：郭工 010-5968****",
    ),
    (
        "l1",
        "附件2：报价一览表",
        "项目名称：{y}项目物资采购（竞争性谈判）\n项目编号：TP-2027-0442\n供应商名称（盖章）：\n"
        "| 序号 | 货物名称 | 品牌 | 规格型号 | 产地 | 数量 | 单价（元） | 总价（元） |\n"
        "| 1 | {x} |  |  |  | 1批 |  |  |\n报价总计（大写）：　　　　　　（小写）：¥\n交货期：\n"
        "注：1.报价应包含货物、运输、保险、税费等全部费用；2.本表须加盖供应商公章，否则响应无效。\n"
        "法定代表人或授权代表（签字）：\n日期：　　年　　月　　日",
    ),
    (
        "l2",
        "{y}配套物资采购项目招标公告",
        "招标编号：CG-2027-ZB-0719\n一、项目概况与招标范围\n本项目共分为2个包，具体如下：\n"
        "包号\t采购内容\t数量\t最高投标限价（万元）\t投标保证金（元）\n01包\t{x}\t1批\t168.00\t30000\n"
        "02包\t运输及仓储服务\t1项\t12.50\t2000\n投标人可同时对多个包投标，但须分别编制投标文件。\n"
        "二、投标人资格要求\n2.1 投标人须具备有效的营业执照，并具有类似项目业绩；\n"
        "2.2 本次招标不接受联合体投标。\n三、招标文件的获取：2027年7月20日至7月26日，登录电子招标投标交易平台下载。\n"
        "四、最高投标限价：投标报价超过最高投标限价的，其投标将被否决。",
    ),
    (
        "l3",
        "关于{x}项目的市场调研公告",
        "为科学合理编制采购预算，了解{x}的市场供应情况、主流技术参数和价格水平，现面向社会开展市场调研，"
        "欢迎相关供应商参与。\n一、调研内容：{x}（用于{y}）的产品配置、技术参数、参考报价、售后服务方案及近三年同类业绩。\n"
        "二、调研材料递交：请于2027年3月15日前将调研回复函（加盖公章）发送至指定邮箱。\n"
        "三、特别说明：本次调研不属于采购活动，参与调研不影响后续采购的资格，所提供资料仅用于编制预算参考。\n"
        "联系人：钱老师 025-8479****",
    ),
    (
        "l4",
        "{y}项目招标文件澄清公告（第1号）",
        "各潜在投标人：\n现对本项目招标文件作如下澄清，澄清内容为招标文件的组成部分，与招标文件具有同等法律效力。\n"
        "问题1：招标文件第五章中{x}的数量是否可分批交货？\n答复：可分两批交货，第一批不少于总量的60%。\n"
        "问题2：投标人是否须提供制造商授权书？\n答复：非制造商投标的，须提供{x}制造商出具的针对本项目的授权书。\n"
        "问题3：付款方式能否调整？\n答复：不作调整，按合同条款执行。\n投标截止时间不变。\n"
        "招标人：某某化工股份有限公司\n2027年5月9日",
    ),
    (
        "l5",
        "李娜提交的采购申请",
        "审批编号：202706121030000417\n所在部门：{y}事业部/生产一部\n"
        "采购事由：{y}产线补充物料，当前库存仅够使用一周\n期望交付日期：2027-06-20\n采购明细\n"
        "物品名称：{x}\n规格型号：同上次\n数量：50\n单位：箱\n预估单价：320\n采购总价：16000\n"
        "付款方式：月结\n附件：历史采购单.pdf\n审批流程\n李娜 发起申请 06-12 10:30\n"
        "王建国（部门负责人） 已同意 06-12 11:02\n财务-赵敏 审批中\n抄送人：采购部",
    ),
    (
        "l6",
        "询价 您的产品{x}",
        "亲爱的先生/女士，\n今天好！我希望这封邮件发现你很好。\n"
        "我们是一家领先的公司在{y}领域，位于土耳其伊斯坦布尔。我们从阿里巴巴找到了你的公司的信息，"
        "我们对你的产品{x}非常感兴趣。\n请报价给我们你的最好的价格CIF伊斯坦布尔，以及最小订单数量和交付时间。"
        "如果价格好，我们将放置大订单和长期合作。\n等待你的快速回复。\n最好的问候\nMehmet Yilmaz\n采购经理",
    ),
    (
        "l7",
        "视频评论区",
        "用户8834712：这设备真厉害👍\n老周搞{y}：求{x}厂家，视频里这个是你们自己产的吗？要一批\n"
        "作者回复：私信发您了\n用户5520193：蹲一个链接\n"
        "老周搞{y}：@作者 没收到，我们做{y}的，{x}每月要用不少，麻烦再发一次",
    ),
    (
        "l8",
        "2027年{y}产业链供需对接会报名回执表",
        "单位名称：某某实业有限公司\n统一社会信用代码：91320500MA1X******\n所属行业：{y}\n"
        "参会人员：张伟（采购总监） 电话：139****6621\n参会类型：□供应方 ☑需求方\n主营产品：{y}\n"
        "需求产品：{x}\n年需求额（万元）：500\n是否需要一对一洽谈：是\n"
        "备注：请于2027年4月10日前将回执发至会务组邮箱。",
    ),
    (
        "l9",
        "求购｜{x}",
        "采购需求单号：QG-20270519-8812\n产品名称：{x}\n材质：304不锈钢\n规格：按图纸定制，图纸见附件\n"
        "表面处理：无要求\n采购数量：2000 个\n期望单价：面议\n收货地：广东省东莞市长安镇\n报价截止：2027-05-26\n"
        "供应商要求：源头工厂，支持来图定制，可开13%增值税发票\n买家说明：用于{y}，量产后每月采购一次",
    ),
    (
        "l10",
        "采购订单 PO2027061800213",
        "采 购 订 单\n订单编号：PO2027061800213\n订单日期：2027-06-18\n需方：某某{y}有限公司\n供方：\n"
        "序\n号\n物料\n编码\n物料名称\n规格\n型号\n单\n位\n数量\n含税单价\n（元）\n金额\n（元）\n"
        "1\n1020300457\n{x}\n按技术协议\n件\n500\n\n\n合计金额（大写）：\n交货地址：需方一号仓库\n"
        "备注：请随货附送检验报告、合格证，发票随货。\n需方（盖章）：　　　　供方（盖章）：",
    ),
    (
        "l11",
        "企业技术需求征集表",
        "需求名称：{x}性能提升及国产化开发\n需求企业：某某科技股份有限公司\n所属领域：{y}\n"
        "需求类型：☑产学研合作 □技术转让 □人才引进\n"
        "需求描述：我公司{y}产品所用{x}目前依赖外购，批次稳定性不足，希望与高校、科研院所或具备研发能力的企业合作，"
        "开发满足量产要求的{x}。\n合作方式：委托开发/联合开发\n拟投入经费：80万元\n"
        "需求有效期：2027年12月31日\n联系人：孙博士",
    ),
    (
        "l12",
        "{y}新品样件试制需求",
        "项目代号：NP-27-09\n需求说明：新品开发阶段，需{x}样件试制，首批5件用于装机验证，验证通过后转入小批量（约500件）。\n"
        "提供资料：3D数模及2D图纸（签署保密协议后提供）\n样件交期：接单后20个工作日\n"
        "要求：具备相关加工设备和检测能力，能出具全尺寸检测报告\n联系人：研发部 韩工",
    ),
    (
        "l13",
        "2027年度备品备件协议采购询价",
        "询价单位：某某电厂物资部\n本次为年度协议采购，单价锁定一年，按实际订货量结算。\n"
        "物料编码\t物料描述\t计量单位\t年预估用量\t备注\n30210045\t{x}\t件\t300\t{y}系统用\n"
        "报价说明：请对每个物料编码单独报价，报价含税含运。\n协议期限：2027年1月1日至2027年12月31日\n"
        "报价截止：2026年12月20日",
    ),
    (
        "l14",
        "询价资料，请查收",
        "您好！\n附件为我司本次询价资料，请查收并于下周三前回复报价。\n附件（3）：\n1. {x}技术规格书V2.pdf\n"
        "2. 报价单模板.xlsx\n3. 供应商基本信息表.docx\n如有疑问请随时联系。\n——\n某某{y}有限公司 采购中心\n"
        "电话：0512-6287****",
    ),
    (
        "l15",
        "{y}项目{x}国际招标公告",
        "招标编号：0733-274027CG0183\n本招标项目已由相关部门批准，资金已落实，现邀请合格投标人参加投标。\n"
        "1. 招标条件：项目业主为某某集团有限公司\n2. 招标产品：{x}\n3. 数量：2套\n"
        "4. 主要技术要求：详见招标文件第八章\n5. 投标人资格：本次招标接受境内外投标人投标，进口产品须提供制造商授权\n"
        "6. 招标文件售价：人民币800元/美元120元，售后不退\n7. 投标截止时间及开标时间：2027年8月9日9:30（北京时间）\n"
        "8. 本项目在中国国际招标网进行电子招标备案",
    ),
)


# A check on round 9's fixes (own_mixed9b), written on 2026-12-04 by reader9 after them and
# before the reader was run on it: the same kinds of text in other words (an SRM 寻源单, a 开标一览表,
# 标段 with 控制价, a 采购需求调查, 答疑 Q/A, a WeCom 申购 with its 审批记录, a machine-translated
# Vietnamese inquiry, live-stream comments, a 企业需求登记表, a 加工定制 求购单 with 材料 and 工艺, an 订货单
# text dump, a 校企合作 need, an 打样 need, a 备件框架协议 table, an e-mail with 《》 attachments and an
# 进口设备 国际招标).
MIXED9B: tuple[tuple[str, str, str], ...] = (
    (
        "m0",
        "SRM寻源单 - {x}",
        "单据编号：SRM20270815-022\n寻源类型：询比价\n需求组织：{y}分公司\n物资描述：{x}\n"
        "报价开始时间：2027-08-15 09:00\n报价结束时间：2027-08-22 16:00\n币别：人民币\n是否含税：是\n"
        "说明：请登录供应商门户在线报价，纸质报价不予接受。",
    ),
    (
        "m1",
        "开标一览表",
        "投标人名称：\n项目名称：{y}生产线物资采购\n"
        "| 包号 | 投标货物 | 数量 | 投标报价（元） | 交货期 | 备注 |\n| 1 | {x} | 详见清单 |  |  |  |\n"
        "投标人（盖章）：\n法定代表人或其委托代理人（签字）：\n日期：",
    ),
    (
        "m2",
        "{y}技改项目招标公告",
        "1.招标范围及标段划分\n标段 | 标段名称 | 主要内容 | 控制价（元）\n"
        "第一标段 | {x}供货 | {x}的供货、运输及售后服务 | 2,380,000\n"
        "第二标段 | 配套土建工程 | 基础及厂房改造 | 960,000\n"
        "2.投标人资格要求：第一标段投标人须为所投产品的制造商或其授权代理商。\n"
        "3.投标报价高于控制价的投标无效。",
    ),
    (
        "m3",
        "{y}研究所采购需求调查公告",
        "为确定采购需求及预算，现就{x}开展采购需求调查（市场调研），请有意向的供应商于10个工作日内提供"
        "产品介绍、参考价格及同类项目案例。\n本次需求调查不代表采购承诺，相关费用由供应商自行承担。\n"
        "联系人：吴老师 0731-8887****",
    ),
    (
        "m4",
        "关于{y}项目招标答疑的通知",
        "各投标人：\n现将投标人提出的问题答复如下：\nQ1：{x}是否接受进口产品？\nA1：接受，进口产品须提供报关单。\n"
        "Q2：{x}的交货期能否延长至90天？\nA2：不可以，交货期按招标文件执行。\n其余内容不变。",
    ),
    (
        "m5",
        "【企业微信】审批｜物资申购",
        "申请人：陈晓\n申请部门：{y}车间\n申购物资：{x}\n申购数量：3吨\n预计金额：4.5万元\n"
        "用途说明：{y}生产消耗\n当前节点：采购经理审批\n审批记录\n陈晓 提交 2027-09-01 08:55\n"
        "周涛 同意 2027-09-01 09:30",
    ),
    (
        "m6",
        "要求报价",
        "你好，\n我是来自越南的买家。我们的公司生产{y}。我们需要购买{x}，数量是一个集装箱。"
        "请发送给我们的FOB价格和付款条款。\n谢谢你和最好的问候，\nNguyen Van An",
    ),
    (
        "m7",
        "直播间评论",
        "用户A：主播这个怎么卖\n用户B：666\n{y}小刘：有没有{x}厂家？我们做{y}的，长期要\n"
        "主播：加粉丝群私聊哈\n用户C：已关注",
    ),
    (
        "m8",
        "产业链配套对接企业需求登记表",
        "企业名称：某某股份有限公司\n所在行业：{y}\n企业主要产品：{y}\n需求类别：采购需求\n"
        "需求物资名称：{x}\n预计年采购量：200吨\n对接意向地区：省内\n填表人：黄芳",
    ),
    (
        "m9",
        "【加工定制】{x}",
        "货品名称：{x}\n材料：铝合金6061\n尺寸：见图\n数量：5000件\n加工工艺：CNC\n目标价：0.8元/件\n"
        "期望交期：15天\n所在地：浙江宁波\n备注：{y}配件，需要先打样",
    ),
    (
        "m10",
        "订货单",
        "订 货 单\n单号:DH-270903-11\n购货单位:某某{y}厂\n行号\n存货\n名称\n规格\n计量\n单位\n订货\n数量\n"
        "1\n{x}\n标准\n吨\n12\n制单:\n审核:",
    ),
    (
        "m11",
        "校企合作需求",
        "需求标题：{x}关键工艺研发\n技术领域：{y}\n现状：我司在{y}生产中使用的{x}依靠进口，价格高、供货周期长\n"
        "目标：开发可替代进口的{x}\n合作形式：合作研发、技术转让均可",
    ),
    (
        "m12",
        "{y}项目手板及样件需求",
        "我司正在开发新一代{y}，需要{x}打样10套，验证合格后批量订货，有意向的工厂请联系研发部。",
    ),
    (
        "m13",
        "年度备件框架协议采购",
        "序号\t物资编码\t物资名称及规格\t单位\t预估数量\n1\t60012384\t{x}\t个\t150\n"
        "说明：{y}装置年度消耗，按月订货，单价一年不变。",
    ),
    (
        "m14",
        "询价（附件）",
        "各位供应商好，\n请查看附件并报价：\n《{x}采购清单.xlsx》\n《报价须知.pdf》\n截止时间：本周五下班前\n谢谢",
    ),
    (
        "m15",
        "{y}生产线进口设备国际招标公告",
        "招标项目名称：{y}生产线进口设备采购\n招标编号：0614-2700CG0917\n"
        "招标货物名称、数量及主要技术规格：{x}，1套，详见招标文件\n交货期：合同生效后6个月\n"
        "评标方法：最低评标价法\n投标保证金：5万美元",
    ),
)


# A tenth round (own_mixed10), free text, written on 2026-12-04 by reader10 before reading the
# reader's code or running it: how people in firms describe a need in prose (see the docstring).
MIXED10: tuple[tuple[str, str, str], ...] = (
    (
        "p0",
        "关于新增{x}供应商的说明",
        "各位好，我是公司采购部负责人。去年下半年起我们的{y}订单增长很快，二期车间预计明年一季度投产，"
        "产能要翻一倍。目前使用的{x}一直由一家日本供应商独家供货，对方上个月正式通知明年6月起停产该系列，"
        "同时集团今年给采购定了降本8%的硬指标，所以我们希望借这个机会导入一到两家国内厂家，"
        "先小批量验证，稳定后逐步切换。请有相关产品和{y}行业配套经验的企业与我联系，谢谢。",
    ),
    (
        "p1",
        "技术问题求助 + 采购",
        "我是做{y}研发的工程师。最近一批样机在高低温循环后出现性能漂移，拆机分析排除了结构和软件的原因，"
        "问题基本锁定在{x}上，现有物料批次之间一致性差。想找能提供更稳定产品、并且愿意配合做失效分析的"
        "厂家，有测试数据的优先。",
    ),
    (
        "p2",
        "求购关键配套件",
        "我们{y}整机上起核心作用的那个部件（{x}），目前外购成本占到整机的三成，想找新的合格供方，"
        "能提供样品做装机验证的请联系。",
    ),
    (
        "p3",
        "不是要成品，只要{x}",
        "先说明一下：我们不需要整套{y}，也不找代工，{y}我们自己生产，要的是{x}，长期稳定供货即可。",
    ),
    (
        "p4",
        "找一款更高规格的{x}",
        "类似我们现在用的普通{x}，但要求更高的耐温等级和更长的使用寿命，主要装在{y}上，"
        "用量每年大概两三万件，有成熟型号的厂家欢迎推荐。",
    ),
    (
        "p5",
        "下月物料需求",
        "下个月{y}排产需要：{x}约30吨（大头），另外劳保手套200副、缠绕膜50卷，"
        "手套和缠绕膜可以就近买，主要是{x}需要找稳定货源。",
    ),
    (
        "p6",
        "{x} 按国标采购",
        "产品执行标准GB/T 2828.1-2012抽样检验，参考型号HX-350A，名称：{x}，用途：{y}配套，"
        "首批2000件，需提供型式试验报告。",
    ),
    (
        "p7",
        "老板亲自发的",
        "俺是开厂的，干{y}干了十几年了，这两年{x}老是断货，价钱还一个劲儿往上蹿，整得我头大。"
        "哪个老乡有靠谱的{x}厂子，给俺介绍介绍，量不是问题，钱也不差事儿。",
    ),
    (
        "p8",
        "哪家能做{x}？",
        "哪家能做{x}？我们是{y}厂，图纸和样品都有，想找能长期配合的，价格好商量。",
    ),
    (
        "p9",
        "Sourcing request: {x}",
        "Hi all，我们是一家外资{y}厂，HQ在德国。目前local sourcing团队在找{x}的supplier，"
        "要求有ISO 9001和IATF 16949，能support JIT delivery，annual volume大概50K pcs。"
        "请把company profile和quotation发到purchasing邮箱，thanks！",
    ),
    (
        "p10",
        "协会转发：会员企业采购需求",
        "各会员单位：\n现将会员企业某某{y}有限公司的采购需求转发如下，请有能力的会员单位直接与该企业对接。\n"
        "该企业需采购{x}，年需求量较大，希望与协会内企业建立长期合作。\n"
        "联系人：张经理 136****7788\n市某某行业协会秘书处",
    ),
    (
        "p11",
        "诚邀{x}合作伙伴加盟",
        "【合作伙伴招募】\n招募对象：{x}生产厂家\n合作方式：长期供货、联合开发\n"
        "岗位要求：有自有工厂，质量体系健全，能配合{y}新品开发节奏\n"
        "我们提供：稳定订单、按月结算、优先续约\n有意者请投递企业简介",
    ),
    (
        "p12",
        "转发",
        "转：某某集团需要{x}，做{y}用的，量大，要求一般纳税人，有资源的直接联系群主，勿私聊我哈🙏",
    ),
    (
        "p13",
        "规格：≥99.5% / 25kg/袋 / 月8吨",
        "含量≥99.5%，水分≤0.3%，粒度80-120目，25kg编织袋包装，月用量8吨，到厂价含13%票——{x}，{y}生产用。",
    ),
    (
        "p14",
        "{y}项目国产替代进展及需求",
        "在国家推动关键零部件自主可控的大背景下，公司{y}项目已完成大部分国产化工作，"
        "但{x}仍依赖进口，交期长达半年且价格持续上涨。经内部评估，决定今年内完成{x}的国产替代，"
        "现公开寻找具备研发和量产能力的国内企业，可提供技术支持和首批订单。",
    ),
    (
        "p15",
        "成本压力大，求新货源",
        "说实话今年{y}这块利润很薄，原材料里{x}占比最高，老供应商今年涨了两次价，谈不下来，"
        "想看看有没有性价比更好的厂家，质量过得去就行，月结60天能接受的优先。",
    ),
)


# Round 10b (own_mixed10b): round 10's kinds in other words, written after its fixes and before
# running the reader on it.
MIXED10B: tuple[tuple[str, str, str], ...] = (
    (
        "q0",
        "供应商开发需求",
        "简单介绍一下背景：公司主营{y}，今年新厂房落成，产线从四条增加到十条。"
        "我们长期合作的{x}供应商因为环保整改已经停产，目前靠库存撑着，最多还能用两个月。"
        "另外老板要求年内采购成本再降5个点。所以急需开发新的{x}货源，欢迎各位推荐。",
    ),
    (
        "q1",
        "请教一个工艺问题",
        "本人在一家{y}企业做工艺。我们的产品最近客诉比较多，主要是使用一段时间后出现开裂，"
        "做了切片和成分分析，判断根本原因在于所用的{x}质量不稳定。现在想换一家靠谱的厂家，"
        "能提供出厂检验报告的优先。",
    ),
    (
        "q2",
        "需要一种配套产品",
        "做{y}的，现在缺一样东西：给{y}提供支撑和保护的那部分（也就是{x}），"
        "之前一直找外协做，现在想找专业厂家长期供货。",
    ),
    (
        "q3",
        "说明一下我们的需求",
        "很多人给我推销{y}成品，这里统一回复：成品不要，贴牌也不考虑，我们只采购{x}，"
        "其余的都是自己做。",
    ),
    (
        "q4",
        "寻{x}（高端款）",
        "和市面上常见的{x}差不多，但对精度和稳定性要求高很多，目前国内能做的不多，"
        "用在我们{y}的高端型号上，有能力的厂家请联系。",
    ),
    (
        "q5",
        "本周采购计划",
        "1. {x}：12吨，{y}主料，需找长期供应商\n2. 包装纸箱：500个\n3. 记号笔：2盒\n后两项办公室自行采购即可。",
    ),
    (
        "q6",
        "型号HG-80B {x}",
        "按照JB/T 10391-2008及GB/T 755-2019执行，型号HG-80B，{x}，配套{y}使用，"
        "数量800台，需出厂检测报告和3C证书。",
    ),
    (
        "q7",
        "有做{x}的老乡吗",
        "俺们这旮旯做{y}的厂子不少，{x}一直从南方进，路远运费贵，还老压货款。"
        "有没有离得近的{x}厂家，咱唠唠，价儿合适就长期整。",
    ),
    (
        "q8",
        "请问{x}哪家做得好？",
        "请问谁家能稳定供应{x}？我们{y}这边每个月都要用，之前那家总是延期交货。",
    ),
    (
        "q9",
        "Looking for {x} supplier / 寻找供应商",
        "Dear all，我司是一家{y} manufacturer，目前new project需要{x}，"
        "请各位supplier提供quotation、lead time和MOQ，samples需要在下月底前到位，谢谢配合！",
    ),
    (
        "q10",
        "【会员需求】",
        "商会秘书处收到会员单位需求一则：某{y}生产企业计划采购{x}，希望对接本会优质企业，"
        "请有意向的会员于本周内与秘书处联系，由秘书处统一引荐。",
    ),
    (
        "q11",
        "诚招{x}战略供应商",
        "招募岗位：{x}供应商（2名）\n工作内容：为我司{y}产品稳定供应{x}\n任职要求：一般纳税人，"
        "年产能不低于需求量的两倍，有同行业配套经验\n待遇：现款结算，订单稳定",
    ),
    (
        "q12",
        "【转发】",
        "转自客户群：某上市公司在找{x}，做{y}的，要求能开专票，需求量大，有意的私聊我拉你进对接群。",
    ),
    (
        "q13",
        "Φ25×3mm，长度6m，304材质，月用2000支",
        "外径25mm、壁厚3mm、定尺6m，材质304，表面酸洗，月用2000支，以上为{x}要求，{y}用。",
    ),
    (
        "q14",
        "关于{x}国产化的合作意向",
        "近年来受国际形势影响，进口件交期越来越不可控。我司{y}产品目前只有{x}还在用国外品牌，"
        "计划明年完成替换，现面向国内征集有意向参与联合开发和验证的企业。",
    ),
    (
        "q15",
        "今年日子不好过",
        "{y}行情不好，价格一压再压，我们只能从原料上想办法。{x}是我们成本里最大的一块，"
        "现在用的这家价格偏高，想找几家同等质量价格更低的比一比。",
    ),
)


# Round 10c (own_mixed10c): round 10's kinds in a third wording, written after round 10b's fixes
# and before running the reader on it.
MIXED10C: tuple[tuple[str, str, str], ...] = (
    (
        "r0",
        "采购部工作汇报摘录",
        "三季度{y}销量同比增长40%，公司决定追加一条自动化产线。随之而来的问题是{x}的用量会大幅上升，"
        "而现有两家供应商产能都已接近饱和，其中一家还在考虑转产。为保证供应安全并争取更好的价格，"
        "采购部拟在年底前新引入至少一家{x}供方。",
    ),
    (
        "r1",
        "质量问题排查后找新供方",
        "近期{y}批量返修，经过三轮排查，最终确认是{x}批次质量波动导致的。"
        "原厂家整改效果不理想，我们准备另找一家有实力的做对比验证。",
    ),
    (
        "r2",
        "寻找配套厂家",
        "我们的{y}需要一种关键的配套件——{x}，用来保证整机的稳定运行，欢迎有经验的厂家联系。",
    ),
    (
        "r3",
        "只收{x}",
        "声明：本司不收{y}整机，不做来料加工，也不要二手货，只长期收{x}，有货源的联系。",
    ),
    (
        "r4",
        "{x}升级需求",
        "现用的{x}是普通款，想换成比它耐用一倍以上、噪音更低的高端型号，装在{y}上，求推荐。",
    ),
    (
        "r5",
        "物料申请",
        "{y}车间申请：{x} 20吨（本月生产主要消耗）；抹布 10公斤；签字笔 1盒。其中{x}请采购部优先落实货源。",
    ),
    (
        "r6",
        "按GB/T 3091标准 {x}",
        "执行标准：GB/T 3091-2015；规格型号：DN50；品名：{x}；用途：{y}；数量：3000米；交货地：厂内。",
    ),
    (
        "r7",
        "诚心找{x}厂家",
        "我系个做{y}嘅老板，之前啲{x}都系喺外省拎货，而家想揾个近啲嘅厂家长期合作，有冇人识？",
    ),
    (
        "r8",
        "{x}谁家能供？",
        "谁家能长期供{x}？量稳定，{y}用的，有资质的厂家直接电话联系，中介勿扰。",
    ),
    (
        "r9",
        "New supplier needed",
        "我们是{y}行业的JV，因为original supplier要phase out，所以急需找{x}的second source，"
        "请有兴趣的vendor send我们catalog和price list。",
    ),
    (
        "r10",
        "行业协会供需信息第12期",
        "【采购需求】会员企业某{y}公司因扩大生产，需长期采购{x}，欢迎协会各会员单位积极对接。"
        "对接方式：联系协会信息部。",
    ),
    (
        "r11",
        "招{x}合伙人",
        "现诚招{x}合伙人！\n要求：1. 自有{x}生产线；2. 能配合我司{y}项目开发；3. 诚信经营。\n"
        "我们提供：长期订单+技术支持。名额有限，先到先得！",
    ),
    (
        "r12",
        "群消息转发",
        "【转】朋友公司（做{y}的）最近在找{x}，要量产能力强的，有渠道的兄弟可以直接加我微信详聊。",
    ),
    (
        "r13",
        "技术指标先行",
        "工作温度-40℃~125℃，寿命≥10万次，防护等级IP67，年需求约5万只。满足以上条件的{x}，"
        "用于{y}，欢迎报价。",
    ),
    (
        "r14",
        "进口替代项目启动",
        "{y}是公司战略产品，核心部件中{x}长期被国外垄断。今年集团立项推动其自主化，"
        "寻找有技术积累的国内伙伴共同攻关，并承诺验证通过后优先采购。",
    ),
    (
        "r15",
        "想降点成本",
        "做{y}的，最近订单多但利润低，算了下账，{x}这一项花得最多，想多找几家报价压压价。",
    ),
)


# Round 10d (own_mixed10d): round 10's kinds in a fourth wording, written after round 10c's fixes
# and before running the reader on it; kept out of tuning, as a measure of unseen prose.
MIXED10D: tuple[tuple[str, str, str], ...] = (
    (
        "s0",
        "关于拓展供应渠道的请示",
        "随着{y}新产能陆续释放，预计明年{x}需求较今年翻番。目前独家供货风险较大，且对方近期两次提价，"
        "建议通过公开比选方式引入第二供应商，在保障质量的前提下降低采购单价。",
    ),
    (
        "s1",
        "来自研发部的需求",
        "新一代{y}样机在可靠性测试中多次失败，拆解后发现失效点集中在{x}。"
        "希望采购部协助寻找能做高可靠性{x}的厂家，配合我们做小批量试制。",
    ),
    (
        "s2",
        "找{y}上用的一个部件",
        "就是装在{y}里负责关键功能的那个东西，行业里一般叫{x}，我们要的量不小，有厂家可以聊聊。",
    ),
    (
        "s3",
        "澄清一下",
        "最近不少人来推{y}的整机方案，我们没这个需求。我们缺的只是{x}，能长期稳定供货就行。",
    ),
    (
        "s4",
        "{x}，要求比普通款高",
        "跟常规{x}类似，不过我们的{y}对一致性要求严得多，批次间差异要控制在很小范围内，"
        "有能力做的厂家请留言。",
    ),
    (
        "s5",
        "这周要买的东西",
        "{x}五十吨，这是大头，给{y}生产用的；另外再买点劳保鞋和安全帽，零星的。",
    ),
    (
        "s6",
        "询价（附标准）",
        "品名：{x}\n规格：Q/ABC 001-2024企业标准，型号LX-12\n应用：{y}\n数量：1500套\n"
        "要求：提供第三方检测报告",
    ),
    (
        "s7",
        "老板找货",
        "我是开{y}厂的，咱不整那虚的，{x}谁家实惠谁家靠谱就用谁家的，量大，现结，有货的吱一声。",
    ),
    (
        "s8",
        "有人知道哪里能做{x}吗",
        "想问问群里有没有人知道哪里能定做{x}，做{y}配套用，急，先谢过。",
    ),
    (
        "s9",
        "RFQ | {x}",
        "Hello，我们factory在苏州，主要做{y}，现在有个urgent need：{x}，"
        "希望能find a local vendor，delivery要在两周内。Pls reply with your best offer。",
    ),
    (
        "s10",
        "产业联盟需求发布",
        "联盟成员单位某{y}企业提出：拟于近期采购一批{x}，希望联盟内企业优先参与，"
        "有意者请通过联盟秘书处报名。",
    ),
    (
        "s11",
        "{x}供应商招募令",
        "我们在找志同道合的{x}供应伙伴！\n你需要：有稳定产能、过硬质量\n你将获得：{y}头部企业长期订单、"
        "快速回款\n报名方式：发送公司介绍至采购邮箱",
    ),
    (
        "s12",
        "转个需求",
        "转发：做{y}的一个老客户需要{x}，月量挺大，要求含税，感兴趣的直接找我要联系方式。",
    ),
    (
        "s13",
        "精度±0.01mm 硬度HRC58-62",
        "尺寸公差±0.01mm，硬度HRC58-62，表面粗糙度Ra0.4，年用量约3万件。需要的是{x}，装配在{y}上。",
    ),
    (
        "s14",
        "国产化攻关合作",
        "{y}项目中，{x}一直采购自海外，存在断供风险。公司已列入今年重点攻关清单，"
        "诚邀国内有基础的企业合作开发，样品验证通过即可批量供货。",
    ),
    (
        "s15",
        "降本增效，寻优质供应商",
        "为落实降本增效要求，我们对{y}的采购成本做了梳理，发现{x}占了总采购额的一半以上，"
        "是降本的重点，现公开征集{x}优质供应商。",
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
        ("own_mixed4", MIXED4),
        ("own_mixed5", MIXED5),
        ("own_mixed6", MIXED6),
        ("own_mixed7", MIXED7),
        ("own_mixed7b", MIXED7B),
        ("own_mixed8", MIXED8),
        ("own_mixed8b", MIXED8B),
        ("own_mixed9", MIXED9),
        ("own_mixed9b", MIXED9B),
        ("own_mixed10", MIXED10),
        ("own_mixed10b", MIXED10B),
        ("own_mixed10c", MIXED10C),
        ("own_mixed10d", MIXED10D),
    )
    for name, templates in sets:
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for i, (row, x, y) in enumerate(rows):
                kind, title, description = templates[i % len(templates)]
                half = (len(x) + 1) // 2
                fields = {"x": x, "y": y, "xs": " ".join(x), "xa": x[:half], "xb": x[half:]}
                probe = {
                    "id": f"{row['id']}-{name.removeprefix('own_')}-{kind}",
                    "need": {
                        "title": title.format(**fields),
                        "description": description.format(**fields),
                    },
                    "relevant": row["relevant"],
                }
                out.write(json.dumps(probe, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} probes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
