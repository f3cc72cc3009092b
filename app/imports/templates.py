"""Downloadable templates: the Chinese headers of each import kind and example rows that import.

Each template holds the header row and example rows (fictitious firms whose names start with
示例, contacts 010-0000-…, @example.com) that import as they are: the firms template has a
large firm and an SME, the profiles template the SME's 能力画像, the needs template the large
firm's need. Imported in that order (firms, profiles, needs) they succeed; a test does it.
The XLSX template adds a 说明 sheet: what each column holds and for which kind of firm.
"""

import csv
import io

from app.imports.columns import COLUMNS, ImportKind

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The example firms' keys (valid, fictitious 统一社会信用代码).
LARGE_FIRM_USCC = "91320100MA1X000009"
SME_USCC = "91440300MA5F000007"

#: Example rows per kind, by column key; a column left out is empty in that row.
EXAMPLES: dict[ImportKind, list[dict[str, str]]] = {
    ImportKind.firms: [
        {
            "name": "示例汽车集团股份有限公司",
            "uscc": LARGE_FIRM_USCC,
            "external_id": "DEMO-L-001",
            "kind": "大企业",
            "region_code": "320100",
            "industry_codes": "3612",
            "products": "新能源乘用车:0.8、汽车零部件:0.2",
            "description": "新能源乘用车整车制造（示例）",
            "website": "https://example.com",
            "contact_person": "示例联系人",
            "contact_phone": "010-0000-0001",
            "contact_email": "buyer@example.com",
        },
        {
            "name": "示例精研传感科技（深圳）有限公司",
            "uscc": SME_USCC,
            "external_id": "DEMO-S-001",
            "kind": "中小企业",
            "region_code": "440300",
            "industry_codes": "3983",
            "tier": "专精特新小巨人",
            "tier_year": "2023",
            "description": "MEMS 压力传感器研发与制造（示例）",
            "website": "https://example.com",
            "contact_person": "示例联系人",
            "contact_phone": "010-0000-0002",
            "contact_email": "sales@example.com",
        },
    ],
    ImportKind.profiles: [
        {
            "uscc": SME_USCC,
            "external_id": "DEMO-S-001",
            "products": "压力传感器:0.6、MEMS芯片:0.3",
            "technologies": "MEMS工艺；晶圆级封装",
            "processes": "精密注塑",
            "materials": "单晶硅",
            "certifications": "IATF 16949:2027-06-30、ISO 9001:2027-09-30",
            "capacity": "年产 200 万只",
            "minimum_order": "1,000 件起订",
            "regions_served": "440000、320000",
            "description": "车规级压力传感器",
        }
    ],
    ImportKind.needs: [
        {
            "uscc": LARGE_FIRM_USCC,
            "external_id": "DEMO-L-001",
            "title": "采购车规级压力传感器",
            "kind": "配套需求",
            "status": "发布",
            "description": "用于新能源汽车热管理系统，需提供 PPAP 文件",
            "products": "压力传感器",
            "application": "新能源汽车热管理系统",
            "quantity": "200000",
            "quantity_unit": "只/年",
            "required_certifications": "IATF 16949",
            "preferred_regions": "440000",
            "deadline": "2027-03-31",
        }
    ],
}

_KEY_NOTE = "填统一社会信用代码或外部编号之一（两者都填时须指同一家企业）"
#: What a column holds, where the header alone does not say it.
NOTES: dict[ImportKind, dict[str, str]] = {
    ImportKind.firms: {
        "uscc": "18 位，末位校验码须正确",
        "external_id": "您系统里的编号，可用于以后更新；唯一",
        "kind": "大企业 或 中小企业",
        "region_code": "6 位行政区划代码；不填则按企业名称推断",
        "industry_codes": "GB/T 4754-2017 行业代码，可多个",
        "products": "仅大企业填写（产业链补链从这里出发）；中小企业的产品请填在能力画像模板的「主要产品」",
        "tier": "仅中小企业：创新型、专精特新 或 专精特新小巨人",
        "tier_year": "获得梯度认定的年份；填梯度时才填",
        "contact_person": "联系人只对管理该企业的人和经双方同意的对接方可见",
    },
    ImportKind.profiles: {
        "uscc": _KEY_NOTE + "；须是已导入的中小企业",
        "external_id": _KEY_NOTE,
        "products": "产品可带营收占比，如 压力传感器:0.6 或 60%",
        "certifications": "认证可带有效期，如 IATF 16949:2027-06-30",
        "regions_served": "6 位行政区划代码，可多个",
    },
    ImportKind.needs: {
        "uscc": _KEY_NOTE + "；须是已导入的大企业",
        "external_id": _KEY_NOTE,
        "kind": "配套需求、补链需求 或 技术攻关；不填为配套需求",
        "status": "草稿 或 发布；不填为草稿",
        "products": "需要的产品，可多个；不填则从标题和描述中读取",
        "required_certifications": "供应商必须具备的认证（硬性条件）",
        "preferred_regions": "6 位行政区划代码，可多个",
    },
}

_SEPARATORS = (
    "多值单元格用 、；;,| 分隔。示例行（企业名称以「示例」开头）可直接导入试用，正式导入前请删除。"
)
_ORDER = "导入顺序：先企业，再能力画像（中小企业）和需求（大企业）。"


def example_rows(kind: ImportKind) -> list[list[str]]:
    """The example rows of ``kind`` in the template's column order."""
    return [[row.get(c.key, "") for c in COLUMNS[kind]] for row in EXAMPLES[kind]]


def template_csv(kind: ImportKind) -> bytes:
    """The header row and example rows, UTF-8 with a BOM so that Excel reads the encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS[kind]])
    writer.writerows(example_rows(kind))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def template_xlsx(kind: ImportKind) -> bytes:
    """A workbook: headers and example rows on the first sheet, what each column holds on 说明."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = kind.value
    sheet.append([column.header for column in COLUMNS[kind]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in example_rows(kind):
        sheet.append(row)
    for column in sheet.columns:
        for cell in column:
            cell.number_format = "@"  # text: codes keep their leading zeros
    notes = workbook.create_sheet("说明")
    notes.append(["列名", "英文键", "必填", "说明", "示例"])
    for column in COLUMNS[kind]:
        example = next((row[column.key] for row in EXAMPLES[kind] if row.get(column.key)), "")
        notes.append(
            [
                column.header,
                column.key,
                "是" if column.required else "",
                NOTES[kind].get(column.key, ""),
                example,
            ]
        )
    notes.append([])
    notes.append([_SEPARATORS])
    notes.append([_ORDER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
