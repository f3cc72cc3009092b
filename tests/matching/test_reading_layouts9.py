"""Reading needs laid out the ways the ninth round of our own probes found unread: e-procurement
寻源 notices, 分包 tables with bracketed units, files attached to an inquiry, approval forms,
对接会 回执, machine-translated inquiries, a tender's clarification Q&A and R&D needs.

Every text is written for these tests: not the shared dev probes, not
``scripts/evaluate.py --perturb`` and not the templates of ``scripts/make_probes.py``.
"""

from matching.notice import label_kind, parse_lines
from matching.reading import read_text


def products(title: str, description: str = "") -> list[str]:
    return [p.text for p in read_text(title, description).products]


# -- numbers, titles and counts ------------------------------------------------------------------


def test_a_label_ending_in_a_number_word_is_boilerplate() -> None:
    assert [label_kind(x) for x in ("寻源单号", "采购需求单号", "项目代号", "订单号")] == [
        "boilerplate"
    ] * 4
    assert label_kind("规格型号") == "spec"


def test_a_sourcing_number_is_not_read_as_goods() -> None:
    found = products("寻源公告", "寻源单号：SRC-2026-11-0087\n物料名称：碳化硅陶瓷管")
    assert found == ["碳化硅陶瓷管"]


def test_a_platform_title_is_parted_at_its_bar_and_loses_its_number() -> None:
    assert products("询价公告｜不锈钢球阀询价（XJ-2026-0311）") == ["不锈钢球阀"]


def test_a_count_of_lines_is_not_goods() -> None:
    found = products("寻源公告", "需求明细：共3行，详见附件\n物料名称：聚氨酯密封圈")
    assert found == ["聚氨酯密封圈"]


def test_a_division_before_the_goods_is_the_buyer() -> None:
    assert products("", "寻源标题：动力电池事业部铝塑膜年度寻源") == ["铝塑膜"]


def test_a_numbered_clarification_title_names_no_goods() -> None:
    assert "第2号" not in products("某某项目招标文件澄清公告（第2号）", "投标截止时间不变。")


def test_an_international_tender_title_names_the_goods_not_the_procedure() -> None:
    assert products("电站项目汽轮机国际招标公告") == ["汽轮机"]


# -- tables and attachments -----------------------------------------------------------------------


def test_a_package_table_with_bracketed_units_in_its_header_is_read() -> None:
    text = (
        "本项目分为2个包：\n包号\t采购内容\t数量\t最高投标限价（万元）\t投标保证金（元）\n"
        "1包\t电动葫芦\t6台\t45.00\t8000\n2包\t安装服务\t1项\t5.00\t1000"
    )
    assert products("设备采购招标公告", text) == ["电动葫芦"]


def test_an_attached_specification_names_the_goods_and_other_files_do_not() -> None:
    text = "附件为本次询价资料，请查收。\n1. 液压油缸技术要求V3.docx\n2. 报价表.xlsx\n3. 供应商承诺书.pdf"
    lines = parse_lines(text)
    assert [(x.kind, x.value) for x in lines if x.kind == "product"] == [("product", "液压油缸")]
    assert products("询价资料", text) == ["液压油缸"]


def test_a_labelled_attachment_is_read_the_same_way() -> None:
    assert products("询价", "附件：输送带图纸.dwg") == ["输送带"]


# -- forms ----------------------------------------------------------------------------------------


def test_an_approval_record_ends_the_item_list() -> None:
    text = (
        "采购明细\n物品名称：工业酒精\n数量：20桶\n审批流程\n张伟 发起申请 03-02 09:15\n"
        "刘洋（主管） 已同意 03-02 10:40"
    )
    assert products("张伟提交的采购申请", text) == ["工业酒精"]


def test_the_buyers_main_products_are_what_the_goods_are_for() -> None:
    reading = read_text("对接会回执", "主营产品：儿童推车\n需求产品：铝合金管材")
    assert [p.text for p in reading.products] == ["铝合金管材"]
    assert reading.applications == ("儿童推车",)


# -- letters and questions ------------------------------------------------------------------------


def test_interest_in_the_suppliers_goods_is_a_want() -> None:
    found = products("询价", "我们从网上看到你的公司，我们对你的产品硅胶按键非常感兴趣。请报价。")
    assert found == ["硅胶按键"]


def test_the_suppliers_goods_are_read_without_whose_they_are() -> None:
    assert products("询价 您的产品石英砂") == ["石英砂"]


def test_a_question_about_the_goods_terms_names_the_goods() -> None:
    text = "问题1：招标文件第三章中电动执行器的品牌有无要求？\n答复：无品牌要求。"
    assert products("项目澄清公告", text) == ["电动执行器"]


def test_the_maker_authorising_a_bid_names_the_goods() -> None:
    text = "答复：代理商投标的，须提供变频器制造商出具的授权书。"
    assert products("澄清公告", text) == ["变频器"]


# -- R&D and samples ------------------------------------------------------------------------------


def test_goods_bought_in_today_are_read_without_the_dependence() -> None:
    text = "我公司净水器所用反渗透膜目前依赖外购，希望合作开发。"
    assert products("技术需求", text) == ["反渗透膜"]


def test_improving_the_goods_performance_wants_the_goods() -> None:
    assert products("", "需求名称：密封胶性能提升及国产化开发") == ["密封胶"]


def test_a_sample_of_the_goods_wants_the_goods_and_a_new_product_is_not_goods() -> None:
    found = products("扫地机器人新品样件试制需求", "需齿轮箱壳体样件试制，首批3件")
    assert found == ["齿轮箱壳体"]
