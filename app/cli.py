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
    from app.errors import ProblemError
    from app.platform.settings import Settings

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
    from app.platform.logs import configure as configure_logs
    from app.platform.settings import get_settings

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

    serve = commands.add_parser(
        "serve", help="迁移数据库后运行 HTTP 服务与控制台（uvicorn；多进程时由 gunicorn 管理）"
    )
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="工作进程数（默认 1）；多于 1 个时先在父进程载入程序与词典再 fork（gunicorn），"
        "各进程共享这部分内存",
    )
    preloading = serve.add_mutually_exclusive_group()
    preloading.add_argument(
        "--no-preload",
        action="store_true",
        help="多进程时不预载：每个工作进程各自导入程序（uvicorn 的 spawn 方式，占内存更多）",
    )
    preloading.add_argument(
        "--preload",
        action="store_true",
        help="只有 1 个工作进程时也先在父进程预载再 fork（与多进程同一形态，用于比较内存）",
    )
    serve.add_argument("--no-upgrade", action="store_true", help="启动前不迁移数据库")
    serve.set_defaults(run=_serve)

    worker = commands.add_parser(
        "worker",
        help="运行后台任务（导入、排程、训练、重建索引）的工作进程",
        description="从任务队列（XIESHOU_JOBS_URL，默认数据目录中的 SQLite 文件）取任务并运行，"
        "直到收到 SIGTERM 或 SIGINT（运行中的任务先做完）。web 进程设 XIESHOU_JOBS_CONSUMER=false "
        "时由它运行全部任务；也可与 web 进程内的任务线程并存。",
    )
    worker.add_argument(
        "--threads", type=int, help="同时运行的任务数（默认 XIESHOU_JOBS_WORKERS，即 2）"
    )
    worker.add_argument(
        "--nice", type=int, default=0, help="降低本进程的 CPU 优先级（os.nice，0 到 19；默认 0）"
    )
    worker.add_argument(
        "--exit-with",
        type=int,
        metavar="PID",
        help="进程 PID 结束后本进程也停止（web 进程启动的任务进程用）",
    )
    worker.set_defaults(run=_worker)

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
    rebuild.add_argument(
        "--enqueue", action="store_true", help="排入后台任务由工作进程执行，打印任务编号后即返回"
    )
    rebuild.set_defaults(run=_index_rebuild)

    log_group = _group(commands, "changes", "变更日志（各工作进程据此保持索引与缓存新鲜）")
    prune = log_group.add_parser(
        "prune",
        help="分批删除早于保留期的变更日志条目",
        description="删除早于保留期（默认 XIESHOU_CHANGE_LOG_RETENTION_DAYS，即 7 天；"
        "至少 1 小时）的变更日志条目，每批一个事务。落后于删除点的工作进程会重建索引，"
        "不会漏掉变更。各工作进程每小时也会自动清理一次。",
    )
    prune.add_argument("--retention-days", type=float, help="保留的天数（默认取设置）")
    prune.add_argument("--batch-size", type=int, default=5000, help="每批删除的条目数")
    prune.set_defaults(run=_changes_prune)

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
    train.add_argument(
        "--enqueue", action="store_true", help="排入后台任务由工作进程执行，打印任务编号后即返回"
    )
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
    from app.outbox_send import send_once

    settings = _settings()
    return send_once(settings.database_url, settings)


def _deals_follow_ups(args: argparse.Namespace) -> int:
    from datetime import date

    from app.deals.notices import follow_up_pass
    from app.platform.db import make_engine, make_sessionmaker, session_scope

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
    if args.enqueue:
        return _enqueue(
            "app.learning.job",
            "learning.train",
            {
                "min_interactions": args.min_interactions,
                "test_fraction": args.test_fraction,
                "min_gain": args.min_gain,
                "C": args.C,
            },
        )
    return run_command(
        _settings().database_url,
        min_interactions=args.min_interactions,
        test_fraction=args.test_fraction,
        min_gain=args.min_gain,
        C=args.C,
    )


def _model_list(args: argparse.Namespace) -> int:
    import json

    from app.learning import registry
    from app.platform.db import make_engine, make_sessionmaker, session_scope

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

    from app.learning import registry
    from app.platform.db import make_engine, make_sessionmaker, session_scope

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


def _changes_prune(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from app.platform import changes
    from app.platform.db import make_engine, make_sessionmaker

    settings = _settings()
    days = (
        settings.change_log_retention_days if args.retention_days is None else args.retention_days
    )
    if days < 0 or args.batch_size < 1:
        print("error: --retention-days is 0 or more, --batch-size 1 or more", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        sessions = make_sessionmaker(engine)
        keep_from = None
        if settings.index_snapshots:  # workers start from a snapshot, then the log after it
            from app.matches.snapshots import keep_change_log_from

            keep_from = keep_change_log_from(sessions)
        deleted = changes.prune(
            sessions,
            retention=timedelta(days=days),
            keep_from=keep_from,
            batch_size=args.batch_size,
        )
    finally:
        engine.dispose()
    print(deleted)
    print(f"change log: {deleted} entries older than {days:g} days deleted", file=sys.stderr)
    return 0


def _enqueue(module: str, kind: str, payload: dict[str, Any]) -> int:
    """Queue a job of ``kind`` (registered by ``module``) for the workers; print its id."""
    import importlib
    import json

    from app.platform import jobs
    from app.platform.db import make_engine, make_sessionmaker

    importlib.import_module(module)
    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        sessions = make_sessionmaker(engine)
        runner = jobs.JobRunner(sessions, settings)
        sessions.configure(info={jobs.INFO_KEY: runner})
        with sessions() as session:
            job = jobs.enqueue(session, kind, payload, organization_id=None, requested_by="cli")
            session.commit()
        print(json.dumps({"job": job.id, "kind": kind, "url": f"/api/v1/jobs/{job.id}"}))
        print(f"job {job.id} ({kind}) queued for the workers", file=sys.stderr)
    finally:
        engine.dispose()
    return 0


def _index_rebuild(args: argparse.Namespace) -> int:
    if args.enqueue:
        return _enqueue("app.matches.rebuild_job", "matches.rebuild", {})
    from app.matches.index import MatchingIndex
    from app.platform import changes
    from app.platform.db import make_engine, make_sessionmaker, session_scope

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
    import gc

    # Python's cyclic collector would run hundreds of times while the app and its libraries
    # are imported (some 560,000 objects that live as long as the process, almost no garbage
    # among them): about a fifth of the import's CPU time. It is off until the app is made,
    # then on again before any request or worker: see _collector_back and PreforkServer.load.
    gc.disable()
    try:
        return _serve_app(args)
    finally:
        gc.enable()


def _collector_back() -> None:
    """Turn the collector on again once the app is made, with the heap made so far frozen
    (``gc.freeze``: full collections never walk the imported code and tables again, and the
    first index build's collection, ``MatchingIndex._settle_heap``, walks only what came
    after). The few thousand cyclic objects the import left behind stay with it."""
    import gc

    gc.freeze()
    gc.enable()


def _serve_app(args: argparse.Namespace) -> int:
    import gc

    import uvicorn

    from app.platform import server

    if not args.no_upgrade:
        _db_upgrade(argparse.Namespace(revision="head"))
    if not os.environ.get("XIESHOU_SESSION_SECRET"):
        # Every worker must make the console's CSRF tokens with the same secret.
        os.environ["XIESHOU_SESSION_SECRET"] = secrets.token_urlsafe(32)
        logging.getLogger("xieshou").warning(
            "XIESHOU_SESSION_SECRET unset: console forms open in a browser need a reload after "
            "these workers stop; set it (the same on every replica) to keep them across restarts"
        )
    if (args.workers > 1 or args.preload) and not args.no_preload and server.can_fork():
        # load once, fork the workers: they share the code and dictionaries' pages
        from app.main import create_app, preload, release_before_fork

        server.serve(
            preload=preload,
            factory=create_app,
            release=release_before_fork,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=_settings().log_level,
        )
        return 0
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": _settings().log_level.lower(),
        "log_config": None,  # uvicorn's lines go through app.platform.logs like the app's
        # The app believes X-Forwarded-* only from XIESHOU_FORWARDED_ALLOW_IPS (app.headers);
        # uvicorn's own default would believe any local process.
        "proxy_headers": False,
    }
    if args.workers == 1:
        # made here, not by uvicorn, so that it is imported with the collector off
        from app.main import create_app

        app = create_app()
        _collector_back()
        uvicorn.run(app, **options)
        return 0
    gc.enable()  # uvicorn spawns the workers: each imports the app in its own interpreter
    uvicorn.run("app.main:create_app", factory=True, workers=args.workers, **options)
    return 0


def _worker(args: argparse.Namespace) -> int:
    from app.platform import consumer_process

    if args.threads is not None and not 1 <= args.threads <= 64:
        print("error: --threads is 1 to 64", file=sys.stderr)
        return 2
    if not 0 <= args.nice <= 19:
        print("error: --nice is 0 to 19", file=sys.stderr)
        return 2
    if args.nice:
        # from the start: a web worker's consumer process never slows the web workers, not
        # even while it starts (a loaded machine then starts it later)
        _lower_priority(args.nice)
    if args.exit_with is not None:
        _exit_with(args.exit_with)
    # a web worker's consumer process runs with that worker's settings
    settings = consumer_process.inherited_settings() or _settings()

    import gc

    gc.disable()  # while the job handlers and their libraries are imported (see _serve)
    from app.main import load_job_handlers
    from app.platform import jobs
    from app.platform.db import make_engine, make_sessionmaker
    from app.platform.metrics import forget_process

    engine = make_engine(settings.database_url)
    try:
        sessions = make_sessionmaker(engine)
        load_job_handlers()
        _collector_back()
        # A job process serves no requests: the web workers' gauges that the imports made
        # here must not list it as a worker (its job counters and durations stay).
        forget_process(os.getpid())
        runner = jobs.JobRunner(sessions, settings, workers=args.threads)
        sessions.configure(info={jobs.INFO_KEY: runner})
        runner.provide("matching", lambda: _worker_index(sessions, settings))
        consumer = runner.consumer(embedded=False)
        queued = runner.resubmit_queued()
        runner.keep_leases()  # renews its jobs' leases; takes up those whose consumer died
        logging.getLogger("xieshou").info(
            "worker: %s threads on queue %s of %s; %s queued job(s) submitted again; kinds: %s",
            runner.workers,
            runner.huey.name,
            _safe(settings.database_url),
            queued,
            ", ".join(sorted(jobs.kinds())) or "none",
        )
        consumer.run()
    finally:
        engine.dispose()
    return 0


def _lower_priority(step: int) -> None:
    """Lower this process's CPU priority by ``step``: the threads it has (Linux keeps a
    priority per thread) and, through the calling thread, those it starts later (the
    consumer's, OR-Tools')."""
    import contextlib
    import threading
    from pathlib import Path

    os.nice(step)
    me = threading.get_native_id()
    tasks = Path("/proc/self/task")
    for task in tasks.iterdir() if tasks.is_dir() else ():
        tid = int(task.name)
        if tid != me:
            with contextlib.suppress(OSError):  # the thread ended meanwhile
                os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + step)


def _exit_with(pid: int) -> None:
    """Stop this worker gracefully (as SIGTERM does) once process ``pid`` has ended."""
    import signal
    import threading
    import time

    child = os.getppid() == pid  # its parent: once gone, this process has another parent

    def watch() -> None:
        while (os.getppid() == pid) if child else _running(pid):
            time.sleep(1.0)
        logging.getLogger("xieshou").warning("worker: process %s ended; stopping", pid)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with", daemon=True).start()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_index(sessions: Any, settings: "Settings") -> Any:
    """The matching index of a ``xieshou worker`` (made when a job first needs one: a
    schedule solve scores pairs with it), kept fresh from the change log as a web worker's;
    it starts from the latest index snapshot when there is one, as a web worker does."""
    from app.matches.index import MatchingIndex
    from app.matches.snapshots import snapshot_root
    from app.platform.settings import data_dir

    index = MatchingIndex(
        sessions,
        freshness_s=settings.freshness_s,
        min_score=settings.min_score,
        ready_wait_s=300.0,
        snapshot_dir=(
            snapshot_root(settings.database_url, data_dir(settings))
            if settings.index_snapshots
            else None
        ),
        rebuild_above=settings.index_rebuild_above,
    )
    index.start()
    return index


def _db_upgrade(args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    url = _settings().database_url
    upgrade(url, args.revision)
    print(f"database at {_safe(url)} is at revision {args.revision}", file=sys.stderr)
    return 0


def _keys_create(args: argparse.Namespace) -> int:
    from app.auth import service
    from app.errors import ProblemError
    from app.models import Role
    from app.platform.db import make_engine, make_sessionmaker, session_scope

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
    from app.models import Organization
    from app.platform.db import make_engine, make_sessionmaker, session_scope

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
    from app.errors import ProblemError
    from app.models import ApiKey
    from app.platform.db import make_engine, make_sessionmaker, session_scope

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
    from app.platform.settings import get_settings

    return get_settings()


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    raise SystemExit(main())
