"""Service settings, read from ``XIESHOU_*`` environment variables."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _rate(value: str) -> str:
    from limits import parse  # here, not at the top: importing limits costs start-up time

    parse(value)  # ValueError names what is wrong
    return value


#: A rate such as ``30/minute`` (see https://limits.readthedocs.io).
Rate = Annotated[str, AfterValidator(_rate)]


class Settings(BaseSettings):
    """Everything the service can be configured with.

    Each field is read from the environment variable ``XIESHOU_<FIELD>``
    (e.g. ``XIESHOU_DATABASE_URL``); empty variables count as unset.
    """

    model_config = SettingsConfigDict(env_prefix="XIESHOU_", env_ignore_empty=True)

    database_url: str = Field(
        default="sqlite:///./xieshou.db",
        description="SQLAlchemy URL: a SQLite file or postgresql+psycopg://…",
    )
    environment: Literal["development", "production", "test"] = "development"
    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="Larger bodies get 413")
    max_upload_bytes: int = Field(
        default=200_000_000,
        ge=1024,
        description="Larger import uploads (POST /api/v1/imports/…) get 413",
    )
    max_page_size: int = Field(default=100, ge=1, le=1000)
    log_impressions: bool = Field(
        default=True,
        description="Log each shortlist served to a need's firm (training data for learning)",
    )
    key_cache_s: float = Field(
        default=10.0,
        ge=0,
        le=300,
        description="Seconds a worker trusts an API key it checked (0: read it every request). "
        "Revocations and deleted organizations reach every worker through the change log "
        "within XIESHOU_FRESHNESS_S regardless.",
    )
    freshness_s: float = Field(
        default=0.5,
        gt=0,
        le=60,
        description="The longest a change committed through one worker takes to show in "
        "another worker's matching index and caches (seconds). On PostgreSQL, NOTIFY shows it "
        "at once while the worker's listening connection is up; on SQLite (and while it is "
        "down) each worker reads the change log every half of this",
    )
    change_log_retention_days: float = Field(
        default=7.0,
        ge=0.05,
        le=3650,
        description="Change-log entries older than this are pruned (hourly by each worker, "
        "or `xieshou changes prune`); a worker further behind rebuilds its index",
    )
    min_score: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Shortlists leave out suppliers scoring below this (0..1), so a list of 20 "
        "does not pad itself with weak matches; a request's own min_score overrides it",
    )
    ranking_concurrency: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Shortlists, opportunity feeds and chain discovery ranked at once per "
        "worker; more wait their turn, first come first served",
    )
    write_queue: int = Field(
        default=100,
        ge=1,
        le=100_000,
        description="SQLite: writes that may wait for their turn per worker (SQLite allows one "
        "writer at a time); more are answered 503 with Retry-After",
    )
    write_wait_s: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="SQLite: seconds a write waits for its turn before it is answered 503",
    )
    request_queue: int = Field(
        default=500,
        ge=1,
        le=100_000,
        description="Requests that may wait per worker for one of its database connections "
        "(they wait on the event loop, holding no thread); more are answered 503 with "
        "Retry-After",
    )
    request_wait_s: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Seconds a request waits for a database connection before it is answered 503",
    )
    payment_term_limit_days: int = Field(
        default=60,
        ge=1,
        le=3650,
        description="保障中小企业款项支付条例: the longest payment term (账期, days after delivery) "
        "a deal may agree without being flagged to the SME and counted in reports",
    )
    smtp_url: SecretStr | None = Field(
        default=None,
        description="Where e-mail goes: smtp://user:pass@host:587?starttls=1 (smtps:// for TLS "
        "from the start; optional from=, cafile=). Unset: messages stay in the console's "
        "outbox view and the log",
    )
    webhook_url: str | None = Field(
        default=None,
        description="An SMS / WeChat gateway that takes notifications as signed JSON POSTs",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Signs webhook payloads (HMAC-SHA256 of timestamp.body, header "
        "X-Xieshou-Signature)",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people reach the service at: links in messages (unsubscribe, "
        "calendar feeds) start with it; its host names calendar entries' UIDs",
    )
    outbox_sender: bool | None = Field(
        default=None,
        description="Run the background sender in every worker (claims are safe across "
        "workers). Unset: on, except with XIESHOU_ENVIRONMENT=test",
    )
    digest_min_score: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="The daily digest tells an SME of new needs fitting its profile at least "
        "this well (0..1)",
    )
    outbox_interval_s: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="Seconds between the background sender's passes over the outbox",
    )
    index_snapshots: bool = Field(
        default=True,
        description="Workers start from a matching-index snapshot in the data folder "
        "(index-snapshots/) plus the change log since it, and share its arrays (memory-mapped); "
        "the first worker that finds none builds and writes it. Off: each worker builds its "
        "own index from the database",
    )
    index_rebuild_above: int = Field(
        default=20_000,
        ge=100,
        description="A change-log batch naming more profiles than this (an import), or more "
        "profiles changed since the worker's snapshot, is applied by rebuilding the index aside "
        "(and writing a new snapshot) instead of one profile at a time",
    )
    data_dir: str | None = Field(
        default=None,
        description="Where the service keeps its own files (the embedded job queue, uploads "
        "waiting for their import job). Unset: the SQLite database's folder, or ./data",
    )
    jobs_url: str | None = Field(
        default=None,
        description="The job queue (huey): redis://host:6379/0 for Redis, or a peewee "
        "database URL (postgresql://…, sqlite:///…) for huey's SQL storage. Unset: a SQLite "
        "file in the data folder (one machine)",
    )
    jobs_consumer: bool = Field(
        default=True,
        description="The web workers run the jobs (in a consumer process they start, or in "
        "their own threads: XIESHOU_JOBS_PROCESS). Turn off when `xieshou worker` processes "
        "run them",
    )
    jobs_workers: int = Field(
        default=2, ge=1, le=64, description="Jobs run at once per consumer (threads)"
    )
    jobs_lease_s: float = Field(
        default=60.0,
        ge=2.0,
        le=3600.0,
        description="A running job's lease: its consumer renews it every quarter of this; a "
        "job not renewed for this long lost its consumer (killed, host gone) and is queued "
        "again (or failed past its retries) by another consumer",
    )
    jobs_process: bool = Field(
        default=True,
        description="With XIESHOU_JOBS_CONSUMER on, the web workers run the jobs in one "
        "consumer process per data folder that they start, watch and stop (at a lower CPU "
        "priority, so shortlists keep the CPU); off: in threads inside each web worker",
    )
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="Log records as one JSON object a line (with the request id), or plain "
        "text lines for reading in a terminal during development",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="GET /metrics answers a client sending Authorization: Bearer <this>. "
        "Unset: only clients on the loopback (127.0.0.1, ::1) may read it",
    )
    ready_index_age_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="/readyz says not ready when this worker's matching index last read the "
        "change log through longer ago than this (seconds)",
    )
    index_ready_wait_s: float = Field(
        default=10.0,
        ge=0,
        le=300,
        description="Seconds a shortlist or feed waits for the matching index to finish its "
        "start-up build before it is answered 503 with Retry-After",
    )
    index_build_delay_s: float = Field(
        default=0.0,
        ge=0,
        le=600,
        description="Tests only: hold the matching index's start-up build this many seconds",
    )
    worker_header: bool = Field(
        default=False,
        description="Add X-Xieshou-Worker (the answering process's id) to every response: for "
        "debugging and multi-worker tests; off in production, where it would tell process ids",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="Makes the web console's CSRF tokens; give every replica the same one. "
        "Unset: `xieshou serve` makes one for its workers (open forms need a reload after a "
        "restart; sign-ins themselves are kept in the database).",
    )
    auth_failures_per_address: Rate = Field(
        default="30/minute",
        description="Failed authentications (API keys, console sign-ins) a client address may "
        "make per window before it gets 429 with Retry-After (a `limits` rate string)",
    )
    auth_failures_per_key: Rate = Field(
        default="10/minute",
        description="Failed authentications per API key prefix before that prefix gets 429",
    )
    throttle_storage_uri: str = Field(
        default="memory://",
        description="Where failed-authentication counts are kept (a `limits` storage URI). "
        "memory:// counts per worker process; give a shared one (redis://…) to count across "
        "workers and replicas",
    )
    forwarded_allow_ips: str | None = Field(
        default=None,
        description="Proxies (addresses or networks, comma-separated; * for any) whose "
        "X-Forwarded-Proto and X-Forwarded-For are believed: the scheme (HSTS, Secure cookies) "
        "and client address (the throttle) then come from them. Unset: nobody's",
    )
    attachments_backend: Literal["local", "s3"] = Field(
        default="local",
        description="Where attachment bytes are kept: a local folder, or an S3-compatible bucket",
    )
    attachments_dir: str = Field(
        default="./attachments", description="The folder of the local attachment backend"
    )
    max_attachment_bytes: int = Field(
        default=20_000_000, ge=1024, description="Larger attachments get 413"
    )
    max_attachments: int = Field(
        default=10, ge=1, le=100, description="Attachments a response may carry at once"
    )
    s3_bucket: str = Field(default="xieshou-attachments", description="The S3 backend's bucket")
    s3_endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint (MinIO, OSS …); unset: AWS"
    )
    s3_region: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None


def data_dir(settings: Settings) -> Path:
    """The service's own folder (``XIESHOU_DATA_DIR``; unset: the SQLite file's folder, or
    ``./data``), created if missing."""
    from sqlalchemy.engine import make_url

    if settings.data_dir:
        path = Path(settings.data_dir)
    else:
        url = make_url(settings.database_url)
        database = url.database or ""
        if url.get_backend_name() == "sqlite" and database and database != ":memory:":
            path = Path(database).resolve().parent
        else:
            path = Path("data")
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
