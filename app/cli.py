"""The ``xieshou`` command line: serve, migrate, issue keys, import, demo, chain map."""

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Sequence

from app.config import get_settings
from app.models import Role


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``xieshou`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=get_settings().log_level, format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    return int(args.run(args) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xieshou",
        description="携手 Xieshou: matchmaking between large firms and 专精特新 SMEs.",
        epilog="The database is XIESHOU_DATABASE_URL (default: sqlite:///./xieshou.db).",
    )
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the HTTP API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--no-upgrade", action="store_true", help="do not migrate the database before serving"
    )
    serve.set_defaults(run=_serve)

    db = commands.add_parser("db", help="database schema").add_subparsers(title="db commands")
    upgrade = db.add_parser("upgrade", help="apply the alembic migrations")
    upgrade.add_argument("--revision", default="head")
    upgrade.set_defaults(run=_db_upgrade)

    keys = commands.add_parser("keys", help="API keys").add_subparsers(title="keys commands")
    create = keys.add_parser("create", help="issue a key and print it once")
    create.add_argument("--org", type=int, help="organization id (omit for an admin key)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--label", default="")
    create.set_defaults(run=_keys_create)

    imports = commands.add_parser(
        "import", help="bulk import firms, profiles or needs from CSV, XLSX or JSONL"
    ).add_subparsers(title="import commands")
    for kind in ("firms", "profiles", "needs"):
        one = imports.add_parser(kind, help=f"import {kind} (all-or-nothing unless --partial)")
        one.add_argument("file", help="a .csv (UTF-8 or GBK), .xlsx or .jsonl file")
        one.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        one.add_argument(
            "--partial", action="store_true", help="store the good rows, in atomic batches"
        )
        one.add_argument("--report", help="write the per-row report (CSV) to this file")
        one.set_defaults(run=_import, kind=kind)
    template = imports.add_parser("template", help="write an import template")
    template.add_argument("template_kind", choices=["firms", "profiles", "needs"])
    template.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    template.add_argument("--output", "-o", help="file to write (CSV default: stdout)")
    template.set_defaults(run=_import_template)

    demo = commands.add_parser(
        "demo", help="load the bundled demo catalog, print demo keys, and serve"
    )
    demo.add_argument("--database-url", help="default: XIESHOU_DATABASE_URL or ./xieshou.db")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="load and print keys, then exit")
    demo.set_defaults(run=_demo)
    chains = commands.add_parser(
        "chains", help="the chain map (产业链图谱) and placements"
    ).add_subparsers(title="chains commands")
    seed = chains.add_parser(
        "seed", help="load the shipped seed chain map (adds what is missing; idempotent)"
    )
    seed.add_argument(
        "--no-place", action="store_true", help="do not place profiles and needs afterwards"
    )
    seed.set_defaults(run=_chains_seed)
    place = chains.add_parser(
        "place", help="re-place every profile and need on the chain map (overrides stay)"
    )
    place.set_defaults(run=_chains_place)
    export = chains.add_parser("export", help="write the chain map as JSON or CSV")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--output", "-o", help="file to write (default: stdout)")
    export.set_defaults(run=_chains_export)
    index = commands.add_parser("index", help="the matching index").add_subparsers(
        title="index commands"
    )
    rebuild = index.add_parser(
        "rebuild", help="rebuild the index from the database, here and in every running worker"
    )
    rebuild.set_defaults(run=_index_rebuild)

    train = commands.add_parser(
        "train",
        help="fit a shortlist re-ranker on logged responses; promote it only if it is better",
        description="Fit a re-ranker on the logged shortlists and responses, compare it with "
        "the current ranking by NDCG@10 on the latest needs (a time split), store it with "
        "its metrics, and make it active only if it is better.",
    )
    train.add_argument(
        "--min-interactions",
        type=int,
        default=50,
        help="train only with at least this many shown pairs that got a response",
    )
    train.add_argument("--test-fraction", type=float, default=0.25, help="latest needs held out")
    train.add_argument(
        "--min-gain",
        type=float,
        default=0.005,
        help="promote only if NDCG@10 gains more than this on average (default 0.005) and "
        "the gain survives a paired bootstrap over the held-out needs",
    )
    train.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    train.set_defaults(run=_train)

    model = commands.add_parser("model", help="re-ranker versions").add_subparsers(
        title="model commands"
    )
    model.add_parser("list", help="every version with its metrics, newest first").set_defaults(
        run=_model_list
    )
    model.add_parser(
        "rollback", help="withdraw the active version and reactivate the one before it"
    ).set_defaults(run=_model_rollback)
    return parser


def _chains_seed(args: argparse.Namespace) -> int:
    from app.chains.command import seed

    return seed(get_settings().database_url, place=not args.no_place)


def _chains_place(args: argparse.Namespace) -> int:
    from app.chains.command import place_all

    return place_all(get_settings().database_url)


def _chains_export(args: argparse.Namespace) -> int:
    from app.chains.command import export

    return export(get_settings().database_url, args.format, args.output)


def _train(args: argparse.Namespace) -> int:
    from app.learning.training import run_command

    if args.min_interactions < 1 or not 0 < args.test_fraction < 1 or args.C <= 0:
        print(
            "error: --min-interactions ≥ 1, 0 < --test-fraction < 1 and --C > 0",
            file=sys.stderr,
        )
        return 2
    return run_command(
        get_settings().database_url,
        min_interactions=args.min_interactions,
        test_fraction=args.test_fraction,
        min_gain=args.min_gain,
        C=args.C,
    )


def _model_list(args: argparse.Namespace) -> int:
    import json

    from app.db import make_engine, make_sessionmaker, session_scope
    from app.learning import registry

    engine = make_engine(get_settings().database_url)
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

    engine = make_engine(get_settings().database_url)
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

    engine = make_engine(get_settings().database_url)
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
        get_settings().database_url,
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

    return run_demo(
        args.database_url or get_settings().database_url,
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
        log_level=get_settings().log_level.lower(),
        # The app believes X-Forwarded-* only from XIESHOU_FORWARDED_ALLOW_IPS (app.headers);
        # uvicorn's own default would believe any local process.
        proxy_headers=False,
    )
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    url = get_settings().database_url
    upgrade(url, args.revision)
    print(f"database at {_safe(url)} is at revision {args.revision}", file=sys.stderr)
    return 0


def _keys_create(args: argparse.Namespace) -> int:
    from app.auth import service
    from app.db import make_engine, make_sessionmaker, session_scope
    from app.errors import ProblemError

    engine = make_engine(get_settings().database_url)
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
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    raise SystemExit(main())
