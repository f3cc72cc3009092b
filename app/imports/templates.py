"""Downloadable templates: the Chinese headers of each import kind, as CSV or XLSX."""

import csv
import io

from app.imports.columns import COLUMNS, ImportKind

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_csv(kind: ImportKind) -> bytes:
    """The header row, UTF-8 with a BOM so that Excel opens it with the right encoding."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header for column in COLUMNS[kind]])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def template_xlsx(kind: ImportKind) -> bytes:
    """A workbook: the header row on the first sheet, what each column holds on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.value
    sheet.append([column.header for column in COLUMNS[kind]])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.number_format = "@"
    notes = workbook.create_sheet("说明")
    notes.append(["列名", "英文键", "必填", "示例"])
    for column in COLUMNS[kind]:
        notes.append([column.header, column.key, "是" if column.required else "", column.example])
    notes.append([])
    notes.append(
        [
            "多值单元格用 、；;,| 分隔；产品可带占比 压力传感器:0.6；认证可带有效期 IATF 16949:2027-06-30"
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
