"""The FastAPI application."""

import importlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import anyio
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from app.accounts.router import router as accounts_router
from app.auth.cache import KeyCache
from app.auth.router import router as auth_router
from app.auth.throttle import AuthThrottle
from app.auth.usage import SESSION_INFO_KEY, KeyUsage
from app.availability import RETRY_AFTER_S
from app.campaigns.router import router as campaigns_router
from app.chains.router import router as chains_router
from app.challenges.router import router as challenges_router
from app.deals.router import router as deals_router
from app.errors import (
    PROBLEM_JSON,
    install_error_handlers,
    language_headers,
    language_of,
    problem_body,
    problem_response,
    problem_responses,
)
from app.events.router import router as events_router
from app.headers import install as install_headers
from app.imports.router import router as imports_router
from app.inputs import check_text_inputs
from app.interests.router import router as interests_router
from app.jobs.router import router as jobs_router
from app.learning.capture import ImpressionLog
from app.limits import BodySizeLimit, WorkerHeader
from app.matches.index import MatchingIndex, warm_state
from app.matches.router import router as matches_router
from app.matches.snapshots import (
    keep_change_log_from,
    preload_snapshot,
    preloaded_state,
    snapshot_root,
)
from app.messages import Text, tr
from app.needs.router import router as needs_router
from app.notifications.router import router as notifications_router
from app.notifications.worker import outbox_sender
from app.openapi import install_openapi
from app.organizations.router import router as organizations_router
from app.platform import health, jobs, logs, metrics
from app.platform.changes import Pruner
from app.platform.db import make_engine, make_sessionmaker, request_connections
from app.platform.request_id import RequestIdMiddleware
from app.platform.settings import Settings, data_dir, get_settings
from app.profiles.router import router as profiles_router
from app.swagger import install as install_docs
from app.turns import Turns
from app.web import mount as mount_console

log = logging.getLogger("xieshou")

#: The modules that register job handlers (``app.platform.jobs.register``): imported by the
#: app and by ``xieshou worker`` at start-up, so the platform layer never imports a domain.
JOB_MODULES: tuple[str, ...] = (
    "app.imports.job",
    "app.events.schedule_job",
    "app.learning.job",
    "app.matches.rebuild_job",
    "app.campaigns.report_job",
)


def load_job_handlers() -> None:
    """Import every module of :data:`JOB_MODULES` (each registers its kinds of job)."""
    for name in JOB_MODULES:
        importlib.import_module(name)


def preload() -> None:
    """Load, once, what every worker would otherwise load for itself: called in the parent
    process of ``xieshou serve --workers N`` before it forks them (``app.platform.server``),
    so the workers share these pages.

    The job handlers' modules, and the matching engine's shipped data (the name-variant
    dictionary, the product vocabulary, the chain map, the region centres), which are loaded
    on first use: an index of one sample supplier is fitted and asked once. And the word
    segmenter's dictionary (``matching.segment``, ~5 MB), which a worker loads at its first
    term the catalog's names do not attest well (``matching.similarity.related_names``). And
    the newest matching-index snapshot the database lists (its Python objects: the arrays
    are mapped files, shared anyway), which each worker's index then starts from, warmed by
    ranking its open needs (:func:`app.matches.index.warm_state`: what the first queries
    build, and the dictionary pages they touch, are then shared, not copied into each
    worker). Starts no
    thread, and leaves no database connection open (the one that reads the snapshot's
    listing is closed: threads and connections belong to each worker's app,
    :func:`create_app`, made after the fork: its objects hold the worker's own connections,
    threads and process id).
    """
    from app.reference.tables import region_centres
    from matching import NeedIndex, SupplierIndex
    from matching.records import NeedRecord, ProductItem, ProfileRecord
    from matching.tokenize import tokens

    load_job_handlers()
    centres = region_centres()
    sample = ProfileRecord(
        id=1,
        name="苏州精密齿轮制造有限公司",
        products=(ProductItem("齿轮", 0.6), ProductItem("减速器", 0.4)),
        region_code="320500",
        tier="specialized",
    )
    need = NeedRecord(id=1, title="采购齿轮", products=("齿轮",), application="新能源汽车")
    SupplierIndex(region_centres=centres).fit([sample]).shortlist(need)
    NeedIndex(region_centres=centres).fit([need]).opportunities(sample)
    tokens("精密齿轮加工")
    _preload_index_snapshot()


def _preload_index_snapshot() -> None:
    """Load the newest index snapshot the database lists, for the workers to share (see
    :func:`app.matches.snapshots.preload_snapshot`). Its engine is disposed before returning:
    no connection crosses the fork. A failure only means each worker loads it itself."""
    settings = get_settings()
    if not settings.index_snapshots:
        return
    root = snapshot_root(settings.database_url, data_dir(settings))
    if root is None or not root.is_dir():
        return
    started = time.perf_counter()
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        token = preload_snapshot(root, make_sessionmaker(engine), min_score=settings.min_score)
    except Exception as exc:  # the database may not be up yet: the workers retry
        log.warning("index snapshot not preloaded (%s); each worker loads its own", exc)
        return
    finally:
        engine.dispose()
    if token is None:
        return
    loaded = time.perf_counter()
    held = preloaded_state()  # the state the workers will take
    ranked = 0
    if held is not None:
        try:
            ranked = warm_state(held)
        except Exception as exc:  # only a warm-up: the workers rank from cold instead
            log.warning("preloaded index snapshot not warmed (%s)", exc)
    log.info(
        "index snapshot %s preloaded for the workers in %.2f s (%d open needs ranked to "
        "warm it in %.2f s)",
        token,
        loaded - started,
        ranked,
        time.perf_counter() - loaded,
    )


def release_before_fork(app: FastAPI) -> None:
    """Close every connection :func:`create_app` may have opened, in a process about to fork
    workers that share this app (``xieshou serve --workers N``: ``app.platform.server``).

    Making the app opens nothing that stays open, except perhaps the job queue's store
    (huey's SQL stores create their tables on a connection they keep) and a pooled database
    connection; each worker opens its own after the fork. No thread has started: threads
    start in the lifespan, which each worker runs."""
    app.state.engine.dispose()
    app.state.jobs.close_storage()


DESCRIPTION = """
携手：沿产业链为大企业（链主）匹配专精特新中小企业，并组织“百场万企”洽谈会。

- **认证**：每个请求带 `Authorization: Bearer <API 密钥>`；`GET /api/v1/me` 告诉您是谁、
  您的能力画像、需求或所管理的企业在哪里。
- **错误**：`application/problem+json`（RFC 9457），`errors[].field` 给出字段路径，
  `errors[].message` 用您的话说明问题。默认中文；请求头 `Accept-Language: en` 时用英文。
- **列表**：都返回 `{items, total, page, page_size}`，用 `page`、`page_size` 翻页。
- **修改**：带上读取时得到的 ETag：`If-Match: "3"`；记录已被他人修改时返回 412。

Xieshou matches large firms with specialised SMEs along the industry chain. Errors are in
Chinese unless the client sends `Accept-Language: en`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    # A worker uvicorn spawned starts with no logging set up (the command line's is in the
    # parent process); under a test runner or `xieshou serve --workers 1` it is set already.
    logs.configure_once(level=settings.log_level, fmt=settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Ranking waits are timed for /metrics (an anyio limiter underneath).
        app.state.ranking_turns = metrics.TimedLimiter(
            anyio.CapacityLimiter(settings.ranking_concurrency)
        )
        app.state.matching.start()  # builds in its thread: /healthz answers meanwhile
        app.state.impressions.start()
        app.state.key_usage.start()
        app.state.change_pruner.start()
        if app.state.outbox is not None:
            app.state.outbox.start()
        app.state.metrics_sampler.start()
        if settings.jobs_consumer:
            app.state.jobs.start()
        try:
            yield
        finally:
            app.state.jobs.stop()
            app.state.metrics_sampler.stop()
            if app.state.outbox is not None:
                app.state.outbox.stop()
            app.state.key_usage.stop()
            app.state.change_pruner.stop()
            app.state.impressions.stop()
            app.state.matching.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Xieshou 携手",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,  # app.swagger serves /docs from files shipped in the package
        redoc_url=None,
        dependencies=[Depends(check_text_inputs)],
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.write_turns = (
        Turns("writes", max_waiting=settings.write_queue, max_wait_s=settings.write_wait_s)
        if engine.dialect.name == "sqlite"
        else None
    )
    app.state.connection_turns = Turns(
        "requests",
        capacity=request_connections(),
        max_waiting=settings.request_queue,
        max_wait_s=settings.request_wait_s,
    )
    # The key cache answers only while this worker's change feed is fresh (one rule for both).
    app.state.key_cache = KeyCache(
        ttl_s=settings.key_cache_s, fresh=lambda: app.state.matching.freshness.caught_up()
    )
    app.state.auth_throttle = AuthThrottle(
        per_address=settings.auth_failures_per_address,
        per_key=settings.auth_failures_per_key,
        storage_uri=settings.throttle_storage_uri,
    )
    app.state.matching = MatchingIndex(
        app.state.sessionmaker,
        watchers=[app.state.key_cache.on_changes],
        freshness_s=settings.freshness_s,
        min_score=settings.min_score,
        ready_wait_s=settings.index_ready_wait_s,
        build_delay_s=settings.index_build_delay_s,
        snapshot_dir=(
            snapshot_root(settings.database_url, data_dir(settings))
            if settings.index_snapshots
            else None
        ),
        rebuild_above=settings.index_rebuild_above,
    )
    app.state.change_pruner = Pruner(
        app.state.sessionmaker,
        retention=timedelta(days=settings.change_log_retention_days),
        # the log is kept from the oldest index snapshot's change id on: a worker starting
        # from that snapshot reads the log after it
        keep_from=(
            (lambda: keep_change_log_from(app.state.sessionmaker))
            if settings.index_snapshots
            else None
        ),
    )
    app.state.impressions = ImpressionLog(app.state.sessionmaker, app.state.write_turns)
    app.state.key_usage = KeyUsage(app.state.sessionmaker, app.state.write_turns)
    load_job_handlers()
    app.state.jobs = jobs.JobRunner(app.state.sessionmaker, settings)
    app.state.jobs.provide("matching", lambda: app.state.matching)
    app.state.sessionmaker.configure(
        info={SESSION_INFO_KEY: app.state.key_usage, jobs.INFO_KEY: app.state.jobs}
    )
    app.state.outbox = outbox_sender(app.state.sessionmaker, settings, app.state.matching)
    runners = {
        "matching_index": app.state.matching,
        "impressions": app.state.impressions,
        "key_usage": app.state.key_usage,
        "outbox_sender": app.state.outbox,
        "jobs": app.state.jobs,
    }
    app.state.metrics_sources = metrics.Sources(
        index=app.state.matching,
        turns={"writes": app.state.write_turns, "requests": app.state.connection_turns},
        runners=health.runner_states(runners),
        ranking=lambda: getattr(app.state, "ranking_turns", None),
        outbox_counts=lambda: metrics.outbox_counts(app.state.sessionmaker),
    )
    app.state.metrics_sampler = metrics.Sampler(app.state.metrics_sources)

    install_error_handlers(app)
    install_openapi(app, settings)

    if settings.worker_header:
        app.add_middleware(WorkerHeader)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(metrics.RequestMetrics)
    install_headers(app, forwarded_allow_ips=settings.forwarded_allow_ips)
    app.add_middleware(RequestIdMiddleware)  # outermost: every line of a request carries its id

    # Any call may be refused for a while after failed keys (app.auth.throttle).
    api = APIRouter(prefix="/api/v1", responses=problem_responses(429))
    routers = (organizations_router, profiles_router, needs_router, matches_router, auth_router)
    for router in routers:
        api.include_router(router)
    api.include_router(imports_router)
    api.include_router(events_router)
    api.include_router(chains_router)
    api.include_router(interests_router)
    api.include_router(notifications_router)
    api.include_router(accounts_router)
    api.include_router(deals_router)
    api.include_router(campaigns_router)
    api.include_router(challenges_router)
    api.include_router(jobs_router)
    app.include_router(api)
    mount_console(app)
    install_docs(app)

    @app.get(
        "/healthz",
        tags=["health"],
        summary="存活检查",
        description=(
            "进程在监听即返回 200，不访问数据库、不等匹配索引：供进程管理器和负载均衡判断是否存活。"
            "能否服务请看 /readyz。无需密钥。"
        ),
    )
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get(
        "/readyz",
        tags=["health"],
        summary="就绪检查",
        description=(
            "数据库可读写、匹配索引已建成且最近读过变更日志、后台任务都在运行时返回 200；"
            "否则返回 503 problem+json，not_ready 列出未就绪的项，并带 Retry-After。无需密钥。只读。"
        ),
        responses=problem_responses(503),
    )
    async def readyz(request: Request) -> JSONResponse:
        async with request.app.state.connection_turns.turn():
            database = await run_in_threadpool(
                health.check_database, engine, request.app.state.database_outage
            )
        checks = [
            database,
            health.check_index(app.state.matching, max_age_s=settings.ready_index_age_s),
            *health.check_runners(runners),
        ]
        failed = [c for c in checks if not c.ok]
        if not failed:
            return JSONResponse(
                {
                    "status": "ready",
                    "database": engine.dialect.name,
                    "checks": [c.name for c in checks],
                }
            )
        detail: str | Text = tr("not ready: {what}", what=", ".join(c.name for c in failed))
        if "read-only" in database.detail:
            detail = database.detail
        body = problem_body(request, 503, detail) | {
            "not_ready": [{"check": c.name, "detail": c.detail} for c in failed]
        }
        return JSONResponse(
            body,
            status_code=503,
            media_type=PROBLEM_JSON,
            headers=language_headers(language_of(request)) | {"Retry-After": str(RETRY_AFTER_S)},
        )

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics(request: Request) -> Response:
        token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
        if not metrics.may_read(request, token):
            return problem_response(request, 403, tr("metrics are for the loopback or a token"))
        sources = request.app.state.metrics_sources
        return await run_in_threadpool(metrics.exposition, sources)

    return app
