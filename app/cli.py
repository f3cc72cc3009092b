"""The ``xieshou`` command line: serve, migrate, issue keys, import, demo, chain map.

Only the standard library is imported at start, so ``xieshou --help`` answers at once; every
command imports what it needs (SQLAlchemy, the models, scikit-learn) when it runs.
"""

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from app.auth.principal import Principal
    from app.config import Settings
    from app.errors import ProblemError

#: The roles a key may hold (``app.models.Role``; kept here so ``--help`` imports no models).
ROLES = ("admin", "organizer", "large_firm", "sme")
_KINDS = {"firms": "企业", "profiles": "能力画像", "needs": "需求"}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``xieshou`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        # A command group without its subcommand (``xieshou keys``): that group's help.
        getattr(args, "help_of", parser).print_help()
        return 2
    from app.config import get_settings
    from app.platform.logs import configure as configure_logs

    configure_logs(level=get_settings().log_level, fmt=get_settings().log_format)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return int(args.run(args) or 0)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose own -h/--help speaks Chinese like the rest of the help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._optionals.title = "选项 (options)"
        self._positionals.title = "参数 (arguments)"
        self.add_argument("-h", "--help", action="help", help="显示此帮助并退出")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xieshou")
    except PackageNotFoundError:
        return "unknown"


def _group(
    commands: "argparse._SubParsersAction[_Parser]", name: str, help_text: str
) -> "argparse._SubParsersAction[_Parser]":
    """A command with subcommands; alone it prints its own help (``xieshou keys``)."""
    group = commands.add_parser(name, help=help_text, description=help_text)
    group.set_defaults(help_of=group)
    return group.add_subparsers(
        title="子命令 (subcommands)", metavar="<子命令>", parser_class=_Parser
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xieshou",
        description="携手 Xieshou：大企业与专精特新中小企业的产业链对接服务。",
        epilog="数据库由环境变量 XIESHOU_DATABASE_URL 指定（默认 sqlite:///./xieshou.db）。"
        "每个命令加 --help 查看其选项。",
    )
    parser.add_argument(
        "--version", action="version", version=f"xieshou {_version()}", help="显示版本号并退出"
    )
    commands = parser.add_subparsers(
        title="命令 (commands)", metavar="<命令>", parser_class=_Parser
    )

    serve = commands.add_parser("serve", help="迁移数据库后用 uvicorn 运行 HTTP 服务与控制台")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.add_argument("--workers", type=int, default=1, help="工作进程数（默认 1）")
    serve.add_argument("--no-upgrade", action="store_true", help="启动前不迁移数据库")
    serve.set_defaults(run=_serve)

    db = _group(commands, "db", "数据库结构")
    upgrade = db.add_parser("upgrade", help="执行 alembic 迁移")
    upgrade.add_argument("--revision", default="head", help="迁移到的版本（默认 head）")
    upgrade.set_defaults(run=_db_upgrade)

    keys = _group(commands, "keys", "API 密钥：签发、列出、吊销")
    create = keys.add_parser("create", help="签发一个密钥并只显示这一次")
    create.add_argument("--org", type=int, help="所属组织 id（管理员密钥不填）")
    create.add_argument("--role", required=True, choices=ROLES, help="角色")
    create.add_argument("--label", default="", help="备注，便于日后辨认")
    create.set_defaults(run=_keys_create)
    listing = keys.add_parser(
        "list", help="列出全部密钥：前缀、角色、组织、创建与最近使用时间、是否吊销（不含密钥本身）"
    )
    listing.add_argument("--org", type=int, help="只列此组织 id 的密钥")
    listing.set_defaults(run=_keys_list)
    revoke = keys.add_parser("revoke", help="吊销一个密钥（记入审计日志）")
    revoke.add_argument("key", help="密钥的 id 或前缀（xs_ 后的 12 位，如 keys list 所示）")
    revoke.set_defaults(run=_keys_revoke)

    imports = _group(commands, "import", "从 CSV、XLSX 或 JSONL 批量导入企业、能力画像或需求")
    for kind, label in _KINDS.items():
        one = imports.add_parser(
            kind, help=f"导入{label}（默认全部成功才写入；--partial 则只写入合格行）"
        )
        one.add_argument("file", help=".csv（UTF-8 或 GBK）、.xlsx 或 .jsonl 文件")
        one.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        one.add_argument(
            "--partial", action="store_true", help="写入合格行，分批提交，问题行列入报告"
        )
        one.add_argument("--report", help="把逐行报告（CSV，中文表头）写到此文件")
        one.set_defaults(run=_import, kind=kind)
    template = imports.add_parser("template", help="生成导入模板（含说明与可导入的示例行）")
    template.add_argument("template_kind", choices=list(_KINDS), help="模板种类")
    template.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="格式")
    template.add_argument("--output", "-o", help="写入的文件（CSV 默认输出到标准输出）")
    template.set_defaults(run=_import_template)

    demo = commands.add_parser("demo", help="装载演示数据，打印各角色的演示密钥，然后启动服务")
    demo.add_argument("--database-url", help="默认 XIESHOU_DATABASE_URL 或 ./xieshou.db")
    demo.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    demo.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    demo.add_argument("--no-serve", action="store_true", help="只装载并打印密钥，不启动服务")
    demo.set_defaults(run=_demo)

    chains = _group(commands, "chains", "产业链图谱与挂接")
    seed = chains.add_parser("seed", help="装载随附的产业链图谱种子（只补缺，可重复执行）")
    seed.add_argument("--no-place", action="store_true", help="装载后不重新挂接画像与需求")
    seed.set_defaults(run=_chains_seed)
    place = chains.add_parser("place", help="把全部画像与需求重新挂接到图谱上（人工调整保留）")
    place.set_defaults(run=_chains_place)
    export = chains.add_parser("export", help="导出产业链图谱（JSON 或 CSV）")
    export.add_argument("--format", choices=["json", "csv"], default="json", help="格式")
    export.add_argument("--output", "-o", help="写入的文件（默认标准输出）")
    export.set_defaults(run=_chains_export)

    index = _group(commands, "index", "匹配索引")
    rebuild = index.add_parser("rebuild", help="从数据库重建索引，并通知所有运行中的工作进程")
    rebuild.set_defaults(run=_index_rebuild)

    train = commands.add_parser(
        "train",
        help="用记录的推荐与反馈训练重排模型；更好才启用",
        description="用已记录的推荐名单与反馈训练重排模型，按时间切分在最新的需求上比较 "
        "NDCG@10，连同指标保存；只有更好时才启用。",
    )
    train.add_argument(
        "--min-interactions", type=int, default=50, help="至少有这么多条带反馈的展示才训练"
    )
    train.add_argument(
        "--test-fraction", type=float, default=0.25, help="留作检验的最新需求比例（默认 0.25）"
    )
    train.add_argument(
        "--min-gain",
        type=float,
        default=0.005,
        help="NDCG@10 平均提升超过此值（默认 0.005）且经配对自助法检验仍成立才启用",
    )
    train.add_argument("--C", type=float, default=1.0, help="正则化强度的倒数（默认 1.0）")
    train.set_defaults(run=_train)

    outbox = _group(commands, "outbox", "通知发件箱")
    outbox.add_parser(
        "send", help="发送一轮：生成到期的提醒与每日推荐，发出到期的通知（可与运行中的服务并行）"
    ).set_defaults(run=_outbox_send)

    deals = _group(commands, "deals", "洽谈后的交易")
    deals.add_parser(
        "follow-ups",
        help="为 30 天、90 天未更新阶段的交易排入跟进提醒（每天由 cron 运行一次；重复运行不会重复发送）",
    ).set_defaults(run=_deals_follow_ups)

    model = _group(commands, "model", "重排模型版本")
    model.add_parser("list", help="列出全部版本及其指标，新的在前").set_defaults(run=_model_list)
    model.add_parser("rollback", help="撤下当前版本，恢复上一个").set_defaults(run=_model_rollback)
    return parser


def _outbox_send(args: argparse.Namespace) -> int:
    from app.notifications.worker import send_once

    settings = _settings()
    return send_once(settings.database_url, settings)


def _deals_follow_ups(args: argparse.Namespace) -> int:
    from datetime import date

    from app.db import make_engine, make_sessionmaker, session_scope
    from app.deals.notices import follow_up_pass

    engine = make_engine(_settings().database_url)
    try:
        for session in session_scope(make_sessionmaker(engine)):
            prompted = follow_up_pass(session, date.today())
    finally:
        engine.dispose()
    print(f"已为 {prompted} 笔交易排入跟进提醒")
    return 0


def _chains_seed(args: argparse.Namespace) -> int:
    from app.chains.command import seed

    return seed(_settings().database_url, place=not args.no_place)


def _chains_place(args: argparse.Namespace) -> int:
    from app.chains.command import place_all

    return place_all(_settings().database_url)


def _chains_export(args: argparse.Namespace) -> int:
    from app.chains.command import export

    return export(_settings().database_url, args.format, args.output)


def _train(args: argparse.Namespace) -> int:
    from app.learning.training import run_command

    if args.min_interactions < 1 or not 0 < args.test_fraction < 1 or args.C <= 0:
        print(
            "error: --min-interactions ≥ 1, 0 < --test-fraction < 1 and --C > 0",
            file=sys.stderr,
        )
        return 2
    return run_command(
        _settings().database_url,
        min_interactions=args.min_interactions,
        test_fraction=args.test_fraction,
        min_gain=args.min_gain,
        C=args.C,
    )


def _model_list(args: argparse.Namespace) -> int:
    import json

    from app.db import make_engine, make_sessionmaker, session_scope
    from app.learning import registry

    engine = make_engine(_settings().database_url)
    try:
        for session in session_scope(make_sessionmaker(engine)):
            for row in registry.listing(session):
                print(json.dumps(row, ensure_ascii=False))
    finally:
        engine.dispose()
    return 0


def _model_rollback(args: argparse.Namespace) -> int:
    import json

    from app.db import make_engine, make_sessionmaker, session_scope
    from app.learning import registry

    engine = make_engine(_settings().database_url)
    try:
        for session in session_scope(make_sessionmaker(engine)):
            try:
                withdrawn, restored = registry.rollback(session)
            except LookupError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(
                json.dumps(
                    {"rolled_back": withdrawn.id, "active": restored.id if restored else None}
                )
            )
            print(
                f"version {withdrawn.id} withdrawn; now "
                + (f"version {restored.id}" if restored else "the engine's own order"),
                file=sys.stderr,
            )
    finally:
        engine.dispose()
    return 0


def _index_rebuild(args: argparse.Namespace) -> int:
    from app.db import make_engine, make_sessionmaker, session_scope
    from app.matches import changes
    from app.matches.index import MatchingIndex

    engine = make_engine(_settings().database_url)
    try:
        sessions = make_sessionmaker(engine)
        index = MatchingIndex(sessions)
        index.build()
        profiles, needs = index.sizes
        for session in session_scope(sessions):
            changes.record(session, changes.EVERYTHING, None)
        print(
            f"index rebuilt: {profiles} profiles, {needs} open needs; "
            "running workers rebuild within a second",
            file=sys.stderr,
        )
    finally:
        engine.dispose()
    return 0


def _import(args: argparse.Namespace) -> int:
    from app.imports.command import run_command

    return run_command(
        _settings().database_url,
        args.kind,
        args.file,
        dry_run=args.dry_run,
        partial=args.partial,
        report=args.report,
    )


def _import_template(args: argparse.Namespace) -> int:
    from app.imports.command import write_template

    return write_template(args.template_kind, args.format, args.output)


def _demo(args: argparse.Namespace) -> int:
    from app.demo.loader import run_demo

    if not os.environ.get("XIESHOU_LOG_FORMAT"):  # a person reads the demo: plain lines
        from app.platform.logs import configure as configure_logs

        configure_logs(level=_settings().log_level, fmt="text")
    return run_demo(
        args.database_url or _settings().database_url,
        host=args.host,
        port=args.port,
        serve=not args.no_serve,
    )


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if not args.no_upgrade:
        _db_upgrade(argparse.Namespace(revision="head"))
    if not os.environ.get("XIESHOU_SESSION_SECRET"):
        # Every worker must make the console's CSRF tokens with the same secret.
        os.environ["XIESHOU_SESSION_SECRET"] = secrets.token_urlsafe(32)
        logging.getLogger("xieshou").warning(
            "XIESHOU_SESSION_SECRET unset: console forms open in a browser need a reload after "
            "these workers stop; set it (the same on every replica) to keep them across restarts"
        )
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=_settings().log_level.lower(),
        log_config=None,  # uvicorn's lines go through app.platform.logs like the app's
        # The app believes X-Forwarded-* only from XIESHOU_FORWARDED_ALLOW_IPS (app.headers);
        # uvicorn's own default would believe any local process.
        proxy_headers=False,
    )
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    url = _settings().database_url
    upgrade(url, args.revision)
    print(f"database at {_safe(url)} is at revision {args.revision}", file=sys.stderr)
    return 0


def _keys_create(args: argparse.Namespace) -> int:
    from app.auth import service
    from app.db import make_engine, make_sessionmaker, session_scope
    from app.errors import ProblemError
    from app.models import Role

    engine = make_engine(_settings().database_url)
    try:
        for session in session_scope(make_sessionmaker(engine)):
            row, key = service.issue(
                session, None, role=Role(args.role), organization_id=args.org, label=args.label
            )
            org = (
                f"organization {row.organization_id}" if row.organization_id else "no organization"
            )
            print(
                f"{args.role} key {row.id} for {org} (shown once, store it now):", file=sys.stderr
            )
            print(key)
    except ProblemError as exc:
        print(f"错误：{_problem(exc)}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


#: The command line acts as an admin; its audit entries name no key and no user.
def _command_line() -> "Principal":
    from app.auth.principal import Principal
    from app.models import Role

    return Principal(None, Role.admin, None)


def _keys_list(args: argparse.Namespace) -> int:
    import csv

    from sqlalchemy import select

    from app.auth import service
    from app.db import make_engine, make_sessionmaker, session_scope
    from app.models import Organization

    engine = make_engine(_settings().database_url)
    out = csv.writer(sys.stdout, lineterminator="\n")
    try:
        for session in session_scope(make_sessionmaker(engine)):
            rows = [
                row
                for row in service.visible_keys(session, _command_line())
                if args.org is None or row.organization_id == args.org
            ]
            org_ids = {row.organization_id for row in rows if row.organization_id}
            found = session.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))
            ).all()
            names: dict[int, str] = {row.id: row.name for row in found}
            out.writerow(
                ["id", "前缀", "角色", "组织id", "组织", "备注", "创建时间", "最近使用", "吊销时间"]
            )
            for row in rows:
                out.writerow(
                    [
                        row.id,
                        row.prefix,
                        row.role,
                        row.organization_id or "",
                        names.get(row.organization_id or 0, "（全部组织）"),
                        row.label,
                        _when(row.created_at),
                        _when(row.last_used_at),
                        _when(row.revoked_at),
                    ]
                )
    finally:
        engine.dispose()
    return 0


def _when(moment: "datetime | None") -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _keys_revoke(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.auth import service
    from app.db import make_engine, make_sessionmaker, session_scope
    from app.errors import ProblemError
    from app.models import ApiKey

    wanted = str(args.key).strip()
    prefix = wanted.removeprefix("xs_").split("_", 1)[0]
    engine = make_engine(_settings().database_url)
    try:
        for session in session_scope(make_sessionmaker(engine)):
            key_id = session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix))
            if key_id is None and wanted.isdigit():
                key_id = int(wanted)
            if key_id is None:
                print(f"错误：没有前缀为 {prefix} 的密钥", file=sys.stderr)
                return 1
            already = session.scalar(select(ApiKey.revoked_at).where(ApiKey.id == key_id))
            row = service.revoke(session, _command_line(), key_id)
            state = "早已吊销" if already else "已吊销"
            print(f"密钥 {row.id}（前缀 {row.prefix}，{row.role}）{state}", file=sys.stderr)
    except ProblemError as exc:
        print(f"错误：{_problem(exc)}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _problem(exc: "ProblemError") -> str:
    """A service error for the terminal: its Chinese detail and the fields it names."""
    fields = [error.field for error in exc.errors or []]
    return f"{exc.detail}（字段 {'、'.join(fields)}）" if fields else exc.detail


def _settings() -> "Settings":
    from app.config import get_settings

    return get_settings()


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    raise SystemExit(main())
