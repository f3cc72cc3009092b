"""Several HTTP workers that share one copy of the code and data: load once, then fork.

``xieshou serve --workers N`` (N ≥ 2, or any N with ``--preload``, where the system can
fork) runs gunicorn with ``preload_app``: its parent process imports the application and its
libraries and loads the shipped dictionaries once (the ``preload`` callable), makes the app
(``factory``: routes, database engine, job queue, caches; ``release`` then closes any
connection that opened), collects and freezes that heap (``gc.freeze``, so the collector
never writes to those pages in a worker), then forks the workers, which all serve that one
app. The pages stay shared copy-on-write between them. Each worker runs the app's lifespan,
which starts its threads and opens its connections, so no connection and no thread crosses
a fork. Making the app in the parent rather than in each worker saves each worker ~20 MB at
1M profiles: what the app is made of, and the pages of modules that making it touches
(CPython writes the reference count of every object it uses, so a shared page becomes a
worker's own copy as soon as the worker uses one object on it). The preload loads the
matching-index snapshot too (its arrays are memory-mapped files, shared anyway; its Python
objects are then shared as well); each worker's index starts from it and catches up from the
change log.

Each worker is uvicorn (``uvicorn-worker``'s worker class); gunicorn supervises them
(restarts one that dies, stops them gracefully on SIGTERM). gunicorn's own log lines go
through the root logger like the app's (``app.platform.logs``).

This module knows no domain: the command line passes the two callables.
"""

import gc
import logging
import os
from collections.abc import Callable
from typing import Any, ClassVar

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]
from gunicorn.glogging import Logger  # type: ignore[import-untyped]
from uvicorn_worker import UvicornWorker  # type: ignore[import-untyped]

from app.platform.metrics import forget_process

#: Seconds a worker may go without telling the parent it is alive before it is killed and
#: replaced (gunicorn's ``timeout``; its default of 30 s is tight for a worker whose event
#: loop shares two cores with an index build at 1M profiles on a loaded machine).
WORKER_TIMEOUT_S = 120
#: Seconds the workers get to finish their requests after SIGTERM before they are killed.
GRACEFUL_TIMEOUT_S = 30
#: Seconds an idle keep-alive connection stays open (uvicorn's default, kept).
KEEPALIVE_S = 5


def can_fork() -> bool:
    """Whether this system can run the pre-forking server (it needs ``os.fork``)."""
    return hasattr(os, "fork")


class _Logs(Logger):  # type: ignore[misc]
    """gunicorn's logger with no handlers of its own: its lines go to the root logger."""

    def setup(self, cfg: Any) -> None:
        self.cfg = cfg
        self._access_log_enabled = False  # uvicorn writes the access lines
        self.loglevel = self.LOG_LEVELS.get(cfg.loglevel.lower(), logging.INFO)
        self.error_log.setLevel(self.loglevel)
        self.error_log.propagate = True
        self.access_log.propagate = True


class Worker(UvicornWorker):  # type: ignore[misc]
    """A uvicorn worker that makes its own app after the fork, logging like ``uvicorn.run``."""

    # The app believes X-Forwarded-* only from XIESHOU_FORWARDED_ALLOW_IPS (app.headers).
    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        "loop": "auto",
        "http": "auto",
        "proxy_headers": False,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn-worker hands uvicorn's loggers gunicorn's handlers; give them back to the root.
        for name in ("uvicorn.error", "uvicorn.access"):
            logger = logging.getLogger(name)
            logger.handlers = []
            logger.setLevel(logging.NOTSET)
            logger.propagate = True

    def load_wsgi(self) -> None:
        self.wsgi = self.app.served  # made in the parent before the fork


def _freeze_heap(_arbiter: Any, _worker: Any) -> None:
    # before each fork: objects made since the last one (few) join the frozen heap
    gc.freeze()


def _worker_gone(_arbiter: Any, worker: Any) -> None:
    forget_process(worker.pid)


class PreforkServer(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code: ``preload`` runs once in the parent, then ``factory``
    makes the ASGI app every worker serves and ``release(app)`` closes what that opened."""

    def __init__(
        self,
        *,
        preload: Callable[[], None],
        factory: Callable[[], Any],
        release: Callable[[Any], None],
        host: str,
        port: int,
        workers: int,
        log_level: str,
    ) -> None:
        self._preload = preload
        self._factory = factory
        self._release = release
        self.served: Any = None
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self._options: dict[str, Any] = {
            "bind": [bind],
            "workers": workers,
            "worker_class": Worker,
            "logger_class": _Logs,
            "loglevel": log_level.lower(),
            "preload_app": True,
            "timeout": WORKER_TIMEOUT_S,
            "graceful_timeout": GRACEFUL_TIMEOUT_S,
            "keepalive": KEEPALIVE_S,
            "proc_name": "xieshou",
            "pre_fork": _freeze_heap,
            "child_exit": _worker_gone,
            "control_socket_disable": True,  # no socket in $HOME (two servers would share it)
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        self._preload()
        self.served = self._factory()
        self._release(self.served)
        gc.collect()  # the import's garbage goes now, not in every worker
        # `xieshou serve` imports the app with the collector off (app.cli): on again before
        # the fork, so that every worker has it
        gc.enable()
        # The import made this process's live gauges (a worker's are its own after the fork);
        # this process serves nothing, so /metrics must not list it as a worker.
        forget_process(os.getpid())
        return self.served


def serve(
    *,
    preload: Callable[[], None],
    factory: Callable[[], Any],
    release: Callable[[Any], None],
    host: str,
    port: int,
    workers: int,
    log_level: str,
) -> None:
    """Run the pre-forking server until SIGTERM or SIGINT (see the module's documentation)."""
    PreforkServer(
        preload=preload,
        factory=factory,
        release=release,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    ).run()
