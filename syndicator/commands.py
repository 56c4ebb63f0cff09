"""What each CLI command does (the CLI layer: it may read the config and build ``App``).

Kept apart from ``cli.py`` so that argument parsing stays one screen and each command
is a small function that can be called from tests.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from syndicator.app import App, utcnow
from syndicator.config import Config, describe, json_schema, load_config
from syndicator.errors import SyndicatorError
from syndicator.extract import decode_html, extract_article, extract_list
from syndicator.fetch import Fetcher
from syndicator.models import CategorySpec, FetchSettings, Selectors

log = logging.getLogger("syndicator")


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _app(args: argparse.Namespace, config: Config | None = None) -> App:
    app = App(config or load_config(args.config))
    app.upgrade()
    return app


def cmd_check(args: argparse.Namespace) -> int:
    if args.schema:
        print_json(json_schema())
        return 0
    config = load_config(args.config)
    print(describe(config))
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    app = App(load_config(args.config))
    try:
        app.upgrade()
        print(f"database at the latest schema: {app.store.safe_url()}")
    finally:
        app.close()
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    # Names are checked before the database is touched: a typo changes nothing.
    specs = [config.find_category(name) for name in args.categories] or config.categories()
    app = _app(args, config)
    try:
        outcomes = app.poll(specs)
        app.deliver_due()
        changed = app.rebuild_feeds()
        if args.out is not None:
            app.write_static(args.out)
        for outcome in outcomes:
            r = outcome.record
            status = "ok" if r.ok else f"FAILED: {r.error}"
            if r.ok and r.not_modified:
                status = "not modified"
            print(f"{r.site}/{r.category}: {status}; {r.items} listed, {r.new} new, "
                  f"{r.failed_articles} failed")
        if changed:
            print(f"{len(changed)} feed files changed")
        return 0 if all(o.record.ok for o in outcomes) else 1
    finally:
        app.close()


def cmd_backfill(args: argparse.Namespace) -> int:
    if args.pages < 1:
        raise SyndicatorError("--pages must be at least 1")
    config = load_config(args.config)
    spec = config.find_category(args.category)
    app = _app(args, config)

    def progress(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    try:
        outcome = app.backfill(spec, args.pages, progress if sys.stderr.isatty() else None)
        app.rebuild_feeds()
        r = outcome.record
        if not r.ok:
            print(f"{spec.key}: FAILED: {r.error}", file=sys.stderr)
            return 1
        print(f"{spec.key}: {r.items} listed, {r.new} stored, {r.failed_articles} failed")
        return 0
    finally:
        app.close()


def cmd_feeds(args: argparse.Namespace) -> int:
    app = _app(args)
    try:
        written = app.write_static(args.out)
        print(f"{len(written)} files written under {args.out}")
        return 0
    finally:
        app.close()


# ------------------------------------------------------------------ extract


def _extract_spec(args: argparse.Namespace) -> CategorySpec | None:
    if not args.category:
        return None
    return load_config(args.config).find_category(args.category)


def _read_source(args: argparse.Namespace) -> tuple[bytes, str, str | None]:
    """The page's bytes, its address and the Content-Type it came with."""
    source: str = args.source
    if source.startswith(("http://", "https://")):
        fetcher = Fetcher(FetchSettings())
        try:
            result = fetcher.get(source)
        finally:
            fetcher.close()
        return result.body, args.url or result.url, args.content_type or result.content_type
    if source == "-":
        return sys.stdin.buffer.read(), args.url or "file:///dev/stdin", args.content_type
    path = Path(source)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise SyndicatorError(f"{source}: cannot read ({exc.strerror})") from exc
    return body, args.url or path.resolve().as_uri(), args.content_type


def cmd_extract(args: argparse.Namespace) -> int:
    spec = _extract_spec(args)
    body, url, content_type = _read_source(args)
    tz = ZoneInfo(spec.timezone if spec else "Asia/Shanghai")
    selectors = spec.selectors if spec else Selectors()
    now = utcnow()
    text, encoding = decode_html(body, content_type)
    if args.list:
        page = extract_list(text, url, tz=tz, now=now, selectors=selectors, encoding=encoding)
        print_json(page.to_json())
    else:
        article = extract_article(text, url, tz=tz, now=now, selectors=selectors,
                                  encoding=encoding)
        print_json(article.to_json())
    return 0
