"""Form text ↔ service inputs, and the services' errors as Chinese messages per form field.

List fields are textareas, one item a line; a line's parts are separated by ``|``
(e.g. ``车规级MCU | 40%``). Errors name the form field, and the line for list items, so the
page can show each message next to its field.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from app.errors import ProblemError

#: ``field → message``; ``""`` holds errors that belong to no one field.
FieldErrors = dict[str, str]

_SPLIT_ITEMS = re.compile(r"[\n\r,，、;；]+")
_SPLIT_PARTS = re.compile(r"\s*[|｜\t]\s*")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class FormInvalid(Exception):
    """Form text that cannot become a service input; carries the messages by field."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def lines(text: str) -> list[str]:
    """Non-empty stripped lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def items(text: str) -> list[str]:
    """Items separated by new lines, commas or 、."""
    return [part.strip() for part in _SPLIT_ITEMS.split(text) if part.strip()]


def codes(text: str) -> list[str]:
    """Codes separated by spaces, new lines or commas."""
    return [part for part in re.split(r"[\s,，、;；]+", text) if part]


def region_codes(chosen: Sequence[str] | None) -> list[str]:
    """A region picker's chosen codes (a form may also send them typed, space-separated)."""
    return codes(" ".join(chosen or ()))


def parts(line: str) -> list[str]:
    """The ``|``-separated parts of a line."""
    return [p.strip() for p in _SPLIT_PARTS.split(line)]


def share(text: str) -> float | None:
    """``40%`` → 0.4, ``0.4`` → 0.4, empty → None; ValueError otherwise."""
    text = text.strip().replace("％", "%")
    if not text:
        return None
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def parse_products(text: str) -> list[dict[str, Any]]:
    """``名称 | 占比`` lines → product items (the service validates the values)."""
    out: list[dict[str, Any]] = []
    errors: FieldErrors = {}
    for i, line in enumerate(lines(text)):
        bits = parts(line)
        try:
            value = share(bits[1]) if len(bits) > 1 else None
        except ValueError:
            errors.setdefault("products", f"第 {i + 1} 行：占比应为 0 到 1 之间的小数或百分比")
            continue
        out.append({"name": bits[0], "share": value})
    if errors:
        raise FormInvalid(errors)
    return out


def products_text(products: Iterable[dict[str, Any]]) -> str:
    """Product items → editable lines."""
    out = []
    for p in products:
        value = p.get("share")
        out.append(p["name"] if value is None else f"{p['name']} | {value * 100:g}%")
    return "\n".join(out)


def parse_certifications(text: str) -> list[dict[str, Any]]:
    """``标准 | 编号 | 有效期至`` lines (编号 and 有效期 optional) → certification items."""
    out: list[dict[str, Any]] = []
    for line in lines(text):
        bits = parts(line)
        number, until = None, None
        if len(bits) == 2 and _DATE.match(bits[1]):
            until = bits[1]
        else:
            number = bits[1] if len(bits) > 1 and bits[1] else None
            until = bits[2] if len(bits) > 2 and bits[2] else None
        out.append({"standard": bits[0], "number": number, "valid_until": until})
    return out


def certifications_text(certs: Iterable[dict[str, Any]]) -> str:
    """Certification items → editable lines."""
    out = []
    for c in certs:
        row = [c["standard"], c.get("number") or "", str(c.get("valid_until") or "")]
        while row and not row[-1]:
            row.pop()
        out.append(" | ".join(row))
    return "\n".join(out)


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _message(err: dict[str, Any]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", ""))
    if kind == "missing":
        return "必填"
    if kind == "string_too_short" or (kind == "too_short" and isinstance(err.get("input"), str)):
        return "不能为空" if ctx.get("min_length") == 1 else f"至少 {ctx.get('min_length')} 个字"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(err.get("input"), str)):
        return f"最多 {ctx.get('max_length')} 个字"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind == "too_short":
        return f"至少 {ctx.get('min_length')} 项"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {_num(ctx.get('ge', ctx.get('gt')))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {_num(ctx.get('le', ctx.get('lt')))}"
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return "请填写数字"
    if kind.startswith("date") or kind.startswith("time"):
        return "日期或时间格式不对（日期如 2027-06-30，时间如 09:20）"
    if kind == "enum":
        return "请从列表中选择"
    if kind == "string_pattern_mismatch":
        return "格式不对"
    if "GB/T 2260" in msg:
        return "未知的行政区划代码（6 位，如 440300）"
    if "GB/T 4754" in msg:
        return "未知的国民经济行业分类代码"
    if "统一社会信用代码" in msg:
        return "统一社会信用代码无效"
    if "end must be after start" in msg:
        return "结束时间应晚于开始时间"
    return f"无效：{msg.removeprefix('Value error, ')}"


def validation_errors(exc: ValidationError, list_fields: Sequence[str] = ()) -> FieldErrors:
    """Pydantic errors → messages by top-level field; list items name their line."""
    out: FieldErrors = {}
    for err in exc.errors():
        loc = [p for p in err.get("loc", ()) if p != "body"]
        field = str(loc[0]) if loc else ""
        text = _message(dict(err))
        if field in list_fields and len(loc) > 1 and isinstance(loc[1], int):
            text = f"第 {loc[1] + 1} 行：{text}"
        out.setdefault(field, text)
    return out


#: Service messages we know, in Chinese (matched by substring).
_KNOWN = (
    ("cannot be null", "不能为空"),
    ("already has a profile", "该企业已有能力画像"),
    ("already takes part", "该企业已在本场洽谈会中"),
    ("not found", "不存在"),
    ("only buyers (large firms) host tables", "只有采购方（大企业）设洽谈桌"),
    ("must be a large firm or an SME", "只能添加大企业或中小企业"),
    ("wishes are about the other side", "意愿只能针对另一方"),
    ("no such participant", "本场没有这个参会企业"),
    ("the event has slots", "超出本场的轮次"),
    ("a new need is draft or open", "新需求只能是草稿或征集中"),
    ("supply needs are posted by large firms only", "只有大企业发布需求"),
)


def problem_errors(exc: ProblemError) -> FieldErrors:
    """A service error → messages by form field (``body.x`` → ``x``)."""
    if not exc.errors:
        return {"": _known(exc.detail)}
    out: FieldErrors = {}
    for err in exc.errors:
        bits = err.field.split(".")
        field = bits[1] if bits[0] in ("body", "query") and len(bits) > 1 else err.field
        out.setdefault(field, _known(err.message))
    return out


def known_message(message: str) -> str | None:
    """A service message in Chinese (as the service wrote it, or one we know translated);
    None for an English one we do not know."""
    if re.search(r"[\u4e00-\u9fff]", message):
        return message
    for english, chinese in _KNOWN:
        if english in message:
            return chinese
    return None


def _known(message: str) -> str:
    known = known_message(message)
    return known if known is not None else f"无法保存：{message}"
