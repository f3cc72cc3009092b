"""Reading sentences: what is wanted, and what for, in one line of procurement text.

A sentence names what is wanted by a cue (a phrase after 采购/需要/寻找 …, or before
…采购/…招标) and what it is for (after 用于/应用于 …, or the buyer's own line in 我司××产线).
Matching what it is *for* as if it were wanted finds the buyer's competitors, so the
application never becomes a wanted phrase here. :mod:`matching.reading` puts the sentences of
a need together; this module reads one text at a time.

The cues are general Chinese procurement phrasing, not templates of any benchmark.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from matching.catalog import product_key
from matching.certifications import find_certifications
from matching.notice import BOILERPLATE_CLAUSE, strip_emoji
from matching.regions import find_regions, strip_region

__all__ = [
    "SentenceReading",
    "is_generic",
    "is_product_like",
    "read_sentences",
    "spec_variants",
    "split_free_text",
]

_STRONG_CUE = (
    r"(?:急需|亟需|缺少|缺乏|短缺|需要|需求|所需|采购(?!部(?![件品])|处(?![理置方])|员(?!工)|人(?:同意|代表|[:：,，。;；、]|$)|中心|专员|经理)|求购|寻购|购买|购入|购置|添置|订购|选购|采买|收购|寻找|寻求|寻觅|觅|物色|"
    r"(?:哪里|哪儿|在哪|去哪)(?:能|可以|可)?(?:买到|买得到|买|采购到|找到|找)|"
    r"诚征|征求|征集|招募|招标|询价|询购|诚聘|拟购|欲购|想买|要买|想要|想找|要找|"
    r"寻源|引进|诚招|招引|遴选|甄选|征选|集采|采办|订货|进货|需配套|谁有|有没有|哪里有|哪有|"
    r"外购|外采|希望找到|想找到|有人(?:做|卖|生产|供应|能做|会做|有)|谁(?:家)?(?:能|可以)?(?:做|卖|生产|提供|供应|供货)|有做|哪家(?:能|可以|可)?(?:供应|提供|生产|供货|做)?|谁家|哪里能买到|"
    r"(?<![A-Z])(?:NEEDS?|LOOKING ?FOR|SEEKING|SOURCING|PURCHASE|BUY|RFQ|RFP|RFI|(?:INQUIRY|ENQUIRY)(?: (?:FOR|ON|ABOUT)(?![A-Z]))?|REQUIRE|"
    r"DO YOU (?:SELL|HAVE|SUPPLY|MAKE|PRODUCE|OFFER)|INTERESTED IN|(?:PLEASE |PLS |KINDLY )?QUOTE(?: US| ME)?"
    r"(?: FOR| ON)?|QUOTATION (?:FOR|OF|ON)|PRICE (?:FOR|OF))(?![A-Z])(?! ?(?:DEPT|DEPARTMENT|TEAM|MANAGER|OFFICE|SPECIALIST|ENGINEER|团队|部门|部|组|经理|专员|工程师)))"
)
_WEAK_CUE = (
    r"(?:(?<!必)需(?![方知提具符满通持])|(?<![主重只必还])要(?![求点素是用做开])|(?<![要追需请])求(?![职助证])"
    r"|找(?!到)|征(?![求集询信])|缺(?![点陷少])|寻|买|招(?![标商生待呼牌收手股聘募引贴])|(?<!采)购(?!买|入)|(?<![引改促推先前增跟演])进(?=一批|一些|一点|点儿?|些)"
    r"|(?:改|换)(?:成|为)(?![\d一二三四五六七八九十])"  # X不要了，改成Y: Y is what is wanted now
    r"|(?<![回接验吸征税丰签超])收(?![入到货益费藏集款据缩纳录音容拾件尾益发支])|询(?![问证])(?:一下|下)?)"
)
_WANT_CUE = rf"(?:{_STRONG_CUE}|{_WEAK_CUE})"
_FILLER = (
    r"(?:一批|大批|大量|批量|少量|若干|长期|稳定|持续|定期|优质|高品质|高质量|合格的?|正规|"
    r"现|拟|计划|公开|面向社会|面向全国|向社会|对外|向外|本年度|今年|明年|年度|定制|订制|"
    r"(?:厂家|厂商|企业|公司|供应商|单位|人)(?:能|可以|会|可)?(?:供应|供货|提供|生产|供|做|卖)|"
    r"(?:想|请)?问(?:一)?下|想问|请问|各类|各种|多种|一些|一点|点儿|相关|一款|一种|一套|一台|一家|一个|家|个|对接|下(?![游])|的|些|能够|能生产|可生产|能|可以|"
    r"\d{2,4}年度?|\d{1,2}月份?|做好|为做好|用到|用上|"
    r"生产|加工|做|提供|供应(?!商)|供货(?!商)|配套的?|进口|国产|原装|推荐|介绍|认识|知道|高性能|高可靠性?|新一代|那个|这个|那种|这种|"
    r"(?:的)?(?:产品|物资|对象|内容|标的|东西)?(?:为|是|包括)(?![\u4e00-\u9fff]?$))"
)
_SUPPLIER = (
    r"(?:(?:的)?(?:合格|优质|正规|专业|可靠|稳定|长期|实力|有实力的|专精特新|中小|小巨人|生态|战略|核心)*(?:配套)?"
    r"(?:供应商|配套商|SUPPLIERS?|VENDORS?|MANUFACTURERS?|供货商|供方|供应方|供货|供应|厂家|厂商|生产商|制造商|"
    r"生产企业|生产厂家|企业|公司|工厂|代工厂|代工|加工厂|OEM|ODM|合作伙伴|合作方|合伙人|伙伴|"
    r"(?:SECOND|ALTERNATIVE|ALTERNATE|BACKUP|NEW) ?SOURCES?|资源|货源|服务商|服务机构|承包商|"
    r"报价|合作|供货单位|单位|商家|卖家|渠道|供应渠道|供货渠道|代理商|经销商|分销商|代理|经销|"
    r"工厂|厂子|厂))"
)
_APP_CUE = (
    r"(?:用于|应用于|应用在|运用于|适用于|用在|用作|用来|作为|服务于|供给|以供|为了|以便|配套于|"
    r"来(?=生产|制造|加工|制作)|用途(?:为|是)?|(?<![A-Z])(?:USED (?:IN|FOR)|FOR USE IN|APPLIED (?:IN|TO)|FOR OUR)(?![A-Z]))"
)
_FIRM = (
    r"(?:我司|本司|我公司|本公司|我们厂|我们公司|我厂|本厂|我们|我方|我单位|本单位|敝司|本集团|我集团|"
    r"集团|公司)"
)
_FIRM_LINE = re.compile(
    rf"{_FIRM}(?:是|为|系)?(?:一家)?(?:专业)?(?:生产|制造|主营|从事|经营|做)?"
    rf"(?P<app>(?:(?!{_STRONG_CUE}|参加|参与|邀请|诚邀).)+?)"
    r"(?:的)?(?:产线|生产线|项目|工厂|车间|制造商|生产商|业务|产品线|装置)"
)
_FIRM_MAKES = re.compile(
    rf"{_FIRM}(?:是|为|系)?(?:一家)?(?:专业)?(?:生产|制造|主营|从事|经营|做)(?P<app>(?:(?!{_STRONG_CUE}).)+)$"
)
_APP = re.compile(
    rf"{_APP_CUE}(?P<app>.+?)(?:的)?(?:生产|制造|加工|项目|产线|生产线|使用|之用|所需)?(?:上|中|里)?$"
)
_CUE_CHAIN = re.compile(rf"{_WANT_CUE}(?:{_WANT_CUE}|{_FILLER})*")
_OBJECT = re.compile(
    rf"(?P<obj>.+?)(?:{_SUPPLIER})*(?:的)?(?:联系方式|联系电话|联系人|信息)?"
    r"(?:参与|参加|参会|报名|投标|合作|与我们?联系|联系|落地|入驻|洽谈|对接)?$"
)
# X采购, X采购项目招标, X询比价, X购置: the object comes before the procedure words
_PROCEDURE = (
    r"(?:公开|邀请|竞争性|集中|统一|年度|框架协议|框架|长期|批量|大量|紧急|定期|常年|网上|线上|反向|重新|再次|国际|国内)*"
    r"(?:采购|求购|询价|询购|询比价|比价|比选|招标|谈判|磋商|竞价|竞谈|遴选|寻源|征集|招募|购置|"
    r"采买|集采|需求|入围|急购|急采|急收|订购|入库|准入)"
)
_WANT_AFTER = re.compile(
    rf"^(?:关于|兹有|现有|今有)?(?:{_FILLER})*(?P<obj>.+?)(?:(?:的)?{_PROCEDURE}(?:项目)?)+"
    r"(?:需求|项目|公告|信息|计划|意向|函|单|书|通知|邀请函|邀请书|对接会|洽谈会|推介会|对接|工作|"
    r"量(?:很|较|比较|非常|特别)?大)?$"
)
_FIND_SUPPLIER = re.compile(
    # 新增X供应商, 导入X厂家: suppliers the buyer adds
    rf"^(?:现|欢迎|请|诚邀|邀请|各|有意|有|优质|合格|新增|增加|导入|开发|引进)*(?P<obj>.+?){_SUPPLIER}+"
    r"(?:招募|征集|寻源|招标|请联系|联系我们|请?与我们?联系|来电洽谈|洽谈|参与|参加|参会|报名|投标|"
    r"落地|入驻|对接)?$"
)
_PROJECT = re.compile(
    r"^(?P<app>.+?)(?:生产线|产线|项目|车间|"
    r"(?:建设|改造|扩建|新建|技改|安装|维修|配套|续建|大修|[一二三四五六七八九]期)工程)(?:所需|用|的)?"
)
_WANT_LABEL = re.compile(
    rf"^(?:大宗|大批|批量|长期|紧急|集中)?(?:{_WANT_CUE}|采购|询价|需求|招标|RFQ|RFI|RFP)*"
    r"(?:内容|产品|物资|品名|名称|品类|标的|清单|信息|公告|合作|货源|供应商|厂家)?$"
    r"|^(?:PRODUCTS?|ITEMS?|COMMODITY|PART NAME|MATERIAL)$"
)
# 需求描述：…, 项目说明：…: the label itself names nothing; its clause is read as usual
_TEXT_LABEL = re.compile(
    r"^(?:采购需求|需求|采购|项目|产品)?(?:描述|说明|详情|概况|概述|简介|背景|备注)$"
    # 拟采购的货物或服务的说明: a 单一来源 公示's field; its value says what is bought
    r"|^拟?(?:采购|购买|购置)的?(?:货物|服务|产品|物资)(?:(?:或|和|及)(?:货物|服务))?的?(?:说明|描述|情况)$"
)
# Y设备备件, Y设备维保备件: spares of a named machine, which says nothing of which part is wanted
_MACHINE_SPARES = re.compile(
    r"^.{2,}设备(?:维保|维修|检修|大修)?(?:备品备件|备件|配件|零配件|易损件)$"
)
# 需更换备件：X, 设备的易损件：X: a label naming spare parts; its value names the wanted part,
# what comes before names the machine they are for
_SPARES_LABEL = re.compile(
    r"^(?P<head>.*?)(?:需要?|要)?(?:更换|替换|采购|购买)?的?(?:备品备件|备件|易损件|配件|零配件|易耗件)$"
)
_APP_LABEL = re.compile(
    r"^(?:产品)?(?:用途|应用|应用领域|应用场景|使用场景|用于|适用于|下游|下游产品|终端应用|终端产品)$"
    r"|^(?:APPLICATION|END USE|USAGE|USE)$"
)
# Words that name no particular goods (物资, 所需材料, 配套备品备件, 设备及材料 …)
_GENERIC = re.compile(
    r"^(?:下列|以下|如下|上述|所需|所用|相关|该批?|本批|此批|这批|一批|各类|各种|各项|其他|其它|零星|月度|年度|季度|随机|随车|随货|"
    r"辅助|日常|常用|通用|生产|办公|劳保|配套|后勤|备用|需求|采购|主要|必要|有关|部分|全部|若干|"
    r"关键|核心|重要|一样|一种|某种|(?:更|较|最|比较)[\u4e00-\u9fff]{1,3}?的?)*"  # 关键配套件, 更稳定产品: which, not what
    r"(?:物资|材料|原材料|原辅材料|原辅料|辅料|原料|物料|产品|货物|设备|配件|配套件|零配件|备品备件|备品|备件|"
    r"辅材|耗材|用品|东西|商品|器材|零部件|部件|物品|货|料|资源|项目|内容|标的物?|技术)"
    r"(?:及|和|等|类)?$"
    r"|物资$|物料$"  # 检修物资, 月度物料: a kind of purchase, never particular goods
    r"|^(?:其他|其它|其他类|其它类|无|暂无|待定|劳保|办公)$"
    r"|^设备(?:备品备件|备品|备件|配件|零配件|零部件)$"  # 设备备品备件: spares of any machine
)
# Not goods: the buyer, the procedure, the paperwork, people, time (a sentence's leftovers)
_NOT_PRODUCT = re.compile(
    r"公司|企业|单位|机构|集团|有限$|有限责任|股份有限|某某|厂家|厂商|供应商|供货商|(?:投标|采购|招标|联系|代理|申请|中标|比选|询价|委托|负责|法|个)人|投标|招标|比选|谈判|磋商|询价|询比|报价|截止|"
    r"时间$|^时间|日期|地点|地址|电话$|联系|邮箱|资格|资质|条件|注册|资本|法人|违法|文件第|"
    r"(?:招标|投标|采购|响应|谈判|磋商|比选|申请)文件|见附件|附件[一二三四五\d]|详见|合同|发票|付款|账期|认证|证书|体系$|清单|需求|编号|方式|要求|规格型号|"
    r"信息$|(?:申请|询价|报价|订|采购|需求|清)单$|价格|数量|渠道|货源|私聊|私信|老板|朋友|群里|每个?月|每年|每天|每周|长期|优先|"
    r"事宜|意向|名录|合作|对接|业务|能力|经验|样品|测试|下单|\d{4}年|\d+月|\d+日|季度|年度|"
    r"贵司|贵公司|贵单位|收到后|产业链|补链|强链|延链|行业$|领域$|型号$|同款|请示$|专精特新|小巨人|高新技术|唯一|^某|^请|^(?:收到|好的|明白|知道了)|含税|运费|(?:之|以)前$|周[一二三四五六日末]|今天|明天|上午|下午|晚上|\d+点|不变$|审核|开会|推迟|上传|等待|拼单|(?<![A-Z])(?:PLEASE|ATTACHED|KINDLY|HI|TEAM|ALL)(?![A-Z])|^(?:我们?|你们?|他们|咱们|大家)(?!牌)|^(?:生态|战略|核心|合格|优质|专业)$|^(?:本次|此次|该次|本项目|该项目)|单一来源|竞争性|谢绝|拒绝|不接受|勿扰|大家|各位|你好|您好|谢谢|感谢|提供|随货|报告$|合格证$|资料$|有效$|无效$|DEAR|HELLO|REGARDS|THANKS|^(?:BEFORE|BY|WITHIN|UNTIL|NO)(?![A-Z])|^(?:重新|再次|二次)$|^多少|为准$|下述|上述|^[一二两三四五六七八九十百千几]+(?:吨|顿|件|套|台|个|只|箱|批|斤|公斤)$|^(?:IT|THEM|THIS|THAT|THESE|US|PURCHASE|INQUIRY|ENQUIRY|QUOTATION|QUOTE|REQUEST|ORDER|PRICES?|SAMPLES?)$|理由|原因|目的|政府|了解|便于|进行|开展|参与|发布|公示|安排|确定|获取|登录|下载|报名|提交|反馈|发送|具备|"
    r"满足|符合|保障|降低|提高|实现|欢迎|邀请|告知|^[有现期]货$|(?:甲|乙|供|需|品牌|买|卖|合作|双)方$|"
    r"[|:*@#]"
    r"|^第[一二三四五六七八九十百\d]+[章节篇条]"  # 第五章 …: a chapter of a document
    r"|^目\s*录$"
    r"|新品$"  # Y新品: the buyer's new product, what the parts are for
    r"|^(?:问题|提问|答复|回复|答疑|问|答|Q|A)\d*$"  # 问题1：…, A2：… a clarification's Q&A labels
    r"|^(?:订货|进货|采购|求购|询价|招标|采买|购买|收购)$"  # a procurement verb alone names no goods
    r"|(?:合格|通过|确认|完成|验收|到货)后"  # 验证合格后批量订货: when, not what
    r"|^(?:校企|产学研|校地|政企|银企|市场)$|^承诺(?:书|函)?$"  # 校企合作, 采购承诺: deals, paperwork
    r"|(?:研究所|研究院|研究中心)$"  # Y研究所: the buyer
    r"|^(?:主播|博主|楼主|群主|作者|UP主)$"  # 主播这个怎么卖: the person asked, not goods
    r"|^(?:项目)?(?:特征)?描述$"  # 项目特征描述: a bill of quantities' column, never goods
    # 产能要翻一倍, 成本占到三成, 降本8%的硬指标: how much, never what
    r"|^翻?[一二两三四五六七八九十几半\d]+倍$|^[一二两三四五六七八九十几\d]+成$|(?:硬|考核)指标$|^指标$|降本|占比"
    # 含量≥99.5%, 水分≤0.3%, 粒度80-120目, 月用量: a specification or an amount, not goods
    r"|[≥≤＞＜]|\d%$|\d目$|^(?:[年月日周]用量|[年月周]用|用量)$|^(?:规格|参数|技术参数|备注)$"
    r"|(?:到厂|出厂|到岸|离岸|含税|不含税)价|%(?:专|普)?票|(?:编织袋|吨袋|桶)包装$"  # 到厂价含13%票, 编织袋包装
    # 技术问题求助, 愿意配合做失效分析, 转发如下: a request or a sentence about the supplier
    r"|求助|问题$|愿意|希望|机会|^配合$|转发|如下$|^想|扩产|扩能"
    r"|^(?:国内|国外|海外|境内|境外|省外|市外)$|^会员$|秘书处"  # 国内企业, 会员单位: who
    r"|(?:工程师|负责人|厂长|老板)$|进展$|^(?:绝?大)?(?:部分|多数)$"  # 我是做Y研发的工程师: who writes
    r"|老乡|老铁|岗位|职位|待遇|任职|一家|^成本|^外协做?$|^(?:一直|长期|仍然|还是)$|^一[则条项份]$|即可"  # 老乡, 招募岗位, 成本再降
    r"|^(?:联合|验证|开发|研发|验收)$|^(.)一\1$|^(?:对比|装机|小批量)?验证$|^比(?:它|这|那|现在|原来|之前)|倍以上|伙伴|共同"
    r"|^[\u4e00-\u9fff]一?些$|第[\d一二三四五六七八九十]+期|^因(?:为|扩大|扩产|业务|生产|需要)|^由于"  # 近些, 第12期, 因扩大生产  # 参与联合开发和验证, 比一比: doing, not goods
    r"|^人(?:识|认识|知道)$|^(?:NEW|ANOTHER|SECOND|ALTERNATIVE)$|PHASE ?OUT"
    r"|^(?:本|下|上|这|今|明|每)(?:周|月|年|季度?)$|(?:月底|月初|年底|年初)|到位$"  # 本周, 下月底前到位
    # Φ25×3mm, 外径25mm, 材质304, 304材质: a dimension or a material grade, not goods
    r"|^[ΦφØ∅]|^(?:长度|宽度|厚度|壁厚|外径|内径|直径|定尺|高度|重量|材质|硬度)(?:\d|[A-Z]|为)|材质$"
    # 詢價單 Quotation Request: the document's name in two languages
    r"|^单?\s*(?:QUOTATION|REQUEST|INQUIRY|ENQUIRY|RFQ|FORM|SHEET)(?:\s+(?:QUOTATION|REQUEST|INQUIRY|ENQUIRY|RFQ|FORM|SHEET|FOR))*$"
)
_BAD_EDGE = re.compile(r"^[的了及或与把被得]|[者们都了吗呢吧啊的和与及或是为有在得过]$")
_PERSON = re.compile(
    r"^[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    r"苏魏吕丁任沈姚卢姜崔钟谭陆汪范金廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    r"邵万钱严覃武戴莫孔向汤]"
    r"(?:工|总|经理|先生|女士|小姐|老师|主任|部长|科长|师傅|主管|专员)$"
)
# Goods that are one character (铜, 煤, 糖 …): any other one-character phrase is a leftover
_ONE_CHARACTER_GOODS = frozenset(
    "铜铝锌铅锡镍钴钨钼钛铁钢金银铂钯锂镁锰铬硅硫磷碘盐糖油煤碱漆胶布纸茶米面棉麻丝蜡砂酒醋奶蛋肉"
    "鱼虾鸡鸭鹅猪牛羊"
)
# A quality standing alone (高精度、耐腐蚀的阀 lists two qualities of one thing, not goods)
_MODIFIER = re.compile(
    r"^(?:[高低超强耐防抗]?[\u4e00-\u9fff]{1,3}[度性]|耐腐蚀|耐高温|耐低温|耐磨|耐压|耐候|防爆|防腐|"
    r"防水|防潮|防静电|阻燃|新型|智能|环保|节能|高效|精密|定制|非标|进口|国产|优质|高端|低价)$"
)
# A product glued to a word that says how it is bought (伺服驱动方案, 汽车线束配套, X类)
_GLUED_TAIL = re.compile(
    r"(?:(?:整体解决方案|解决方案|方案|配套件?采购|配套|类|系列|业务|项目|国产化替代|国产替代|国产化|"
    r"替代品?|替换|升级|改造|环节|方向|(?:技术|关键技术|关键工艺)?(?:攻关|研发|开发|研制|试制)(?:团队|合作)?|团队|"
    r"样件|样品|样机|打样|手板|性能(?:提升|提高|优化|改进|改善)))+$"
)

_LIST = re.compile(r"、|和|及|以及|与|或|/|＋|\+|——")  # A——B: B says which A, or what A describes
_QUANTITY = re.compile(
    r"(?:(?:采购|需求|订货)?(?:数量|量)[:：]?)?(?:大约|大概|约|共|计|为|每月|每年|年|月)?"
    r"(?:\d[\d,]*(?:\.\d+)?|若干|几|多|数)(?:万|千|百)?"
    r"(?:吨/月|吨/年|吨|件|套|台|个|只|片|米|公斤|千克|KG|T|箱|批|PCS|卷|桶|袋|座|瓶|支|根|块|张|辆|组|对|副|条|盒|包|粒|颗|"
    r"立方米?|平方米?|升)"
    r"|(?:约|共|计|为|年|总|预算)?\d[\d,]*(?:\.\d+)?(?:万|亿)?元(?:/年|/月)?"  # money is not goods
)
_LEAD = re.compile(rf"^(?:{_FILLER})+")
_TRAIL = re.compile(
    r"(?:等(?:原材料|原料|材料|物料|配件|零部件|产品|设备|物资|货物|物品|用品|商品|东西)?|等等|若干|一批|之类|的?(?:吗|呢|吧|么|没|哈|啊|呀|嘛)"
    r"|的?(?:公告|通知|公示|信息|邀请函|询价函|邀请|计划|招标|事宜)|(?:供货|供应|合作|采购)?(?:意向|意愿)"
    r"|有没有(?:现)?货|有(?:现)?货(?:吗|没有?)?"  # X有没有货: X is asked for
    r"|(?:目前|现在|当前|一直|长期|主要|完全|全部|均)?(?:依赖|依靠)"  # X目前依赖外购: X is bought
    r"|量大(?:从优)?|价优|从优|试试|看看"
    r"|按(?:国标|国家标准|行标|企标|标准|图纸?|样品?|要求))+$"  # X按国标采购: how, not what
)
_PURPOSE = re.compile(
    rf"(?:{_FIRM})?(?:为了?|因|由于)(?:满足|配合|适应|保障|保证|支持)?(?P<app>.+?)"
    r"(?:的)?(?:配套|所需|生产需要|扩产需求|扩产需要|扩产|需要|需求|使用|之需)"
)
# Clause ends; a comma or point between digits (1,000套, 0.5mm) is part of a number
_CLAUSE_SPLIT = re.compile(
    r"(?:[，。；！？;!?\n\r\t（）()【】\[\]<>《》\"“”'‘’]|(?<!\d)[,.]|[,.](?!\d))+"
)
_STOP_WORDS = frozenset({"请", "联系", "有能力", "欢迎", "谢谢", "报价", "合作", "洽谈"})
# What a supplier must send or meet, never what is bought: 样件, 资料, 月用量 …
_NOT_WANTED = re.compile(
    r"^(?:样品|样件|样板|手板|调查|调研|数量|资质|资料|证书|认证|发票|合同|方案|报价单?|价格|货款|付款|交期|"
    r"交货期?|账期|质保|.{0,3}量)$"
    # the same in an English RFQ: YOUR BEST PRICE, MOQ AND LEAD TIME, CIF PRICE, SAMPLES
    r"|^(?:(?:YOUR|OUR|THE|BEST|GOOD|LOWEST|COMPETITIVE|FOB|CIF|CNF|CFR|EXW|DDP|UNIT|TOTAL)\s+)*"
    r"(?:PRICES?|PRICE LIST|QUOTATIONS?|QUOTES?|OFFERS?|MOQ|LEAD TIMES?|DELIVERY(?: TIMES?)?|SAMPLES?|"
    r"CATALOGU?ES?|SPECIFICATIONS?|SPECS|DATASHEETS?|TDS|MSDS|SDS|COA|PAYMENT TERMS?|COMPANY PROFILE)"
    r"(?:\s+(?:AND|&)\s+(?:PRICES?|MOQ|LEAD TIMES?|DELIVERY(?: TIMES?)?|SAMPLES?|PAYMENT TERMS?))*$"
)
# Sentences about the buyer itself (本厂始建于…, 公司主导产品有Y…, 我们是Y行业的骨干企业):
# they may name the buyer's own products, which are what the need is for, never wanted.
_ABOUT_FIRM = re.compile(
    rf"^(?:(?:{_FIRM})(?:是|为|系|位于|成立|始建|创建|创立|拥有|已|通过|主要|主营|主导|主打|产品|年产|"
    r"占地|注册|专注|致力|隶属|属于|地处|坐落|总部|目前|现有|作为)"
    r"|(?:主要|主导|主营|主打)产品|位于|地处|坐落|成立于|始建于|创建于|注册资本|年产值|年销售|占地|是国家|是一家|系一家|"
    r"为一家|拥有|已通过|通过了|.{0,12}?(?:是|系)(?:国内|全国|全球|国际|我国|行业|业内)"
    r"(?:领先|知名|一流|最大|重要|骨干|龙头|大型|专业|主要)"
    r")"
)
# Conditions on the supplier or the deal (仅限省内企业, 须持有…许可证, 到货时间…)
_CONDITION = re.compile(
    r"^(?:优先|仅限|限于|只限|要求|希望|须|必须|具备|具有|持有|符合|满足|交货|交期|到货|付款|"
    r"结算|报价截止|截止|联系|电话|手机|地址|邮箱|预计|预算"
    r"|(?:中标|投标|参选|报名|入围|所有)?(?:供应商|供货商|厂家|厂商|投标人|中标人|乙方|卖方|供方)"
    r"(?:需|须|应|必须|要|务必|均))"
)
_TITLE_NOISE = re.compile(r"^(?:急|加急|紧急|RFQ|RFI|RFP|NEW|新|热|置顶|推荐|公告|项目)$")
_THIS_DEAL = re.compile(r"^(?:本次|此次|该次|本)(?:采购|招标|询价|项目)(?:项目|活动)?")
_DEAL_GOODS = re.compile(
    r"^(?:本次|此次|该次|本项目)(?:所?(?:采购|招标|询价|购买))的(?P<obj>[^的]{2,20}?)"
    r"(?:须|应|必须|需|均)(?:满足|符合|达到|具备|为)"
)
# 就X组织询比价, 对X实施集中采购: the object sits between the preposition and the verb;
# without a preposition (X进行框架采购) it is all that comes before the verb
_DEAL_VERB = (
    r"(?:开展|进行|组织|实施|启动|发出|发起|提出)"
    rf"(?:{_PROCEDURE}|(?:框架|集中|公开)?(?:协议)?(?:采购|询价|招标|询比价|比选|寻源|竞价|谈判))"
)
_DEAL_ON = re.compile(rf"(?:就|将|对(?!讲|焊|夹|开|接头|辊))(?P<obj>.+?){_DEAL_VERB}")
_DEAL_BARE = re.compile(rf"^(?P<obj>.+?){_DEAL_VERB}")
# 举办X技术研讨会: a meeting the buyer holds about the goods it looks for
_MEETING_ON = re.compile(
    r"(?:举办|召开|举行|组织)(?P<obj>[^举召组]{2,20}?)(?:技术|供需|应用)?"
    r"(?:研讨会|交流会|对接会|座谈会|推介会|论坛|沙龙)"
)
# 对贵司的X非常感兴趣: what the buyer is interested in is what it asks about
_INTERESTED_IN = re.compile(
    r"对(?P<obj>[^对]{2,30}?)(?:非常|很|十分|特别|比较|极为|颇)?(?:感兴趣|有兴趣|有采购意向)"
)
# 问题锁定在X上, 故障原因出在X: what an engineer traced a fault to is the part to replace
_TRACED_TO = re.compile(
    r"(?:问题|原因|故障|毛病|根源|症结|瓶颈|短板)[^在到于]{0,6}?(?:锁定|定位|出|归结|集中|卡)?(?:在于|在|到|于)"
    r"(?P<obj>[^在到于]{2,20}?)(?:上|里|中|这块|这一块|这里|身上|方面|环节)?"
    # 原因在于所用的X质量不稳定: what is wrong with it follows the part
    r"(?:的?(?:质量|性能|品质|一致性|稳定性|寿命|精度)?(?:不稳定|不好|不行|太差|差|不够|有问题|不达标|不合格|波动大?))?$"
)
# 但X仍依赖进口: goods bought abroad that the buyer wants made at home
_IMPORTED = re.compile(
    r"^(?:.*?(?:只有|唯有|仅有|只剩|就剩))?(?:但是?|而|可是?|不过|其中|目前|现在|当前)*(?P<obj>[^在]{2,20}?)"
    r"(?:目前|现在|当前|一直|长期|仍然?|还是?|都|均|全部|主要|完全|基本|大多|大部分)*"
    r"(?:依赖|依靠|靠|在用|使用|用的是|采用)(?:于)?(?:进口|国外|海外|外购|外采|外国)"
)
# 完成X的国产替代, 实现X国产化: the goods to be made at home are wanted
_LOCALISE = re.compile(
    r"(?:完成|实现|推进|推动|开展|启动|加快|加速|做好)(?P<obj>[^完实推开启加做]{2,20}?)的?"
    r"(?:国产化?替代|进口替代|国产化|自主可控|本土化)"
)
# 确认是X批次质量波动导致的: what a fault was found to be caused by is the part to replace
_CAUSED_BY = re.compile(
    r"(?:是|为|系)(?P<obj>[^是为系]{2,20}?)的?(?:批次|来料)?(?:质量|性能|品质|一致性|稳定性)?"
    r"(?:波动|问题|缺陷|不良|异常|不稳定|失效|老化|磨损|损坏|开裂|变形|泄漏|腐蚀)?所?(?:导致|造成|引起|引发)的?$"
)
# 核心部件中X长期被国外垄断: goods a foreign maker holds are the ones to make at home
_HELD_ABROAD = re.compile(
    r"(?:(?:部件|零部件|材料|原料|器件|产品)(?:当中|之中|中|里))?(?P<obj>[^中里被由]{2,20}?)"
    r"(?:长期|一直|目前|仍然?|还|都)*(?:被|由)(?:国外|外国|海外|进口|外资|日本|美国|欧美|德国)"
    r"[^，]{0,6}?(?:垄断|把持|控制|卡脖子|独占)"
)
# X这一项花得最多: the item the buyer spends most on
_SPENT_MOST = re.compile(
    r"^(?P<obj>.{2,20}?)(?:这一?项|这一?块|这部分|这个)?(?:花得|花费|开销|开支|用得|用量|成本)(?:最多|最大|最高)$"
)
# 满足以上条件的X: the goods the listed conditions are for
_MEETS_SPECS = re.compile(
    r"^(?:满足|符合|达到)(?:以上|上述|前述)(?:条件|要求|参数|指标|规格)的(?P<obj>.{2,20})$"
)
# 以上为X要求: specifications listed first, then the goods they are of
_SPECS_OF = re.compile(
    r"^(?:以上|上述|前述)(?:均)?(?:为|是)(?P<obj>.{2,20}?)的?(?:技术)?(?:要求|参数|规格|指标|标准)$"
)
# 原材料里X占比最高: the input that weighs most is the one the buyer looks for
_LARGEST_SHARE = re.compile(
    r"(?:原材料|原辅材料|原料|物料|材料|配件|零部件|成本|采购)(?:里面|当中|之中|里|中)(?:的)?"
    r"(?P<obj>[^里中]{2,20}?)的?(?:占比|用量|成本|花费|采购额|金额|比重)(?:最|很|较|比较|特别)?(?:高|大|多)"
    r"|^(?P<obj2>[^是占]{2,20}?)(?:是|占)(?:我们|我司|公司|我厂)?的?"
    r"(?:原材料|原料|物料|材料|成本|采购)(?:里面|当中|之中|里|中)?(?:最大|最高|最多)的?(?:一块|一项|一部分|部分)?(?:开支|支出|花销)?$"
)
# 您的产品X, 贵司的X: the supplier's goods, named after whose they are
_YOUR_GOODS = re.compile(
    r"^(?:你们|你|您们|您|贵司|贵公司|贵厂|贵方)的?(?:产品|商品|货物)?(?=.{2})"
)
# 招标文件第五章中…: a pointer into the tender documents before what a clause says
_DOC_POINTER = re.compile(
    r"(?:^|(?<=:))(?:招标|采购|谈判|磋商|比选|询价|竞争性谈判|竞争性磋商)?文件"
    r"(?:第[一二三四五六七八九十\d]+(?:章|节|条|款|部分|项))+(?:中|里|内)?的?(?=.{4})"
)
# X的数量是否可分批交货, X的品牌有无要求: a question or answer about the goods' terms
_GOODS_ASKED = re.compile(
    r"^(?P<obj>[^的]{2,20}?)的(?:数量|规格型号|规格|型号|技术参数|参数|技术要求|品牌|交货期|交货时间|"
    r"供货期|质保期|包装)(?:是否|能否|可否|有无|有没有|如何|怎么|多少|可以|可|须|需|应)"
)
# 须提供X制造商出具的授权书: the maker of the goods authorises the bid
_MAKER_AUTHORISES = re.compile(
    r"(?:^(?:须|需|必须|应)?(?:提供|出具|具有|具备|取得|持有)?|提供|出具|具有|具备|取得|持有)(?:所投)?"
    r"(?P<obj>[^，。]{2,20}?)的?(?:制造商|生产厂家|生产厂商|生产商|原厂)(?:出具|开具|提供)?的?"
    r"(?:[^，。]{0,12}的)?授权(?:书|函)?"
)
# 其在Y中的应用: what the goods are used in
_APPLIED_IN = re.compile(r"在(?P<app>[^在]{2,16}?)(?:中|上|里|领域|行业|方面)的应用$")
# 拟就X的技术路线与供应商进行交流: a technical exchange about the goods the buyer looks for
_DISCUSS_ON = re.compile(
    r"就(?P<obj>[^就]+?)(?:与|同|和|向)[^与同和向]{1,14}?(?:进行|开展)?(?:技术)?(?:交流|探讨|研讨)"
)
# 诚邀贵司参加X项目的报价: the deal a supplier is invited to names the goods
_TAKE_PART = re.compile(
    r"(?:参加|参与)(?P<obj>.+?)(?:项目)?的?(?:报价|投标|询价|竞价|比选|磋商|谈判|采购|招标)(?:活动)?$"
)
_FIRM_FIELD = re.compile(
    r"(?:是|为|系|作为)(?:国内|全国|全球|国际|我国|行业|业内)?"
    r"(?:领先|知名|一流|最大|重要|骨干|龙头|大型|专业|主要)*的?"
    r"(?P<app>[^是为系的]+?)(?:领域|行业|企业|制造商|生产商)"
)
_FIRM_PRODUCTS = re.compile(
    r"(?:主要产品|主导产品|主打产品|主营产品|产品)(?:包括|包含|有|为|是)(?P<app>.+)$"
)
_FIRM_MAKES_TAIL = re.compile(r"的(?:[^的]*)(?:企业|公司|厂家|厂商|工厂|集团)?$")


# Y用X, Y生产用X (锂电池用铜箔, 正极材料车间用碳酸锂): X is wanted, for Y. Not when 用 is part
# of a word (专用, 通用, 使用, 家用 …) or the object is one character (汽车用钢 stays whole).
_FOR_USE = re.compile(
    r"^(?P<app>.{2,}?)(?:生产|制造|车间|产线|生产线|项目|工厂|工序)?"
    r"(?:(?<![专通适使应采选试费信作功实家民军商公自常耐耗日租借占启停调动引雇录任挪享饮食药])"
    r"(?<!(?<!设)备)用(?![于途量户品地工料作来在])|配套(?!件|商|企业|厂)|所需[的之]?|所用[的之]?)(?P<obj>.{2,})$"
)


# Y上用的, Y厂自用, 做Y要用: a clause saying only what the goods are for
_USED_FOR = re.compile(
    r"^(?:是|都是|主要|我们|我司|我厂|本厂)?(?:给|供)?(?:做|生产|制造)?(?P<app>[^用]{2,}?)"
    r"(?:生产|制造)?(?:厂|车间|产线|生产线|工厂|项目|行业)?(?:上|里|中|方面)?(?:要|需要|需|所)?"
    r"(?:使用|自用|(?<!应)用)(?:的|途)?$"
)
# Y主料, Y的主要原料: the goods are the main material of Y, which is what they are for
_MATERIAL_OF = re.compile(
    r"^(?!主要|重要|关键|核心)(?P<app>.{2,}?)的?(?:主料|主材|主要原料|主要材料)$"
)
_DO_MAKE = re.compile(
    r"^(?:我们厂|我们公司|我们|我司|我|本人|我厂|本厂)?(?:是|也是|主要)?(?:做|搞|生产|制造)"
    r"(?P<app>.{2,}?)(?:行业|生意|产品)?的$"
)


def is_generic(phrase: str) -> bool:
    """Whether a phrase names no particular goods (物资, 所需材料, 配套备品备件 …).

    Examples
    --------
    >>> [is_generic(x) for x in ["物资", "下列物资", "配套备品备件", "乙烯", "生产设备"]]
    [True, True, True, False, True]
    """
    return bool(_GENERIC.match(phrase)) or phrase.endswith(("物资", "物料"))


def is_product_like(phrase: str) -> bool:
    """Whether a phrase read as wanted can name goods, rather than be a leftover of a sentence.

    Leftovers are a buyer or a procedure (招标代理机构, 投标人), paperwork (文件第五章), a
    person (王工), time (每个月都), a certification (ISO9001认证) or one character that names
    no goods (货, 人).

    Examples
    --------
    >>> [is_product_like(x) for x in ["伺服电机", "铜", "货", "王经理", "代理机构", "ISO9001认证"]]
    [True, True, False, False, False, False]
    """
    if len(phrase) == 1:
        return phrase in _ONE_CHARACTER_GOODS
    english = not re.search(r"[\u3400-\u9fff]", phrase)
    return not (
        # a leftover sentence is long; an English name takes more letters (six words at most)
        (len(phrase) > 60 or len(phrase.split()) > 6 if english else len(phrase) > 25)
        or re.fullmatch(r"[\d.,%\-/ ]+|[A-Z]", phrase)
        or _NOT_PRODUCT.search(phrase)
        or _BAD_EDGE.search(phrase)
        or _PERSON.match(phrase)
        or find_certifications(phrase)
        or any(m.text == phrase for m in find_regions(phrase))
    )


# X的生产与供应, X的价格: what is asked about X, not another product
_ABOUT_GOODS = re.compile(
    r"的(?:生产|供应|供货|加工|制造|销售|研发|设计|服务)(?:(?:与|和|及|、)"
    r"(?:生产|供应|供货|加工|制造|销售|研发|设计|服务))*$|的?(?:价格|报价|价钱|行情|货源|渠道|样品|资料)$"
    r"|的(?:技术路线|技术方案|工艺路线|工艺方案|解决方案|技术)$"
)


_ENGLISH_LEAD = re.compile(
    r"^(?:(?:ABOUT|APPROX\.?|AROUND)\s+)?(?:\d[\d,.]*\s*(?:PCS|PIECES|UNITS|SETS|TONS?|MT|KGS?|"
    r"METERS?|ROLLS|BAGS|DRUMS|LITERS?)?\s+)?(?:(?:OF|THE|A|AN|SOME|ANY|YOUR|RELIABLE|QUALITY)\s+)*"
    # (A RELIABLE) SUPPLIER OF X: the goods follow the supplier words
    r"(?:(?:(?:QUALIFIED|TRUSTED|LONG-TERM|STABLE|GOOD|NEW)\s+)*(?:SUPPLIERS?|VENDORS?|MANUFACTURERS?|"
    r"PRODUCERS?|DISTRIBUTORS?|SOURCES?|FACTOR(?:Y|IES)|EXPORTERS?)\s+(?:OF|FOR)\s+)?"
)
# X NEEDED, X TENDER, X SUPPLIER WANTED: an English title naming the goods before its want word
_ENGLISH_WANT_AFTER = re.compile(
    r"^(?P<obj>[A-Z][A-Z0-9 ,.'/&\-]*?)\s*[-:]?\s*(?:(?:SUPPLIERS?|VENDORS?|MANUFACTURERS?)\s+)?"
    r"(?:NEEDED|WANTED|REQUIRED|TENDER|INQUIRY|ENQUIRY|SOURCING|PROCUREMENT|RFQ|"
    r"REQUEST FOR (?:QUOTATION|QUOTE|PROPOSAL))$"
)
_ENGLISH_ABOUT = re.compile(r"^(?:ABOUT|REGARDING|CONCERNING)\s*(?=\S)|^RE\s*[:：]\s*")
_ENGLISH_TAIL = re.compile(r"\s*(?:URGENTLY|ASAP|IMMEDIATELY|PLEASE|PLS|THANKS?|THX)$")
_ENGLISH_FOR = re.compile(
    r"(?:\s+|(?<=[\u4e00-\u9fff]))(?:FOR|TO BE USED|USED|IN|WITH)\s+.*$"
)  # X FOR Y, X用FOR A NEW LINE: what follows says what it is for


# XX有限公司2026年碳化硅, Y事业部X: a title's buyer (or its division) before the goods
_FIRM_NAME = re.compile(
    r"^(?![本我子分总各该其])[^,，]{2,20}?(?:有限责任公司|股份有限公司|有限公司|集团公司|集团|公司|事业部|分厂)(?=.{2})"
)


# X两件, X三台: a quantity in Chinese numerals at the end of the object
_CN_QUANTITY = re.compile(
    r"(?<=.{2})[一二两三四五六七八九十百千]+(?:吨|顿|件|套|台|个|只|片|米|箱|批|卷|桶|袋|座|瓶|支|根|块|张|辆|组|"
    r"对|副|条|盒|包|粒|颗)$"
)


# 型号HG-80B 伺服电机: a model number labelled as such, before the goods' name
_MODEL_LEAD = re.compile(
    r"^(?:型号|规格型号|料号|货号|品号)[:：]?\s*[A-Z0-9][A-Z0-9\-./]*\s*(?=[\u4e00-\u9fff]{2})"
)


def _clean_object(obj: str) -> list[str]:
    obj = _MODEL_LEAD.sub("", _STANDARD_NO.sub("", obj))
    obj = _FIRM_NAME.sub("", _CN_QUANTITY.sub("", _QUANTITY.sub("", obj)))
    obj = _ABOUT_GOODS.sub("", obj) or obj
    out: list[str] = []
    parts = _LIST.split(obj)
    for i, part in enumerate(parts):
        part = _TRAIL.sub("", _LEAD.sub("", part.strip(" -—–_·"))).strip(" 的-—–_·")
        part = _ENGLISH_FOR.sub("", _ENGLISH_LEAD.sub("", part))  # (THE) X FOR Y: X
        part = _ENGLISH_TAIL.sub("", _ENGLISH_ABOUT.sub("", part)) or part  # ABOUT X URGENTLY
        for_use = _FOR_USE.match(part)
        if for_use:
            part = for_use.group("obj")
        part = _YOUR_GOODS.sub("", part) or part  # 您的产品X: the supplier's X
        if "的" in part:  # X的Y: Y is the head, X a modifier (认证、用途、规格 …)
            head = part.rsplit("的", 1)[1]
            head = _LEAD.sub("", head) if len(_LEAD.sub("", head)) >= 2 else head  # 的那个X
            part = head if len(head) >= 2 else part.replace("的", "")
        part = _SUPPLIER_TAIL.sub("", part) or part
        glued = _GLUED_TAIL.sub("", part)
        if len(glued) >= 2 or not glued:  # 技术攻关, 方案: nothing but the glued words
            part = glued
        part = strip_region(part)
        if _MACHINE_SPARES.search(part):
            continue  # Y设备维保备件: Y is the machine the spares are for; the part is named elsewhere
        if (
            part
            and part not in _STOP_WORDS
            and not _NOT_WANTED.match(part)
            and not is_generic(part)
            and not _CUE_CHAIN.fullmatch(part)  # 需找 (长期供应商): the cue alone names nothing
            and not (i < len(parts) - 1 and _MODIFIER.match(part))
            and is_product_like(part)
        ):
            out.append(part)
    return out


@dataclass(frozen=True, slots=True)
class SentenceReading:
    """What the sentences of one text say.

    ``wanted``: phrases a want cue introduces (采购X, X招标, 就X组织比选 …); ``weak``: phrases
    before supplier words without a cue (X供应商); ``applications``: what it is for; ``bare``:
    clauses without any cue that could name goods (a title such as 锂电池隔膜), a last resort.
    """

    wanted: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    bare: tuple[str, ...] = ()


# 给Y提供支撑的那部分（也就是X）: a description, then the goods' name in brackets
_THAT_IS = re.compile(
    r"[^,，。；;:：!?！？()]{0,30}?\((?:也就是|就是|即|也即|亦即|俗称|又称|又叫|通称)(?P<inner>[^()]{2,20})\)"
)
# 采购一种原材料（X）: a word naming no goods, then the goods in brackets
_GENERIC_NAMED = re.compile(r"(?P<gen>[\u4e00-\u9fff]{2,12})\((?P<inner>[^()]{2,20})\)")
# Dictated speech has no punctuation: a long clause breaks at spoken particles and connectives
_SPOKEN_MIN = 20
_SPOKEN_BREAK = re.compile(
    r"(?<=[啊呀嘛哈])|(?<=吧)(?![台椅凳])|(?<=你好|您好)|(?<=^喂)|(?=然后|所以|但是|因为|而且|不过|之前|另外|还有|就是|麻烦|最好|有没有|请问|"
    r"(?<![理思梦幻感设假猜联构回])想|(?:我们|我|你们|你)(?:这边|那边|帮忙|帮我|帮|现在))"
)


# 喂 那个 我们要买 叉车: spaces between Chinese words in a dictated line are pauses
_PAUSE = re.compile(
    r"(?<=[\u4e00-\u9fff]) +(?=[\u4e00-\u9fff\d])|(?<=[\u4e00-\u9fff\d]) +(?=[\u4e00-\u9fff])"
)


def _pauses(text: str) -> str:
    """Spaces in a line with three or more between Chinese words become clause ends, except
    after a bare want cue (求购 二手注塑机 海天的 浙江优先: 求购 stays with its object)."""
    lines = []
    for line in text.splitlines():
        words = _PAUSE.split(line)
        if len(words) > 3:
            line = words[0]
            for before, word in itertools.pairwise(words):
                if re.fullmatch(rf"{_PROCEDURE}|用|使用|用途", word):
                    line += word  # X 需求, Y 用: the word goes with what it follows
                elif _CUE_CHAIN.fullmatch(before) and not re.fullmatch(_PROCEDURE, before):
                    line += word  # 求购 X: the cue goes with its object
                else:
                    line += "，" + word
        lines.append(line)
    return "\n".join(lines)


# GLASS FIBER (玻璃纤维): one product named in two languages; 聚四氟乙烯(PTFE)板材: an abbreviation
_LATIN_NAMED = re.compile(
    r"(?P<latin>[A-Z][A-Z0-9\- ]{2,40}?)\s*\((?P<han>[\u4e00-\u9fff]{2,12})\)"
)
_INNER_ABBREVIATION = re.compile(r"(?<=[\u4e00-\u9fff])\([A-Z][A-Z0-9\-]{1,9}\)(?=[\u4e00-\u9fff])")


def _bilingual(line: str) -> str:
    line = _INNER_ABBREVIATION.sub("", line)
    return _LATIN_NAMED.sub(lambda m: f"{m['latin']}、{m['han']}", line)


_CUED_END = re.compile(rf"(?:{_WANT_CUE}|{_FILLER})$")
_KIND_OF = re.compile(r"(?:一种|某种|一款|某款|一类|某类)(?P<word>[\u4e00-\u9fff]{1,4})$")


def _name_generic(m: re.Match[str]) -> str:
    gen, inner = m["gen"], m["inner"]
    if not is_product_like(inner) or re.match(r"第|\d", inner):
        return m.group()  # 采购项目（第一次）: a round of the deal, not goods
    for i in range(len(gen) - 2, -1, -1):  # the shortest generic tail: 采购一批设备（X）
        # 一种原材料（X）, not 不锈钢材料（Y用途）: nothing but a cue or a filler before the word
        if i and not _CUED_END.search(gen[:i]):
            continue
        if _GENERIC.match(gen[i:]) and not gen.endswith(("项目", "内容", "技术")):
            return gen[:i] + inner
    kind = _KIND_OF.search(gen)  # 一种助剂（消泡剂）: the bracket names which one
    if kind and not re.search(r"用|途", inner):
        return gen[: kind.start("word")] + inner
    return m.group()


_SIGN_OFF = re.compile(
    r"^(?:(?:BEST|KIND|WARM|WARMEST)\s+)?(?:REGARDS|WISHES)$|^(?:THANKS (?:AND|&) REGARDS|SINCERELY|"
    r"YOURS (?:SINCERELY|FAITHFULLY|TRULY)|CHEERS|BR)$"
)


def read_sentences(text: str) -> SentenceReading:
    """Read what is wanted and what it is for, sentence by sentence.

    Clauses about the procedure and the paperwork (注册资本, 投标文件, 联系人 …) are skipped.

    Examples
    --------
    >>> r = read_sentences("锂电池隔膜。有意者请联系王工，电话1380000")
    >>> r.wanted, r.bare
    ((), ('锂电池隔膜',))
    """
    wanted: list[str] = []
    weak: list[str] = []  # "…供应商" without a want cue: used only if nothing else is found
    apps: list[str] = []
    bare: list[str] = []
    label: str | None = None  # "询价：X", "用途：Y": the label's clause says what the next one is
    clauses = [
        part
        for line in re.split(r"[\r\n\t]+", _pauses(strip_emoji(text)))
        for c in _CLAUSE_SPLIT.split(
            _GENERIC_NAMED.sub(
                _name_generic, _THAT_IS.sub(r"\g<inner>", _bilingual(product_key(line)))
            )
        )
        for part in (_SPOKEN_BREAK.split(c) if len(c) >= _SPOKEN_MIN else (c,))
        if part
    ]
    for clause in clauses:
        if _SIGN_OFF.match(clause.strip()):
            break  # Best regards, Mike: what follows a letter's closing is its signature
        # 招标文件第五章中X的数量…: a pointer into the documents, then what the clause says
        clause = _DOC_POINTER.sub("", clause)
        if BOILERPLATE_CLAUSE.search(clause) and not re.search(
            _STRONG_CUE, BOILERPLATE_CLAUSE.sub("", clause)
        ):
            label = None
            continue
        pieces = clause.split(":")
        for i, piece in enumerate(pieces):
            piece = piece.strip()
            if not piece:
                continue
            if label is not None:
                after = _WANT_AFTER.match(piece) if label == "want" else None
                obj = after.group("obj") if after else piece  # 采购公告：X采购
                (apps if label == "app" else wanted).extend(_clean_object(obj))
                label = None
                continue
            if _TEXT_LABEL.match(piece):
                continue
            if _APP_LABEL.match(piece):
                label = "app"
                continue
            if _WANT_LABEL.match(piece):
                label = "want"
                continue
            spares = _SPARES_LABEL.match(piece) if i < len(pieces) - 1 else None
            if spares:
                label = "want"
                if spares["head"]:
                    _read_clause(spares["head"], [], [], apps)  # 用于Y设备的易损件：X
                continue
            ends = _ENDS_WITH_WANT.match(piece)
            if ends and i < len(pieces) - 1:  # Y行业需求：X
                label = "want"
                if ends["head"]:
                    apps.append(ends["head"])
                continue
            before = len(wanted) + len(weak) + len(apps)
            _read_clause(piece, wanted, weak, apps)
            if len(wanted) + len(weak) + len(apps) == before:
                if i < len(pieces) - 1 and _wants_something(piece):
                    label = "want"  # 现在缺一样东西：X: what follows names the thing
                elif not _has_cue(piece):
                    bare.extend(_clean_object(piece))
    return SentenceReading(
        tuple(_dedupe(wanted)),
        tuple(_dedupe(weak)),
        tuple(_dedupe([a.strip() for a in apps])),
        tuple(_dedupe(bare)),
    )


def _wants_something(piece: str) -> bool:
    """Whether a clause wants goods it does not name (缺一样东西, 需要一种配件)."""
    chains = list(_CUE_CHAIN.finditer(piece))
    rest = _LEAD.sub("", piece[chains[-1].end() :]) if chains else ""
    return bool(rest) and is_generic(rest)


def _has_cue(piece: str) -> bool:
    return bool(
        _CUE_CHAIN.search(piece)
        or re.search(_APP_CUE, piece)
        or _ABOUT_FIRM.match(piece)
        or _CONDITION.match(piece)
        or _USED_FOR.match(piece)
    )


def split_free_text(text: str) -> tuple[list[str], list[str]]:
    """Read what is wanted and what it is for from procurement text.

    Parameters
    ----------
    text
        A title or description, e.g. ``"我司光伏组件产线需要采购EVA胶膜，请联系"``.

    Returns
    -------
    wanted, applications : list of str
        Product phrases introduced by want cues (采购, 需要, 寻找 … or, when there are none,
        ``…供应商``), and phrases introduced by application cues (用于, 应用于 …, ``我司…产线``).
        Words naming no particular goods (物资, 所需材料) are never wanted.

    Examples
    --------
    >>> split_free_text("我司光伏组件产线需要采购EVA胶膜，请有能力的企业联系。")
    (['EVA胶膜'], ['光伏组件'])
    >>> split_free_text("寻找锂电池隔膜供应商，用于储能电站生产。")
    (['锂电池隔膜'], ['储能电站'])
    """
    found = read_sentences(text)
    return list(found.wanted or found.weak), list(found.applications)


_PART = "\x00"  # where a clause was cut (a space may be part of a Latin name: SODA ASH)


# 我们不需要整套Y, 不是要X, 也不找代工: a want denied (有没有, 要不要 ask; they deny nothing)
_DENIED = re.compile(
    rf"^[^:]{{0,6}}?(?<![有要需买])(?:不是|并不|也不|不再|不|没有|没|无需|无须|并非|别|勿)"
    rf"(?:{_FILLER})?(?:{_WANT_CUE})"
)


_ADDS_SUPPLIERS = re.compile(
    r"^.*?(?:新引入|新引进|引入|新增|增加|导入)(?:至少|最少)?(?:[一二两三四五几\d]+(?:到[一二两三四五\d]+)?家)?(?=.{2})"
)
# GB/T 3091-2015, JB/T 10391: a standard's number, not part of the goods' name
_STANDARD_NO = re.compile(
    r"(?:按照?|执行|符合)?(?<![A-Z])(?:GB|JB|HG|YB|QB|SH|HJ|JT|DL|NB|SJ|CJ|ISO|IEC|ASTM|DIN|EN|JIS)"
    r"(?:/[TZ])?\s*\d[\d.]{2,}(?:\s*[-—]\s*\d{2,4})?(?:标准)?"
)


def _read_clause(clause: str, wanted: list[str], weak: list[str], apps: list[str]) -> None:
    if _DENIED.match(clause):
        return  # 不需要X，要的是Y: what is wanted is in another clause
    meets = _MEETS_SPECS.match(clause)
    if meets:  # 满足以上条件的X: a condition's form, but it names the goods
        wanted.extend(_clean_object(meets["obj"]))
        return
    goods = _DEAL_GOODS.match(clause)
    if goods:  # 本次采购的X须满足…: X is what this deal buys
        wanted.extend(_clean_object(goods.group("obj")))
        return
    clause = _THIS_DEAL.sub("", clause)  # 本次招标谢绝代理商: the deal, not a want
    applied = _APPLIED_IN.search(clause)
    if applied:  # 重点讨论其在Y中的应用: Y is what it is for
        apps.append(applied.group("app"))
        clause = clause[: applied.start()]
    if not re.search(_STRONG_CUE, clause):
        asked = _GOODS_ASKED.match(clause) or _MAKER_AUTHORISES.search(clause)
        if asked:  # X的数量是否…, 须提供X制造商出具的授权书: a bidder's question about the goods
            weak.extend(_clean_object(asked.group("obj")))
            return
        if _ABOUT_FIRM.match(clause):
            _read_about_firm(clause, apps)
            return
        if _CONDITION.match(clause):
            return
        # 碳酸二苯酯上用的, 胶带厂自用, 我们做激素蔬菜的: only what it is for
        used = _USED_FOR.match(clause) or _DO_MAKE.match(clause) or _MATERIAL_OF.match(clause)
        if used:
            apps.append(used.group("app"))
            return
    # 做Y需要用到X: what the buyer makes comes before the want
    making = _MAKE_NEEDS.match(clause)
    if making:
        apps.append(making.group("app"))
        clause = clause[making.end("app") :]
    # 为Y配套…, 为保障Y量产需要…, 因Y检修需要…: what it is for
    purpose = _PURPOSE.match(clause)
    if purpose:
        apps.append(purpose.group("app"))
        clause = clause[purpose.end() :]
    for m in _FIRM_LINE.finditer(clause):
        apps.append(m.group("app"))
    clause = _FIRM_LINE.sub(_PART, clause)
    m2 = _FIRM_MAKES.search(clause)
    if m2:
        apps.append(m2.group("app"))
        clause = clause[: m2.start()]
    cue = re.search(_APP_CUE, clause)
    if cue:
        head, tail = clause[: cue.start()], clause[cue.start() :]
        found = _APP.match(tail)
        if found:
            app = found.group("app")
            # 采购用于Y的X, 用于Y的X长期采购: the wanted thing follows the last 的
            if "的" in app:
                before, after = app.rsplit("的", 1)
                if re.search(rf"{_WANT_CUE}(?:{_FILLER})*$", head) or _WANT_AFTER.match(after):
                    app, head = before, head + after
            apps.append(app)
        clause = head
    for part in clause.split(_PART):
        if not part:
            continue
        # Y项目拟采购X / Y项目物资采购: what comes before 项目 is what it is for
        project = _PROJECT.match(part)
        if (
            project
            and not re.search(rf"{_PROCEDURE}$", project.group("app"))  # X采购项目: X wanted
            and (_CUE_CHAIN.search(part[project.end() :]) or _WANT_AFTER.match(part))
        ):
            apps.append(project.group("app"))
            part = part[project.end() :]
        obj = _want_object(part)
        if obj:
            wanted.extend(_clean_object(obj))
            continue
        supplier = _FIND_SUPPLIER.match(part)
        if supplier:
            obj = supplier.group("obj")
            added = _ADDS_SUPPLIERS.match(obj)  # 拟新引入至少一家X供方: X
            weak.extend(_clean_object(obj[added.end() :] if added else obj))


_MAKE_NEEDS = re.compile(
    r"^(?:我们|我司|我厂|本厂|我)?(?:是)?(?:做|制造|加工|生产(?![线车部厂]))(?P<app>.{2,}?)"
    r"(?:需要|要|需|得)(?:用到|用)?"
)


def _read_about_firm(clause: str, apps: list[str]) -> None:
    """A sentence about the buyer: its own products are applications, nothing is wanted."""
    for pattern in (_FIRM_PRODUCTS, _FIRM_FIELD, _FIRM_MAKES):
        m = pattern.search(clause)
        if m:
            app = _TRAIL.sub("", m.group("app"))
            if pattern is _FIRM_MAKES:
                app = _FIRM_MAKES_TAIL.sub("", app)
            apps.extend(a for a in _LIST.split(app) if a)
            return


_SUPPLIER_TAIL = re.compile(rf"(?:{_SUPPLIER})+$")
# Y行业需求：X, 电梯配件求购：X: a label ending in a want word; what it names before is a field
_ENDS_WITH_WANT = re.compile(
    rf"^(?:(?P<head>.{{2,}}?)(?:行业|领域|产业|项目|车间|产线|生产线))?(?:{_PROCEDURE}|急需|需要|求购|申请|申购|申领|领用)$"
)
# X坏了, X断货了: what is broken or has run out is wanted
_BROKEN = re.compile(
    r"(?P<obj>.+?)(?:坏了|损坏了?|出故障了?|故障了|报废了?|断货了?|缺货了?|用完了?)$"
)
# 谁家有货, 哪里有卖: words after the cue that say someone has the goods named before it
_HAS_GOODS = re.compile(r"^(?:有|在)?(?:现?货|卖|售|供应|渠道|资源)(?:吗|呢|的)?$")
# 哪家质量好, 谁家便宜: a question about the suppliers of what was named before
_QUALITY_ASK = re.compile(
    r"^(?:的)?(?:质量|价格|品质|服务|性价比|货)?(?:最|比较|更|很)?(?:好|便宜|实惠|靠谱|强|高|低|优|正宗)"
    r"(?:一些|一点|些)?(?:吗|呢|啊|呀)?$"
)
_CUE_THEN_SUPPLIER = re.compile(rf"(?:{_WANT_CUE})+(?:{_FILLER})*?(?:{_SUPPLIER})+$")


def _want_object(part: str) -> str | None:
    """The object of a want cue in one clause part, if any."""
    m = (
        _DEAL_ON.search(part)
        or _DEAL_BARE.search(part)
        or _TAKE_PART.search(part)
        or _DISCUSS_ON.search(part)
        or _MEETING_ON.search(part)
        or _INTERESTED_IN.search(part)
        or _TRACED_TO.search(part)
        or _IMPORTED.search(part)
        or _LOCALISE.search(part)
        or _LARGEST_SHARE.search(part)
        or _SPECS_OF.search(part)
        or _CAUSED_BY.search(part)
        or _HELD_ABROAD.search(part)
        or _SPENT_MOST.search(part)
    )
    if m:  # 现就X组织…, 对X进行…, X进行框架采购 (对讲机 is a word, not 对 + 讲机), 参加X的报价
        return m["obj"] or m.groupdict().get("obj2")
    m = _BROKEN.search(part)
    if m:  # 车间的X坏了: the broken thing is wanted again
        return m.group("obj")
    m = _ENGLISH_WANT_AFTER.match(part.strip())
    if m:  # SURFACTANTS NEEDED, TELECOM EQUIPMENT TENDER
        return m.group("obj")
    m = _WANT_AFTER.match(part)
    if m:  # X供应商招募: the supplier words are not part of X
        bare = _OBJECT.match(m.group("obj"))
        return bare.group("obj") if bare else m.group("obj")
    chains = list(_CUE_CHAIN.finditer(part))
    strong = [c for c in chains if re.search(_STRONG_CUE, c.group())]
    chain = strong[-1] if strong else (chains[0] if chains else None)
    if chain is not None:
        m = _OBJECT.match(part, chain.end())
        before = _LEAD.sub("", part[: chain.start()])
        lead = _CUE_CHAIN.match(before)  # LOOKING FOR X SUPPLIER/寻找供应商: another cue leads X
        before = before[lead.end() :] if lead and lead.end() < len(before) else before
        if (
            m
            and not _CUE_THEN_SUPPLIER.match(part, chain.start())
            and not (before and _HAS_GOODS.match(m.group("obj")))
            and not _QUALITY_ASK.match(m.group("obj"))
        ):
            return m.group("obj")
        # X寻合格供方, X谁家有货: nothing naming goods after the cue, the object comes before
        if not before and m and _QUALITY_ASK.match(m.group("obj")):
            return None  # …，哪家质量好: the goods were named in another clause
        return before or None
    return None


_SPEC = re.compile(r"^(?P<base>[^()]+)\((?P<spec>[^()]{1,10})\)$")


def spec_variants(part: str) -> list[str]:
    """碳酸锂(电池级) → 电池级碳酸锂 and 碳酸锂: a bracketed grade or spec, folded in and left out."""
    m = _SPEC.match(part)
    if not m:
        return [part]
    return [m.group("spec") + m.group("base"), m.group("base")]


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
