"""Reading a need the way the buyer means it: products, application, certifications, regions.

The texts here are written for these tests, in wordings of their own: not the shared dev
probes, not ``scripts/evaluate.py --perturb`` and not ``scripts/make_probes.py``.
"""

from dataclasses import replace
from datetime import date

import pytest

from matching import NeedIndex, SupplierIndex
from matching.query import wanted_terms
from matching.reading import NO_PRODUCT, read_need, read_text, resolve_need
from matching.records import CertificationItem, NeedRecord, ProductItem, ProfileRecord
from tests.matching.records import read_products as products

# -- notices: structure read, boilerplate ignored -------------------------------------------

TENDER = """招标编号：JX-WZ-2025-077
采购单位：某某重工股份有限公司物资部
一、招标物资：液压油缸（数量及规格见附表），本批物资用于履带式起重机装配。
二、投标人须知：须具有独立法人资格，注册资本人民币800万元以上，并通过ISO 9001质量管理体系认证。
三、开标时间：2025年11月3日14:00
四、联系人：钱工 电话：0731-5566****
"""


def test_a_tender_names_its_goods_in_a_field_and_nothing_else_becomes_wanted() -> None:
    reading = read_text("履带式起重机配件招标公告", TENDER)
    assert [p.text for p in reading.products] == ["液压油缸"]
    assert reading.products[0].where == "field"
    assert "履带式起重机装配" in reading.applications
    assert reading.certifications == ("ISO 9001",)


@pytest.mark.parametrize(
    "junk", ["编号", "物资", "钱工", "注册资本", "单位", "机构", "人", "招标物资", "开标时间"]
)
def test_boilerplate_never_becomes_a_wanted_term(junk: str) -> None:
    terms = [t.text for t in wanted_terms(NeedRecord(1, "履带式起重机配件招标公告", TENDER))]
    assert junk not in terms


def test_items_under_a_requirements_heading_are_read_services_and_generic_items_are_not() -> None:
    text = (
        "二、采购需求：\n1、不锈钢法兰，200套，材质304\n2、相关配套零部件若干\n"
        "3、现场安装及售后服务\n三、供应商资格：具有有效营业执照"
    )
    assert products("检修物资采购竞争性磋商公告", text) == ["不锈钢法兰"]


def test_a_table_with_a_header_row_is_read_by_its_columns() -> None:
    text = "序号\t品名\t规格\t数量\n1\t碳化硅砂轮\tφ300\t500片\n2\t棕刚玉磨料\tF60\t2吨"
    reading = read_text("磨具比价", text)
    assert [p.text for p in reading.products] == ["碳化硅砂轮", "棕刚玉磨料"]
    assert reading.quantity is not None
    assert reading.quantity.value == 500


def test_cells_written_as_label_value_pairs_are_read_too() -> None:
    text = "品目：1 ｜ 物料名称：环氧树脂 ｜ 计量单位：桶 ｜ 备注：地坪涂装用"
    reading = read_text("月度物料询价", text)
    assert [p.text for p in reading.products] == ["环氧树脂"]


def test_a_chat_message_reads_goods_and_what_they_are_for() -> None:
    reading = read_text(
        "有人做碳纤维布吗", "大家好，有人做碳纤维布吗？桥梁加固上用的，量挺大，私聊"
    )
    assert [p.text for p in reading.products] == ["碳纤维布"]
    assert reading.applications == ("桥梁加固",)


def test_a_notice_that_names_no_goods_says_so_and_ranks_nothing() -> None:
    need = NeedRecord(
        1,
        "2025年第二批物资采购公告",
        "采购人：某某机械有限公司\n项目编号：CG-0091\n本项目采购所需物资，详见采购文件。\n"
        "联系人：周经理  手机：139****0001",
    )
    reading = read_need(need)
    assert reading.products == ()
    assert NO_PRODUCT in reading.warnings
    assert "没有读出" in reading.sentence()
    assert wanted_terms(need) == []
    index = SupplierIndex().fit([ProfileRecord(1, "甲", (ProductItem("机械零部件"),))])
    assert index.shortlist(resolve_need(need)) == []


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # each once read wrong: a procedure word glued on, a supplier word, a letter's greeting
        ("铜排长期采购", "用于配电柜的铜排长期采购，价格面议。"),
        ("铜排急购", "成套车间急购铜排，现款。"),
        ("采购", "我们需要购买铜排来生产配电柜。"),
        ("铜排等物资采购", "为满足配电柜的生产需求，特此采购铜排等物资。"),
        ("项目名称：配电柜配套铜排采购", "详见附件"),
        ("想找做铜排的厂", "我们是做配电柜的，想找做铜排的厂"),
        ("铜排代理商招募", "长期需要铜排，用于配电柜。"),
        ("关于征求铜排供货意向的函", "各有关单位：为保障配电柜生产，我公司拟采购一批铜排。"),
        ("招募公告", "一、招募内容\n铜排的生产与供应。\n二、报名条件\n1. 注册资本不低于300万元；"),
        ("询价", "您好，我们是做配电柜的，想询一下铜排的价格，谢谢！"),
        ("单一来源采购公示", "拟采购项目：铜排\n采购理由：配电柜专用"),
        ("铜排需求信息", "需求企业：某配电柜公司\n需求内容：铜排"),
        ("本年度铜排框架采购", "本年度配电柜生产所需铜排进行框架采购，欢迎报名。"),
        ("配电柜产业链补链需求", "我市配电柜产业链缺少铜排环节，现面向全国招引铜排生产企业落地。"),
        ("征集铜排技术攻关合作", "围绕配电柜关键环节，征集铜排国产化研发团队。"),
        ("关于铜排的需求", "需求方：某配电柜企业\n需求描述：年采购铜排约2000万元"),
        ("大宗采购：铜排", "采购方：配电柜企业\n采购数量：500吨"),
        ("询价单", "物料：铜排 数量：1000 用途：配电柜 交期：15天"),
        ("铜排需求对接会", "举办铜排供需对接会，欢迎铜排生产企业参会。"),
        ("铜排年度集采公告", "现就铜排组织年度集中采购，有意向单位请报名。"),
        ("紧急求助", "我们成套车间的铜排坏了，急需同型号的，哪位有库存？"),
        ("寻铜排生产商", "需求说明：配电柜新品开发，需要定制铜排"),
        ("采购信息", "品名/规格：铜排\n数量：以实际为准"),
        ("配电柜行业需求：铜排", "需求等级：A"),
        ("关于采购铜排的请示", "为保证配电柜正常运转，拟采购铜排一批，妥否，请批示。"),
        ("采购需求表", "需求名称|数量|用途\n铜排|3000|配电柜"),
        ("竞价公告", "竞价标的：铜排\n标的用途：配电柜"),
        ("询价邀请", "我司就配电柜生产所需之铜排发出询价邀请，请贵司于收到后三日内报价。"),
        ("【比选】配电柜项目铜排", "比选内容：铜排（含运输）\n比选方式：综合评分法"),
    ],
)
def test_unseen_phrasings_read_the_product_and_not_the_application(
    title: str, description: str
) -> None:
    assert products(title, description) == ["铜排"]


@pytest.mark.parametrize(
    ("title", "description", "wanted", "application"),
    [
        (
            "Purchase of stainless steel flanges",
            "Application: pressure vessel",
            "STAINLESS STEEL FLANGES",
            "PRESSURE VESSEL",
        ),
        ("RFQ", "We need copper busbar for switchgear, 800 pcs.", "COPPER BUSBAR", ""),
        ("采购 silicone sealant", "用于 curtain wall", "SILICONE SEALANT", "CURTAIN WALL"),
    ],
)
def test_english_and_mixed_text_keeps_names_whole(
    title: str, description: str, wanted: str, application: str
) -> None:
    reading = read_text(title, description)
    assert reading.products[0].text == wanted
    assert list(reading.applications) == ([application] if application else [])


def test_circled_numbers_are_items_of_a_list() -> None:
    text = "设备清单：\n① 铜排　2台\n② 绝缘子　1套\n③ 安装调试服务"
    assert products("配电柜产线新建项目设备采购", text) == ["铜排", "绝缘子"]


def test_numbered_items_of_a_plan_are_several_products() -> None:
    text = "序号1：铜排，数量100吨，用途配电柜\n序号2：劳保手套，若干"
    assert products("采购计划", text) == ["铜排", "劳保手套"]


def test_a_number_of_working_days_is_not_a_quantity() -> None:
    assert read_text("采购铜排", "请于15个工作日内报价").quantity is None


# -- title words and endings do not leak into the products ---------------------------------


@pytest.mark.parametrize(
    ("title", "wanted"),
    [
        ("伺服驱动方案征集", ["伺服驱动"]),
        ("新能源汽车线束配套", ["新能源汽车线束"]),
        ("关于开展2025年度冷轧钢板集中采购的公告", ["冷轧钢板"]),
        ("第三批次光伏接线盒询比价结果", ["光伏接线盒"]),
        ("RFQ: 工业相机", ["工业相机"]),
    ],
)
def test_title_endings_are_not_glued_to_the_product(title: str, wanted: list[str]) -> None:
    assert products(title) == wanted


def test_a_quality_adjective_never_leaves_a_one_character_head() -> None:
    assert products("求购高精度、耐腐蚀的阀") == ["耐腐蚀阀"]
    assert products("求购高精度减速机") == ["高精度减速机"]


def test_one_character_goods_are_kept_and_one_character_leftovers_are_not() -> None:
    assert products("长期采购铜", "") == ["铜"]
    assert products("求购塑料颗粒", "长期要货，量稳定") == ["塑料颗粒"]


# -- certifications ------------------------------------------------------------------------


def test_certifications_required_preferred_and_held_by_the_buyer_are_told_apart() -> None:
    reading = read_text(
        "采购车载显示屏",
        "我司已通过IATF 16949认证。供应商须持有CCC认证，有ISO 14001证书者优先。",
    )
    assert reading.certifications == ("CCC",)
    assert any("ISO 14001" in n for n in reading.notes)
    assert products("采购车载显示屏", "供应商须持有CCC认证") == ["车载显示屏"]


def test_a_certification_or_region_said_not_to_matter_is_not_required() -> None:
    reading = read_text("采购led灯珠", "无需3C认证，地区不限，除新疆外均可发货")
    assert reading.certifications == ()
    assert reading.regions == ()


def test_a_certification_is_never_a_wanted_product() -> None:
    need = NeedRecord(1, "高精度伺服电机", "需要ISO9001认证，长三角优先")
    assert [t.text for t in wanted_terms(need)] == ["高精度伺服电机"]
    assert read_need(need).certifications == ("ISO 9001",)


def test_a_read_certification_removes_only_suppliers_known_to_lack_it() -> None:
    """Read from the text, a certification is a guess: a profile that lists none is unknown.

    Only the buyer's own field is the hard filter; the buyer's field also wins over the text.
    """
    holder = ProfileRecord(
        1, "甲", (ProductItem("变频器"),), certifications=(CertificationItem("CE"),)
    )
    unlisted = ProfileRecord(2, "乙", (ProductItem("变频器"),))
    lacking = ProfileRecord(
        3, "丙", (ProductItem("变频器"),), certifications=(CertificationItem("ISO 9001"),)
    )
    index = SupplierIndex().fit([holder, unlisted, lacking])
    need = resolve_need(NeedRecord(1, "采购变频器", "出口欧洲，供应商须具备CE认证"))
    assert need.required_certifications == ()
    shortlist = {m.id: m.reasons for m in index.shortlist(need)}
    assert set(shortlist) == {1, 2}
    assert (shortlist[1].certifications_met, shortlist[1].certifications_unverified) == (
        ("CE",),
        (),
    )
    assert shortlist[2].certifications_unverified == ("CE",)

    confirmed = replace(need, required_certifications=("CE",))
    assert [m.id for m in index.shortlist(confirmed)] == [1]
    own = NeedRecord(1, "采购变频器", "出口欧洲，须具备CE认证", required_certifications=("UL",))
    assert resolve_need(own).required_certifications == ("UL",)
    assert resolve_need(own).expected_certifications == ()


def test_an_sme_sees_a_need_whose_read_certification_it_may_hold() -> None:
    need = resolve_need(NeedRecord(1, "采购变频器", "供应商须具备CE认证"))
    index = NeedIndex().fit([need])
    unlisted = ProfileRecord(2, "乙", (ProductItem("变频器"),))
    lacking = ProfileRecord(
        3, "丙", (ProductItem("变频器"),), certifications=(CertificationItem("ISO 9001"),)
    )
    [seen] = index.opportunities(unlisted)
    assert seen.reasons.certifications_unverified == ("CE",)
    assert index.opportunities(lacking) == []


# -- regions -------------------------------------------------------------------------------


def test_region_groups_and_names_become_preferred_region_codes() -> None:
    need = resolve_need(NeedRecord(1, "采购注塑模具", "珠三角或福建省的厂家优先"))
    assert "440300" in need.preferred_regions  # 深圳 is in 珠三角
    assert "350000" in need.preferred_regions
    assert "440000" not in need.preferred_regions  # the group, not all of 广东


def test_where_goods_are_delivered_or_where_the_buyer_sits_is_not_a_preference() -> None:
    reading = read_text("采购包装纸箱", "我司位于安徽省合肥市。交货地点：江苏省昆山市开发区。")
    assert reading.regions == ()
    assert any("昆山" in n for n in reading.notes)


def test_local_preference_is_the_buyers_own_city() -> None:
    need = NeedRecord(1, "采购铸件", "本地供应商优先", region_code="320583")
    assert resolve_need(need).preferred_regions == ("320500",)


def test_a_region_before_the_product_is_not_part_of_it() -> None:
    assert products("寻找成渝地区的锂电池隔膜生产企业") == ["锂电池隔膜"]


# -- the sentence, quantity, deadline, the buyer's fields ---------------------------------


def test_the_reading_is_one_sentence_the_buyer_can_check() -> None:
    reading = read_text(
        "采购光学镜片",
        "用于车载激光雷达，年需求约12万片，须通过IATF 16949认证，京津冀企业优先，"
        "请于2026年3月31日前报价。",
    )
    assert reading.sentence() == (
        "我们理解您需要：光学镜片；用于：车载激光雷达；资质：IATF 16949；地区：京津冀；"
        "数量：12万片；截止：2026-03-31"
    )
    assert reading.quantity is not None
    assert reading.quantity.value == 120_000
    assert reading.deadline == date(2026, 3, 31)


def test_fields_the_buyer_filled_win_over_the_reading() -> None:
    need = NeedRecord(
        1,
        "采购光学镜片",
        "用于车载激光雷达，长三角优先",
        products=("非球面镜片",),
        application="激光雷达",
        preferred_regions=("440000",),
    )
    reading = read_need(need)
    assert [p.text for p in reading.products] == ["非球面镜片"]
    assert reading.applications == ("激光雷达",)
    assert reading.region_codes == ("440000",)
    assert reading.from_buyer == {"products", "application", "regions"}
    assert resolve_need(need).preferred_regions == ("440000",)
