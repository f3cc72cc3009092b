"""What the API says to people, in Chinese (the default) and English (when the client asks).

A message is a :class:`Text`: both languages of one sentence. Services build theirs with
:func:`tr` from an English template that is also the key of :data:`CATALOGUE`, which holds the
Chinese; the error handlers pick the language from ``Accept-Language`` (:func:`negotiate`).
Field paths (``body.uscc``) are named in the user's terms from :data:`FIELD_LABELS`, and
pydantic's error types are put in plain words by :func:`validation_text`.

Only this module holds wording; it imports nothing from the app.
"""

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["zh", "en"]
DEFAULT_LANGUAGE: Language = "zh"


@dataclass(frozen=True)
class Text:
    """One sentence in both languages; ``str()`` gives the default (Chinese)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh

    def in_(self, language: Language) -> str:
        """The sentence in ``language``."""
        return self.en if language == "en" else self.zh


def as_text(message: "str | Text") -> Text:
    """``message`` as a :class:`Text` (a plain string reads the same in both languages)."""
    return message if isinstance(message, Text) else Text(message, message)


def tr(template: str, **params: object) -> Text:
    """The message for the English ``template``, formatted with ``params`` in both languages.

    The Chinese comes from :data:`CATALOGUE` (a template missing there reads in English in
    both). A :class:`Text` parameter is put in each language's own sentence.

    >>> tr("need {id} not found", id=3)
    Text(zh='未找到需求 3', en='need 3 not found')
    """
    zh = CATALOGUE.get(template, template)

    def fill(pattern: str, language: Language) -> str:
        values = {
            k: v.in_(language) if isinstance(v, Text) else _shown(v) for k, v in params.items()
        }
        return pattern.format(**values)

    return Text(fill(zh, "zh"), fill(template, "en"))


def _shown(value: object) -> str:
    return str(value)


#: Stored values (enum members) as a person reads them.
WORDS: dict[str, Text] = {
    "large_firm": Text("大企业", "large firm"),
    "sme": Text("中小企业", "SME"),
    "organizer": Text("组织方", "organizer"),
    "admin": Text("管理员", "admin"),
    "draft": Text("草稿", "draft"),
    "open": Text("征集中", "open"),
    "closed": Text("已关闭", "closed"),
    "registration": Text("报名中", "registration"),
    "pending": Text("待审核", "pending"),
    "approved": Text("已确认", "approved"),
    "invited": Text("受邀", "invited"),
    "rejected": Text("已拒绝", "rejected"),
    "withdrawn": Text("已退出", "withdrawn"),
    "scheduled": Text("已排期", "scheduled"),
    "published": Text("已发布", "published"),
    "done": Text("已结束", "done"),
    "cancelled": Text("已取消", "cancelled"),
    "need": Text("需求", "need"),
    "profile": Text("能力画像", "profile"),
    "organization": Text("企业", "organization"),
}


def word(value: object) -> Text:
    """A stored value (``large_firm``, ``open``) in both languages, or as it is."""
    text = str(getattr(value, "value", value))
    return WORDS.get(text, Text(text, text))


def template_fields(template: str) -> set[str]:
    """The placeholder names in ``template`` (for the catalogue's test)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# -- the service messages ---------------------------------------------------------------------

#: English template → Chinese template. The English is the key, so a raise site reads plainly.
CATALOGUE: dict[str, str] = {
    # records not found, not yours
    "organization {id} not found": "未找到企业（机构）{id}",
    "profile {id} not found": "未找到能力画像 {id}",
    "need {id} not found": "未找到需求 {id}",
    "event {id} not found": "未找到洽谈会 {id}",
    "chain {id} not found": "未找到产业链 {id}",
    "job {id} not found": "未找到任务 {id}",
    "job {id} has already finished": "任务 {id} 已结束",
    "job {id} has no import report": "任务 {id} 没有导入报告",
    "key {id} not found": "未找到密钥 {id}",
    "participant {id} not found in event {event}": "洽谈会 {event} 中没有参会方 {id}",
    "meeting {id} not found in event {event}": "洽谈会 {event} 中没有洽谈 {id}",
    "node {id} not found in chain {chain}": "产业链 {chain} 中没有环节 {id}",
    "edge {id} not found in chain {chain}": "产业链 {chain} 中没有连线 {id}",
    "placement {id} not found in chain {chain}": "产业链 {chain} 中没有归位记录 {id}",
    "you do not manage organization {id}": "您无权管理企业（机构）{id}",
    "you do not manage profile {id}": "您无权管理能力画像 {id}",
    "you do not manage need {id}": "您无权管理需求 {id}",
    "you do not manage event {id}": "您无权管理洽谈会 {id}",
    "you have no capability profile yet": "您还没有能力画像",
    # keys and sign-in
    "missing Authorization: Bearer <api key>": "缺少请求头 Authorization: Bearer <API 密钥>",
    "unknown or revoked API key": "API 密钥无效或已被吊销",
    "organizers issue keys only for the firms they registered": "组织方只能为自己登记的企业签发密钥",
    "key {id} is an admin key: only admins revoke it": "密钥 {id} 是管理员密钥，只有管理员能吊销",
    "a {kind} organization cannot hold {role} keys": "{kind}类机构不能持有{role}密钥",
    "required for {role} keys": "{role}密钥必须指定所属企业（机构）",
    "too many failed authentication attempts; retry in {seconds} s": "认证失败次数过多，请 {seconds} 秒后重试",
    # versions and concurrency
    "send If-Match with the ETag you read (GET the record first)": "请在 If-Match 中带上读取时得到的 ETag（先 GET 该记录）",
    'must be an ETag such as "3", got {value}': '应为 ETag（例如 "3"），收到的是 {value}',
    "the record is at version {current}, you sent {expected}; re-read it and retry": "记录已是第 {current} 版，您提交的是第 {expected} 版；请重新读取后再试",
    "{what} was changed by someone else; re-read it and retry": "记录（{what}）已被他人修改，请重新读取后再试",
    "{what} conflicts with an existing record": "记录（{what}）与现有数据冲突",
    "too many {what} at once ({why}); retry after {seconds} s": "同时处理的{what}过多（{why}），请 {seconds} 秒后重试",
    "the database is unavailable; retry later": "数据库暂不可用，请稍后重试",
    "database unavailable": "数据库暂不可用",
    "the matching index is still being built; retry shortly": "匹配索引仍在构建中，请稍后重试",
    "not ready: {what}": "尚未就绪：{what}",
    "metrics are for the loopback or a token": "监控指标仅限本机或持令牌读取",
    "internal error; it has been logged": "服务器内部错误，已记录",
    "request body is larger than {limit} bytes": "请求内容超过 {limit} 字节",
    # common field problems
    "cannot be null": "不能为空",
    "must be at most {limit}": "不能大于 {limit}",
    "must be 2, 4 or 6 digits of a GB/T 2260 code": "应为 2、4 或 6 位行政区划代码（GB/T 2260）",
    "required for keys without an organization": "密钥不属于任何企业时必须填写",
    "required for admin keys": "使用管理员密钥时必须填写",
    # organizations
    "only SMEs have a tier": "只有中小企业有梯度等级",
    "given without a tier": "填写了年份但没有梯度等级",
    "only large firms list their own products here; an SME lists its products in its "
    "capability profile": "只有大企业在这里列出自己的产品；中小企业请在能力画像中填写产品",
    "an organization with USCC {uscc} already exists": "统一社会信用代码为 {uscc} 的企业已存在",
    "only organizers and admins register organizations": "只有组织方和管理员能登记企业",
    "only admins register organizers": "只有管理员能登记组织方",
    "tier, tier year and USCC are set by the organizer that manages the firm or an admin": "梯度等级、认定年份和统一社会信用代码由管理该企业的组织方或管理员填写",
    "set by an organizer or admin": "由组织方或管理员填写",
    "an organization cannot delete itself; ask an organizer or admin": "企业不能删除自己，请联系组织方或管理员",
    # profiles
    "capability profiles are for SMEs only": "只有中小企业有能力画像",
    "organization {id} already has a profile; update it instead": "企业 {id} 已有能力画像，请修改它",
    # needs
    "supply needs are posted by large firms only": "只有大企业发布需求",
    "a new need is draft or open": "新需求只能是草稿或征集中",
    "a {current} need cannot become {wanted}": "需求不能从“{current}”变为“{wanted}”",
    # matching and interest
    "the shortlist of need {id} is for its firm and organizers": "需求 {id} 的候选名单只对发布企业和组织方开放",
    "the opportunities of profile {id} are for its SME": "能力画像 {id} 的商机只对该中小企业开放",
    "the upstream suppliers of organization {id} are for it and organizers": "企业 {id} 的上游供应商只对该企业和组织方开放",
    "organization {id} is not a large firm: chain discovery ranks the suppliers of a large "
    "firm's own products": "企业 {id} 不是大企业：补链发现只为大企业自己的产品排序供应商",
    "only the firm of need {id} marks its candidates": "只有需求 {id} 的发布企业能标记候选企业",
    "only the SME of profile {id} marks its opportunities": "只有能力画像 {id} 的中小企业能标记商机",
    "need {id} is {status}: only open needs are marked": "需求 {id} 状态为“{status}”：只能标记征集中的需求",
    "the candidates of need {id} are for its firm": "需求 {id} 的候选企业只对发布企业开放",
    "the interests of profile {id} are for its SME": "能力画像 {id} 的意向只对该中小企业开放",
    "contacts are revealed to organization {id} itself": "联系方式只向企业 {id} 本身显示",
    "interested, declined or withdraw": "应为 interested、declined 或 withdraw",
    # events
    "organizers create events for their own organization": "组织方只能为本机构创建洽谈会",
    "only organizers and admins create events": "只有组织方和管理员能创建洽谈会",
    "must be an organizer": "必须是组织方",
    "a {current} event cannot become {wanted}": "洽谈会不能从“{current}”变为“{wanted}”",
    "slots change only before the event is scheduled": "排期之前才能修改轮次",
    "participants block slots beyond the new last slot": "有参会方标记了新的最后一轮之后的轮次",
    "event {id} is {status}": "洽谈会 {id} 状态为“{status}”",
    "the event has slots 0 to {last}": "本场的轮次为 0 到 {last}",
    "only the organizer and approved participants see the participants": "只有组织方和已确认的参会方能查看参会名单",
    "name the firm to add": "请指定要添加的企业",
    "a firm registers only itself": "企业只能为自己报名",
    "event {id} is not open for registration": "洽谈会 {id} 未开放报名",
    "only the organizer and approved participants see suggestions": "只有组织方和已确认的参会方能查看推荐",
    "only participants and the organizer see wishes": "只有参会方和组织方能查看意愿",
    "only participants and the organizer see meetings": "只有参会方和组织方能查看洽谈安排",
    "only the two sides and the organizer record an outcome": "只有洽谈双方和组织方能记录成果",
    "publish the schedule before recording outcomes": "请先发布日程再记录成果",
    "only approved participants see their counterparts' contacts": "只有已确认的参会方能查看对方联系方式",
    "a {status} event cannot be scheduled; open registration first": "“{status}”状态的洽谈会不能排期，请先开放报名",
    "a {status} event has no schedule to publish": "“{status}”状态的洽谈会没有可发布的日程",
    "name the participant": "请指定参会方",
    "only participants have an agenda": "只有参会方有日程",
    "a participant sees only its own agenda": "参会方只能查看自己的日程",
    "no such participant in this event": "本场没有这个参会方",
    "wishes are about the other side": "意愿只能针对另一方",
    "must be a large firm or an SME": "只能添加大企业或中小企业",
    "only buyers (large firms) host tables": "只有采购方（大企业）设洽谈桌",
    "organization {org_id} is invited to event {event_id}: accept with POST "
    "/api/v1/events/{event_id}/invitation/accept": "企业 {org_id} 已受邀参加洽谈会 {event_id}：请用 POST /api/v1/events/{event_id}/invitation/accept 接受",
    "organization {org_id} already takes part in event {event_id}": "企业 {org_id} 已在洽谈会 {event_id} 中",
    "no invitation to event {event_id} for your organization": "贵单位没有收到洽谈会 {event_id} 的邀请",
    "your organization is {own_status} in event {event_id}, not invited": "贵单位在洽谈会 {event_id} 中的状态为“{own_status}”，不是受邀",
    "a firm is invited by adding it to the event": "邀请企业请把它添加到洽谈会",
    "organization {p_organization_id} has not agreed to take part: it accepts the invitation "
    "with its own key": "企业 {p_organization_id} 尚未同意参会：需由它用自己的密钥接受邀请",
    "name whose wish this is": "请指定是哪一方的意愿",
    "a firm states its own wishes: you do not manage organization {source_organization_id}": "意愿由企业自己表达：您无权管理企业 {source_organization_id}",
    "only approved participants and the organizer set wishes": "只有已确认的参会方和组织方能设置意愿",
    "a firm sets only its own wishes": "企业只能设置自己的意愿",
    "participant {p_id} is {p_status}": "参会方 {p_id} 的状态为“{p_status}”",
    "a firm you do not manage states its own wishes": "您不管理的企业由它自己表达意愿",
    # chains
    "only admins (operators) change the chain map": "只有管理员（运营方）能修改产业链图谱",
    "a chain named {name} already exists": "名为 {name} 的产业链已存在",
    "node {id} is not a node of chain {chain}": "环节 {id} 不属于产业链 {chain}",
    "chain {chain} already has a node named {name}": "产业链 {chain} 已有名为 {name} 的环节",
    "a node cannot be its own input": "环节不能是自己的上游",
    "edge {input} → {output} already exists": "连线 {input} → {output} 已存在",
    "this edge would make a cycle in the chain": "这条连线会在产业链中形成环",
    "only admins and organizers see placements and weak links": "只有管理员和组织方能查看归位和薄弱环节",
    "no {subject} {id}": "没有{subject} {id}",
    "node {id} given twice": "环节 {id} 重复出现",
    "an operator's placement is always reviewed": "运营方的归位总是已审核",
    # imports
    "only organizers and admins import files": "只有组织方和管理员能导入文件",
    "no template {name}; try firms.csv, profiles.xlsx, needs.csv …": "没有模板 {name}，可用 firms.csv、profiles.xlsx、needs.csv 等",
    "{count} row(s) rejected; nothing was imported": "{count} 行被拒绝，未导入任何数据",
    "{count} problem(s) in the file; nothing was imported": "文件中有 {count} 处问题，未导入任何数据",
    # deals, meeting ratings, campaigns and calendar feeds
    "deal {id} not found": "未找到交易 {id}",
    "only the two firms of deal {id} change it": "只有交易 {id} 的两家企业可以修改它",
    "no chain node {id}": "没有产业链环节 {id}",
    "no meeting {id}": "没有洽谈 {id}",
    "no need {id}": "没有需求 {id}",
    "no profile {id}": "没有能力画像 {id}",
    "give a meeting_id, or a need_id and a profile_id": "请填写洽谈（meeting_id），或需求和能力画像（need_id 和 profile_id）",
    "only the two firms of a meeting open a deal from it": "只有洽谈的两家企业可以由它开交易",
    "only the two firms of a pair open a deal from it": "只有这两家企业本身可以开这笔交易",
    "the meeting was not held": "这场洽谈未举行",
    "must be the meeting's session": "应为这场洽谈所在的洽谈会",
    "the interest is not mutual": "双方意向未达成",
    "both sides must mark 感兴趣 first": "双方都须先标记感兴趣",
    "both firms must have taken part in the session": "两家企业都须参加过这场洽谈会",
    "a deal is between a large firm and an SME": "交易须在大企业与中小企业之间",
    "an ended deal does not change stage": "已终止的交易不能再变更阶段",
    "say why the deal ended": "请说明交易终止的原因",
    "a deal at {current} moves to {next} or 终止, not {wanted}": "处于「{current}」的交易只能推进到「{next}」或终止，不能到「{wanted}」",
    "a deal at {current} can only end (终止)": "处于「{current}」的交易只能终止",
    "签约 needs the contract amount (万元)": "签约须填写合同金额（万元）",
    "meeting {id} not found": "未找到洽谈 {id}",
    "a meeting is rated after its schedule is published": "洽谈安排发布后才能评价洽谈",
    "your firm has not rated meeting {id}": "本企业尚未评价洽谈 {id}",
    "ratings are for the session's organizer": "洽谈评价只给洽谈会的组织方看",
    "campaign {id} not found": "未找到活动 {id}",
    "campaigns are run by organizers": "活动由组织方管理",
    "no chain {id}": "没有产业链 {id}",
    "organizers create campaigns for their own organization": "组织方只能为本组织创建活动",
    "is before starts_on": "早于开始日期",
    "ends_on is before starts_on": "结束日期早于开始日期",
    "is before from": "早于起始日期",
    "a date such as 2026-12-31": "应为日期，如 2026-12-31",
    "the session belongs to another organizer": "这场洽谈会属于另一个组织方",
    "another organizer's session": "另一个组织方的洽谈会",
    "only the firm, its organizer or an admin manage its calendar feed": "只有企业本身、管理它的组织方或管理员可以管理其日历订阅",
    # import files as a whole (CSV, XLSX, JSON Lines) and chain maps
    "file: {problem}": "文件：{problem}",
    "the upload must be seekable": "上传的文件无法定位读取",
    "not UTF-8": "不是 UTF-8 编码",
    "neither UTF-8 nor GBK/GB18030": "既不是 UTF-8 也不是 GBK/GB18030 编码",
    "line {line} holds a NUL byte: not a text file (UTF-16? save it as CSV UTF-8)": "第 {line} 行含有 NUL 字节，不是文本文件（可能是 UTF-16？请另存为“CSV UTF-8”）",
    "line {line} is {label} (does the file mix encodings?)": "第 {line} 行{label}（文件是否混用了多种编码？）",
    "the file ends inside a character: it is {label}": "文件在一个字符中间结束：{label}",
    "row {row}, column {column}: longer than {limit} characters": "第 {row} 行 {column} 列超过 {limit} 个字符",
    "more than {limit} rows": "超过 {limit} 行",
    "line {line} is longer than {limit} characters": "第 {line} 行超过 {limit} 个字符",
    "{count} columns; at most {limit} are accepted": "共 {count} 列，最多接受 {limit} 列",
    "unknown column(s) for {kind}: {names}": "导入{kind}时不认识的列：{names}",
    "no known column in the header row": "表头中没有可识别的列",
    "column {column} appears twice": "列 {column} 出现了两次",
    "row {row} is not readable CSV: {problem}": "第 {row} 行不是可读的 CSV：{problem}",
    "the workbook's first sheet is not a worksheet": "工作簿的第一张表不是工作表",
    "not a readable .xlsx workbook: {problem}": "不是可读的 .xlsx 工作簿：{problem}",
    "not a readable .xlsx workbook: no ZIP directory found": "不是可读的 .xlsx 工作簿：找不到 ZIP 目录",
    "not a readable .xlsx workbook: a broken ZIP64 directory": "不是可读的 .xlsx 工作簿：ZIP64 目录已损坏",
    "the workbook has no part {name}": "工作簿缺少部件 {name}",
    "{name} unpacks to more than it declares": "{name} 解压后超过其声明的大小",
    "{name} cannot be unpacked: {problem}": "{name} 无法解压：{problem}",
    "{name} unpacks to more than {limit} bytes": "{name} 解压后超过 {limit} 字节",
    "the workbook unpacks to more than {limit} bytes": "工作簿解压后超过 {limit} 字节",
    "{name} unpacks to {size} bytes; at most {limit} are accepted": "{name} 解压后为 {size} 字节，最多接受 {limit} 字节",
    "{name} is packed {ratio}:1; at most {limit}:1 is accepted": "{name} 的压缩比为 {ratio}:1，最多接受 {limit}:1",
    "the archive has {count} entries; at most {limit} are accepted": "压缩包有 {count} 个条目，最多接受 {limit} 个",
    "{name} declares a DTD (<!DOCTYPE>), which a workbook never has": "{name} 声明了 DTD（<!DOCTYPE>），正常的工作簿不会有",
    "{name} is not well-formed XML: {problem}": "{name} 不是格式正确的 XML：{problem}",
    "the workbook has no sheet": "工作簿中没有工作表",
    "shared string {number} in {name} is longer than {limit} characters": "{name} 中第 {number} 个共享字符串超过 {limit} 个字符",
    "the workbook's styles are unreadable: {problem}": "工作簿的样式无法读取：{problem}",
    "row {row}: not a row number: {value}": "第 {row} 行：{value} 不是行号",
    "row {row} comes after row {previous}": "第 {row} 行出现在第 {previous} 行之后",
    "row {row}: more than {limit} columns": "第 {row} 行超过 {limit} 列",
    "row {row}: not a cell reference: {value}": "第 {row} 行：{value} 不是单元格引用",
    "row {row}: not a style number: {value}": "第 {row} 行：{value} 不是样式编号",
    "row {row}, column {column}: more than {limit} characters": "第 {row} 行第 {column} 列超过 {limit} 个字符",
    "row {row}, column {column}: not a valid {kind} cell: {value}": "第 {row} 行第 {column} 列不是有效的 {kind} 单元格：{value}",
    "unknown column(s): {names}": "不认识的列：{names}",
    "the header has no {column} ({header}) column": "表头缺少 {column}（{header}）列",
    "required": "必填",
    "must be a whole number ≥ 0": "应为不小于 0 的整数",
    "node {name} already given in row {row}": "环节 {name} 已在第 {row} 行给出",
    "cannot decode the file as {encoding}": "无法按 {encoding} 解码文件",
    "not a JSON document: {problem}": "不是 JSON 文档：{problem}",
    "chain {name} appears twice": "产业链 {name} 出现了两次",
    "node {name} appears twice": "环节 {name} 出现了两次",
    "no node {node} in chain {chain}": "产业链 {chain} 中没有环节 {node}",
    "node {name} cannot be its own input": "环节 {name} 不能是自己的上游",
    "{source} → {target} would make a cycle": "{source} → {target} 会形成环",
    # text and codes (the schema validators)
    "contains {point} (NUL), which is not allowed": "含有不允许的字符 {point}（NUL）",
    "contains a lone surrogate {point}, which is not valid Unicode": "含有无效的 Unicode 字符 {point}（单独的代理项）",
    "contains a line break or tab ({point}), allowed only in multi-line texts": "含有换行或制表符（{point}），只有多行文本允许",
    "contains the control character {point}, which is not allowed": "含有不允许的控制字符 {point}",
    "not a valid 统一社会信用代码: {problem}": "无效（{problem}）",
    "must be 18 characters, got {count}": "应为 18 位，实际为 {count} 位",
    "contains characters not allowed in a USCC: {chars}": "含有统一社会信用代码不允许的字符：{chars}",
    "characters 3-8 must be the 6-digit region code": "第 3 至 8 位应为 6 位行政区划代码",
    "check character is {got}, expected {expected}": "校验位应为 {expected}，实际为 {got}",
    "unknown GB/T 2260 region code {code}": "未知的行政区划代码 {code}（GB/T 2260）",
    "unknown GB/T 4754-2017 industry code {code}": "未知的国民经济行业分类代码 {code}（GB/T 4754-2017）",
    "end must be after start": "结束时间应晚于开始时间",
    "a time to the minute without a time zone, such as 09:20": "应为精确到分钟、不带时区的时间，如 09:20",
    "slot {i} starts before slot {previous} ends; give slots in order": "第 {i} 轮在第 {previous} 轮结束前开始，请按时间顺序填写轮次",
    # challenges (揭榜挂帅 / 询价), responses and attachments
    "challenge {id} not found": "未找到榜单 {id}",
    "response {id} not found": "未找到揭榜响应 {id}",
    "attachment {id} not found": "未找到附件 {id}",
    "must be in the future": "必须晚于当前时间",
    "the weights must add up to 100 (now {total})": "各评审维度权重之和须为 100（现为 {total}）",
    "the terms are at version {version}": "保密条款当前为第 {version} 版",
    "a challenge takes a proposal": "揭榜挂帅须提交攻关方案（proposal）",
    "a request for quotation takes a quotation": "询价须提交报价（quotation）",
    "the challenge is for invited SMEs": "该榜单仅限受邀企业揭榜",
    "only the responding SME changes its response": "只有揭榜企业本身可以修改其响应",
    "name at least one SME": "请至少指定一家中小企业",
    "not SMEs: {ids}": "以下不是中小企业：{ids}",
    "only for an invited challenge": "仅定向邀请的榜单可指定受邀企业",
    "only the buyer's own people review and select": "只有发榜企业本身可以评审和遴选",
    "only an SME responds, with its own account": "只有中小企业可以用自己的账号揭榜",
    "the response was withdrawn": "该响应已撤回",
    "scores are for the buyer's side": "评分仅对发榜方可见",
    "only the buyer and the responding SME write in the thread": "只有发榜企业与揭榜企业可以在澄清中发言",
    "the comparison is for the buyer's side": "比选表仅对发榜方可见",
    "the challenge was already decided": "该榜单已公布遴选结果",
    "select after the response deadline": "请在揭榜截止后再遴选",
    "the challenge has {n} criteria": "该榜单共有 {n} 个评审维度",
    "not a message of this response": "不是该响应下的澄清消息",
    "not a standing response to this challenge": "不是该榜单下有效的响应",
    "a response carries at most {n} files": "每份响应最多 {n} 个附件",
    "the file is empty": "文件为空",
    "the file is larger than {limit} bytes": "文件超过 {limit} 字节",
    "the challenge no longer takes responses": "该榜单已不再接受响应",
    "the file is not on the current revision": "该附件不在当前版本中",
    "only an open need is published as a challenge": "只有已发布的需求可以发榜",
    "the need already has a challenge": "该需求已发榜",
    "accept the confidentiality terms first": "请先阅读并同意保密条款",
    "you already responded; revise your response": "您已揭榜，请修改已有响应",
    "a withdrawn response is filed again, not revised": "已撤回的响应需重新提交，不能修改",
    "the response is already withdrawn": "该响应已撤回",
    # the day of a session
    "a firm marks the attendance of its own meetings only": "企业只能记录自己参加的洽谈的出席情况",
    "publish the schedule before marking attendance": "请先发布日程再记录出席情况",
    "its table or the SME's slot went to another meeting in the re-plan": (
        "该洽谈桌或企业的时段已在现场调整中安排给其他洽谈"
    ),
    "the day's re-plan works on a published schedule: publish it first": (
        "现场调整只适用于已发布的日程：请先发布"
    ),
    "run the schedule first: filling uses its free table-slots": "请先运行排程：补排使用排程后空余的洽谈桌",
    "not an SME taking part in this event": "不是本场洽谈会的参会中小企业",
    "not a check-in token of this event": "不是本场洽谈会的签到码",
    "participant {id} is {status}: it does not take part": "参会方 {id} 的状态为 {status}，不参加洽谈",
    "only the organizer adds standby and walk-in firms": "只有主办组织方可以添加候补和现场加入的企业",
    # people's accounts
    "an API key is revoked, not signed out (DELETE /api/v1/keys/{{id}})": (
        "API 密钥应吊销而不是退出（DELETE /api/v1/keys/{{id}}）"
    ),
    "only organizers and admins approve sign-ups": "只有组织方和平台管理员可以审核注册",
    "sign-up {id} not found": "未找到注册申请 {id}",
    "sign-up {id} is {status}, not awaiting approval": "注册申请 {id} 的状态为 {status}，不在待审核中",
    "the sign-up's e-mail has an account already": "该注册邮箱已有账号",
    "USCC {uscc} is on record already; the organizer that manages it approves": (
        "统一社会信用代码 {uscc} 已有记录，应由管理该企业的组织方审核"
    ),
    "only the organization's owners manage its users": "只有本单位的管理员可以管理其用户",
    "the organization has no contact e-mail: give one": "该单位没有联系邮箱：请填写一个",
    "only organizers and admins invite imported firms": "只有组织方和平台管理员可以邀请已导入的企业",
    "this e-mail has an account already: sign in instead": "该邮箱已有账号：请直接登录",
    "user {id} not found": "未找到用户 {id}",
    "an organization keeps at least one owner": "每个单位至少保留一名管理员",
}


# -- titles -----------------------------------------------------------------------------------

#: One title per status in each language (RFC 9457 ``title``: the same for every problem of a kind).
TITLES: dict[int, Text] = {
    400: Text("请求有误", "Bad request"),
    401: Text("需要登录或密钥", "Authentication required"),
    403: Text("无权操作", "Forbidden"),
    404: Text("未找到", "Not found"),
    405: Text("不支持该方法", "Method not allowed"),
    406: Text("无法提供所要求的格式", "Not acceptable"),
    409: Text("与现有数据冲突", "Conflict"),
    412: Text("数据已被他人修改", "Precondition failed: the record has changed"),
    413: Text("内容过大", "Content too large"),
    415: Text("不支持的内容类型", "Unsupported media type"),
    422: Text("输入有误", "Invalid input"),
    428: Text("需要版本号（If-Match）", "Precondition required: send If-Match"),
    429: Text("请求过于频繁", "Too many requests"),
    500: Text("服务器内部错误", "Internal server error"),
    503: Text("服务繁忙", "Service unavailable"),
}


def title(status: int) -> Text:
    """The title of every problem with ``status``."""
    found = TITLES.get(status)
    if found is not None:
        return found
    from http import HTTPStatus

    phrase = HTTPStatus(status).phrase
    return Text(phrase, phrase)


# -- language ---------------------------------------------------------------------------------

_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([^\s;]*))?\s*$"
)


def negotiate(accept_language: str | None) -> Language:
    """The language to answer in, from an ``Accept-Language`` header (RFC 9110 §12.5.4).

    Chinese unless the client prefers English: the highest ``q`` among ``zh…``, ``en…`` and
    ``*`` wins, earlier on ties; ``q=0`` refuses a language.

    >>> negotiate("en-US,en;q=0.9")
    'en'
    >>> negotiate("zh-CN;q=0.5, en;q=0.8")
    'en'
    >>> negotiate("fr, en;q=0")
    'zh'
    """
    best: tuple[float, Language] | None = None
    for part in (accept_language or "").split(","):
        found = _RANGE.match(part)
        if not found:
            continue
        tag, q_text = found.group(1).lower(), found.group(2)
        try:
            q = float(q_text) if q_text is not None else 1.0
        except ValueError:
            continue
        if not 0 <= q <= 1:
            continue
        if q <= 0:
            continue
        primary = tag.split("-")[0]
        language: Language | None = (
            "en" if primary == "en" else "zh" if primary in ("zh", "*") else None
        )
        if language is not None and (best is None or q > best[0]):
            best = (q, language)
    return best[1] if best else DEFAULT_LANGUAGE


# -- fields -----------------------------------------------------------------------------------

#: A field's name in the user's terms, by its name in the API.
FIELD_LABELS: dict[str, Text] = {
    "body": Text("请求内容", "request body"),
    "file": Text("文件", "file"),
    "uscc": Text("统一社会信用代码", "USCC (unified social credit code)"),
    "region_code": Text("地区代码", "region code"),
    "region": Text("地区", "region"),
    "preferred_regions": Text("优先地区", "preferred regions"),
    "regions_served": Text("服务地区", "regions served"),
    "industry_codes": Text("行业代码", "industry codes"),
    "industry": Text("行业代码", "industry code"),
    "name": Text("名称", "name"),
    "title": Text("标题", "title"),
    "kind": Text("类型", "kind"),
    "tier": Text("梯度等级", "tier"),
    "tier_year": Text("认定年份", "tier year"),
    "website": Text("网站", "website"),
    "contacts": Text("联系人", "contacts"),
    "person": Text("联系人", "contact person"),
    "phone": Text("电话", "phone"),
    "email": Text("电子邮箱", "e-mail"),
    "products": Text("产品", "products"),
    "share": Text("占比", "share"),
    "technologies": Text("技术", "technologies"),
    "processes": Text("工艺", "processes"),
    "materials": Text("材料", "materials"),
    "certifications": Text("资质认证", "certifications"),
    "required_certifications": Text("要求的资质认证", "required certifications"),
    "standard": Text("标准", "standard"),
    "valid_until": Text("有效期至", "valid until"),
    "capacity": Text("产能", "capacity"),
    "quantity": Text("数量", "quantity"),
    "quantity_unit": Text("数量单位", "quantity unit"),
    "unit": Text("单位", "unit"),
    "minimum_order": Text("起订量", "minimum order"),
    "description": Text("说明", "description"),
    "application": Text("用途", "application"),
    "deadline": Text("截止日期", "deadline"),
    "status": Text("状态", "status"),
    "organization_id": Text("企业（机构）编号", "organization id"),
    "org_id": Text("企业（机构）编号", "organization id"),
    "profile_id": Text("能力画像编号", "profile id"),
    "need_id": Text("需求编号", "need id"),
    "event_id": Text("洽谈会编号", "session id"),
    "chain_id": Text("产业链编号", "chain id"),
    "node_id": Text("环节编号", "node id"),
    "edge_id": Text("连线编号", "edge id"),
    "key_id": Text("密钥编号", "key id"),
    "meeting_id": Text("洽谈编号", "meeting id"),
    "placement_id": Text("归位编号", "placement id"),
    "participant_id": Text("参会方编号", "participant id"),
    "from_participant_id": Text("提出意愿的参会方", "wishing participant"),
    "to_participant_id": Text("意愿对象", "wished-for participant"),
    "buyer_participant_id": Text("采购方", "buyer"),
    "sme_participant_id": Text("中小企业", "SME"),
    "input_node_id": Text("上游环节", "input node"),
    "output_node_id": Text("下游环节", "output node"),
    "subject": Text("对象类型", "subject"),
    "subject_id": Text("对象编号", "subject id"),
    "nodes": Text("环节", "nodes"),
    "keywords": Text("关键词", "keywords"),
    "role": Text("角色", "role"),
    "label": Text("备注名", "label"),
    "focus": Text("主题", "focus"),
    "venue": Text("地点", "venue"),
    "date": Text("日期", "date"),
    "slots": Text("轮次", "slots"),
    "start": Text("开始时间", "start"),
    "end": Text("结束时间", "end"),
    "tables": Text("洽谈桌数", "tables"),
    "meeting_minutes": Text("每轮时长（分钟）", "meeting minutes"),
    "max_meetings": Text("洽谈上限", "meeting cap"),
    "blocked_slots": Text("不可参加的轮次", "blocked slots"),
    "side": Text("参会身份", "side"),
    "wish": Text("意愿", "wish"),
    "outcome": Text("成果", "outcome"),
    "note": Text("备注", "note"),
    "value": Text("取值", "value"),
    "reviewed": Text("已审核", "reviewed"),
    "page": Text("页码", "page"),
    "page_size": Text("每页条数", "page size"),
    "limit": Text("条数上限", "limit"),
    "min_score": Text("最低分", "minimum score"),
    "min_confidence": Text("最低置信度", "minimum confidence"),
    "q": Text("搜索词", "search text"),
    "If-Match": Text("版本号（If-Match）", "If-Match"),
    "external_id": Text("外部编号", "external id"),
    "dry_run": Text("试运行", "dry run"),
    "partial": Text("部分导入", "partial"),
    "report": Text("报告格式", "report format"),
    "format": Text("格式", "format"),
    "mine": Text("仅看我的", "mine only"),
    "chain": Text("产业链", "chain"),
    "node": Text("环节", "node"),
    "level": Text("层级", "level"),
    "interest": Text("意向", "interest"),
    "mutual": Text("双向意向", "mutual"),
    "source": Text("来源", "source"),
    "place": Text("归位", "place"),
    "replace": Text("替换", "replace"),
    "replan_all": Text("全部重排", "replan all"),
    "answer": Text("答复", "answer"),
}

_WHERE = ("body", "query", "path", "header", "cookie", "form")


def field_label(path: str | Sequence[object]) -> Text:
    """A field path (``body.products.2.name``) in the user's terms (``产品第 3 项的名称``).

    The path itself stays in ``errors[].field``; this names it for a person.
    """
    parts = path.split(".") if isinstance(path, str) else [str(p) for p in path]
    if parts and parts[0] in _WHERE and len(parts) > 1:
        parts = parts[1:]
    zh, en = "", ""
    for part in parts:
        if part.isdigit():
            zh += f"第 {int(part) + 1} 项"
            en += f" item {int(part) + 1}"
            continue
        label = FIELD_LABELS.get(part, Text(part, part.replace("_", " ")))
        zh += ("的" if zh else "") + label.zh
        en += (" " if en else "") + label.en
    return Text(zh or "请求内容", en.strip() or "request body")


# -- pydantic's errors ------------------------------------------------------------------------

#: Pydantic error type → (Chinese, English) with ``{label}`` and the error's context values.
VALIDATION: dict[str, tuple[str, str]] = {
    "missing": ("缺少{label}", "{label} is required"),
    "extra_forbidden": ("不认识的字段{label}", "{label} is not a known field"),
    "string_too_short": (
        "{label}至少要 {min_length} 个字符",
        "{label} needs at least {min_length} character(s)",
    ),
    "string_too_long": (
        "{label}最多 {max_length} 个字符",
        "{label} may have at most {max_length} characters",
    ),
    "too_short": ("{label}至少要 {min_length} 项", "{label} needs at least {min_length} item(s)"),
    "too_long": ("{label}最多 {max_length} 项", "{label} may have at most {max_length} items"),
    "greater_than": ("{label}应大于 {gt}", "{label} must be greater than {gt}"),
    "greater_than_equal": ("{label}不能小于 {ge}", "{label} must be at least {ge}"),
    "less_than": ("{label}应小于 {lt}", "{label} must be less than {lt}"),
    "less_than_equal": ("{label}不能大于 {le}", "{label} must be at most {le}"),
    "multiple_of": (
        "{label}应为 {multiple_of} 的倍数",
        "{label} must be a multiple of {multiple_of}",
    ),
    "finite_number": ("{label}应为有限的数", "{label} must be a finite number"),
    "int_parsing": ("{label}应为整数", "{label} must be a whole number"),
    "int_type": ("{label}应为整数", "{label} must be a whole number"),
    "int_from_float": ("{label}应为整数，不能有小数", "{label} must be a whole number"),
    "float_parsing": ("{label}应为数字", "{label} must be a number"),
    "float_type": ("{label}应为数字", "{label} must be a number"),
    "decimal_parsing": ("{label}应为数字", "{label} must be a number"),
    "bool_parsing": ("{label}应为 true 或 false", "{label} must be true or false"),
    "bool_type": ("{label}应为 true 或 false", "{label} must be true or false"),
    "string_type": ("{label}应为文本", "{label} must be text"),
    "string_unicode": ("{label}应为有效的 Unicode 文本", "{label} must be valid Unicode text"),
    "string_pattern_mismatch": ("{label}格式不对", "{label} is not in the expected format"),
    "enum": ("{label}应为以下之一：{expected}", "{label} must be one of {expected}"),
    "literal_error": ("{label}应为以下之一：{expected}", "{label} must be one of {expected}"),
    "list_type": ("{label}应为列表", "{label} must be a list"),
    "set_type": ("{label}应为列表", "{label} must be a list"),
    "tuple_type": ("{label}应为列表", "{label} must be a list"),
    "dict_type": ("{label}应为对象", "{label} must be an object"),
    "model_type": ("{label}应为对象", "{label} must be an object"),
    "model_attributes_type": ("{label}应为对象", "{label} must be an object"),
    "date_parsing": ("{label}应为日期，格式 YYYY-MM-DD", "{label} must be a date, YYYY-MM-DD"),
    "date_from_datetime_parsing": (
        "{label}应为日期，格式 YYYY-MM-DD",
        "{label} must be a date, YYYY-MM-DD",
    ),
    "date_from_datetime_inexact": (
        "{label}应为日期，不带时间",
        "{label} must be a date without a time",
    ),
    "date_type": ("{label}应为日期，格式 YYYY-MM-DD", "{label} must be a date, YYYY-MM-DD"),
    "datetime_parsing": (
        "{label}应为日期时间，格式 YYYY-MM-DDTHH:MM",
        "{label} must be a date and time, YYYY-MM-DDTHH:MM",
    ),
    "datetime_from_date_parsing": (
        "{label}应为日期时间，格式 YYYY-MM-DDTHH:MM",
        "{label} must be a date and time, YYYY-MM-DDTHH:MM",
    ),
    "datetime_type": (
        "{label}应为日期时间，格式 YYYY-MM-DDTHH:MM",
        "{label} must be a date and time, YYYY-MM-DDTHH:MM",
    ),
    "time_parsing": ("{label}应为时间，格式 HH:MM", "{label} must be a time, HH:MM"),
    "time_type": ("{label}应为时间，格式 HH:MM", "{label} must be a time, HH:MM"),
    "timezone_aware": ("{label}应带时区", "{label} must carry a time zone"),
    "timezone_naive": ("{label}不应带时区", "{label} must not carry a time zone"),
    "url_parsing": ("{label}应为网址", "{label} must be a URL"),
    "url_type": ("{label}应为网址", "{label} must be a URL"),
    "url_scheme": (
        "{label}应以 {expected_schemes} 开头",
        "{label} must start with {expected_schemes}",
    ),
    "value_error": ("{label}无效", "{label} is invalid"),
    "assertion_error": ("{label}无效", "{label} is invalid"),
    "union_tag_invalid": ("{label}类型不对", "{label} is of an unknown kind"),
    "union_tag_not_found": ("{label}缺少类型字段", "{label} lacks its kind field"),
}

_FALLBACK = ("{label}无效", "{label} is invalid")
_COLLECTIONS = ("List", "Set", "Tuple", "Dictionary", "Frozenset", "Generator")


class TextError(ValueError):
    """A validator's complaint in both languages (pydantic reports it as ``value_error``)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


def validation_text(error: Mapping[str, Any], *, document: object = None) -> Text:
    """One pydantic error (an item of ``ValidationError.errors()``) in plain words.

    Our validators raise :class:`TextError`; their message follows the field's name.
    ``document`` is the undecodable body of a ``json_invalid`` error, for its line and column.
    """
    kind = str(error.get("type", ""))
    loc = list(error.get("loc", ()))
    ctx = dict(error.get("ctx") or {})
    if kind == "json_invalid":
        return _json_invalid(loc, document)
    label = field_label(loc)
    if kind == "value_error":
        cause = ctx.get("error")
        message = (
            cause.text
            if isinstance(cause, TextError)
            else as_text(str(error.get("msg", "")).removeprefix("Value error, "))
        )
        if message.en:
            return field_problem(".".join(str(p) for p in loc), message)
    if kind in ("too_short", "too_long") and ctx.get("field_type") not in _COLLECTIONS:
        kind = f"string_{kind}"  # a constrained text reports its length as a "Value"
    zh, en = VALIDATION.get(kind, _FALLBACK)
    values = {k: _shown(v) for k, v in ctx.items()}
    try:
        return Text(zh.format(label=label.zh, **values), en.format(label=label.en, **values))
    except (KeyError, IndexError):
        zh, en = _FALLBACK
        return Text(zh.format(label=label.zh), en.format(label=label.en))


def _json_invalid(loc: Sequence[object], document: object) -> Text:
    position = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    if position is None or not isinstance(document, str):
        return Text("请求内容不是有效的 JSON", "the request body is not valid JSON")
    line = document.count("\n", 0, position) + 1
    column = position - (document.rfind("\n", 0, position) + 1) + 1
    return Text(
        f"请求内容不是有效的 JSON（第 {line} 行第 {column} 列）",
        f"the request body is not valid JSON (line {line}, column {column})",
    )


def field_problem(field: str, message: "str | Text") -> Text:
    """``message`` about ``field``, led by the field's name in the user's terms."""
    text = as_text(message)
    if field in _WHERE or not field:
        return text  # the request as a whole: the message says it all
    label = field_label(field)
    return Text(f"{label.zh}：{text.zh}", f"{label.en}: {text.en}")
