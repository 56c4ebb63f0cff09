"""``syndicator run``: the worker and the HTTP server in one process (or either alone),
stopped cleanly by SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from syndicator.config import load_config
from syndicator.errors import ConfigError
from syndicator.runtime.process import few_malloc_arenas, memory_giver, quick_switches, settle
from syndicator.runtime.service import Service
from syndicator.runtime.websub import HubPinger
from syndicator.runtime.worker import Worker
from syndicator.web.app import FeedRoute, WebContext

log = logging.getLogger("syndicator")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def web_context(service: Service, worker: Worker | None) -> WebContext:
    """Everything the HTTP app needs, as plain values and callables, read from the
    config once: the feed routes (max-age from each feed's shortest poll interval), the
    categories, the admin token and, where this process polls, "poll now"."""
    config = service.config
    # The shortest gap between polls, per category, per site and overall: a feed's
    # max-age is the shortest of what it shows (looked up, not rescanned per feed: a
    # scan per feed made start-up quadratic, 13 s at 10,000 categories).
    gap_of: dict[tuple[str | None, str | None], float] = {}
    for spec in service.categories():
        schedule = service.schedule(spec)
        gap = schedule.seconds or schedule.min
        for scope in ((spec.site_id, spec.id), (spec.site_id, None), (None, None)):
            gap_of[scope] = min(gap, gap_of.get(scope, gap))
    routes = []
    for group in service.feed_groups():
        found = gap_of.get((group.site, group.category))
        max_age = int(found) if found is not None else 600
        max_age = max(60, min(max_age, 3600))
        for fmt in service.feed_settings.formats:
            routes.append(
                FeedRoute(
                    path=group.meta.path,
                    fmt=fmt,
                    title=group.meta.title,
                    site=group.site,
                    category=group.category,
                    max_age=max_age,
                )
            )

    def poll_now(key: str) -> dict[str, object]:
        assert worker is not None
        outcome = worker.poll(config.find_category(key), force=True)
        if outcome is None:
            return {
                "category": key,
                "ok": False,
                "busy": True,
                "error": "another worker is polling this category now",
            }
        r = outcome.record
        return {
            "category": key,
            "ok": r.ok,
            "items": r.items,
            "new": r.new,
            "not_modified": r.not_modified,
            "failed_articles": r.failed_articles,
            "error": r.error,
            "status": outcome.state.status,
        }

    return WebContext(
        store=service.store,
        routes=routes,
        categories=service.categories(),
        public_url=service.feed_settings.public_url,
        hubs=service.feed_settings.hubs,
        admin_token=config.server.admin_token or "",
        poll_now=poll_now if worker is not None else None,
        dead_deliveries=service.store.outbox.dead_count,
        opml=service.opml,
    )


def cmd_run(args: argparse.Namespace) -> int:
    few_malloc_arenas()
    quick_switches()
    give_back_memory = memory_giver()
    if args.json_logs:
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    if args.port is not None and not 0 <= args.port <= 65535:
        print(f"syndicator: --port {args.port} is not a TCP port (0-65535)", file=sys.stderr)
        return 2
    if args.once and args.no_worker:
        print("syndicator: --once polls, so it cannot go with --no-worker", file=sys.stderr)
        return 2
    if args.no_web and args.no_worker:
        print("syndicator: --no-web and --no-worker leave nothing to run", file=sys.stderr)
        return 2
    config = load_config(args.config)
    service = Service(config)
    service.upgrade()
    out: Path | None = args.out

    # Set once the web app exists: a worker in the same process hands it each change
    # at once, so its feeds are never a second behind.
    take_in: list[Callable[[], object]] = []

    def feeds_changed(_changed: list[str]) -> None:
        if out is not None:
            service.write_static(out)
        for call in take_in:
            call()
        give_back_memory()

    worker = None
    if not args.no_worker:
        hubs = service.feed_settings.hubs
        pinger = HubPinger(hubs, user_agent=config.fetch.user_agent) if hubs else None
        worker = Worker(
            service,
            pinger=pinger,
            on_feeds_changed=feeds_changed,
            max_workers=config.fetch.concurrency,
            give_back_memory=give_back_memory,
        )
        if out is not None:
            service.write_static(out)
    if args.once:
        assert worker is not None, "--once needs the worker"
        worker.load_due()
        for spec in service.categories():
            worker.poll(spec, force=True)
        worker.stop()
        service.close()
        return 0

    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = None
    try:
        # The port first: one taken is a one-line error before any poll has started.
        if not args.no_web:
            from syndicator.web.app import create_web_app
            from syndicator.web.server import ServerThread

            host = config.server.host if args.host is None else args.host
            port = config.server.port if args.port is None else args.port
            app = create_web_app(web_context(service, worker))
            take_in.append(app.feed_cache.refresh_logged)
            server = ServerThread(
                app,
                host,
                port,
                max_connections=config.server.max_connections,
            )
            try:
                url = server.start()
            except OSError as exc:
                server = None
                raise ConfigError(
                    f"cannot listen on {host}:{port}: {exc.strerror or exc} "
                    "(another process may hold the port; set server.port or run --port)",
                    file=str(config.source_path),
                    key="server.port",
                ) from None
            log.info("serving feeds at %s (public URL %s)", url, service.feed_settings.public_url)
        settle()
        if worker is not None:
            worker.start()
            log.info(
                "worker started: %d categories, database %s",
                len(worker.specs),
                service.store.safe_url(),
            )
        stop.wait()
    finally:
        if server is not None:
            server.stop()
        clean = worker.stop() if worker is not None else True
        service.close()
    log.info("stopped" if clean else "stopped, with polls cut short")
    return 0
