"""What each CLI command does (the CLI layer: it may read the config and build ``Service``).

Kept apart from ``cli.py`` so that argument parsing stays one screen and each command
is a small function that can be called from tests.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
import sys
import textwrap
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from syndicator.config import Config, load_config
from syndicator.config.schema import ID_PATTERN
from syndicator.errors import NotAList, SyndicatorError
from syndicator.extract import decode_html, extract_article, extract_list
from syndicator.fetch import Fetcher
from syndicator.models import CategorySpec, Delivery, FetchSettings, Selectors
from syndicator.runtime.service import MAX_BACKFILL_PAGES, BackfillReport, Service, utcnow

log = logging.getLogger("syndicator")


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _service(args: argparse.Namespace, config: Config | None = None) -> Service:
    service = Service(config or load_config(args.config))
    service.upgrade()
    return service


def cmd_db(args: argparse.Namespace) -> int:
    service = Service(load_config(args.config))
    try:
        service.upgrade()
        print(f"database at the latest schema: {service.store.safe_url()}")
    finally:
        service.close()
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    # Names are checked before the database is touched: a typo changes nothing.
    specs = [config.find_category(name) for name in args.categories] or config.categories()
    service = _service(args, config)
    try:
        outcomes = service.poll(specs)
        service.deliver_due()
        changed = service.rebuild_feeds()
        if args.out is not None:
            service.write_static(args.out)
        for outcome in outcomes:
            r = outcome.record
            status = r.status if r.ok else f"FAILED: {r.error}"
            print(
                f"{r.site}/{r.category}: {status}; {r.items} listed, {r.new} new, "
                f"{r.failed_articles} failed"
            )
        if changed:
            print(f"{len(changed)} feed files changed")
        return 0 if all(o.record.ok for o in outcomes) else 1
    finally:
        service.close()


def cmd_backfill(args: argparse.Namespace) -> int:
    if not 1 <= args.pages <= MAX_BACKFILL_PAGES:
        raise SyndicatorError(f"--pages must be between 1 and {MAX_BACKFILL_PAGES}")
    config = load_config(args.config)
    spec = config.find_category(args.category)
    service = _service(args, config)
    shown = sys.stderr.isatty()

    def on_page(report: BackfillReport) -> None:
        # Progress on a terminal only: a cron job's mail gets the summary line alone.
        if shown:
            sys.stderr.write(
                f"\rpage {report.pages}/{args.pages}: {report.listed} listed, "
                f"{report.stored} stored, {report.failed} failed"
            )
            sys.stderr.flush()

    try:
        report = service.backfill(spec, args.pages, on_page)
        if shown and report.pages:
            sys.stderr.write("\n")
        service.rebuild_feeds()
        summary = (
            f"{spec.key}: {report.pages} {'page' if report.pages == 1 else 'pages'} read, "
            f"{report.listed} listed, {report.stored} stored, {report.failed} failed"
        )
        if not report.ok:
            print(f"{summary}; stopped: {report.error}", file=sys.stderr)
            return 1
        print(summary)
        return 0
    finally:
        service.close()


def cmd_feeds(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        service.rebuild_feeds()
        written = service.write_static(args.out)
        print(f"{len(written)} files written under {args.out}")
        return 0
    finally:
        service.close()


# ------------------------------------------------------------------ extract


def _extract_spec(args: argparse.Namespace) -> CategorySpec | None:
    if not args.category:
        return None
    return load_config(args.config).find_category(args.category)


def _read_source(args: argparse.Namespace) -> tuple[bytes, str, str | None]:
    """The page's bytes, its address and the Content-Type it came with."""
    source: str = args.source
    if source.startswith(("http://", "https://")):
        # A category's config decides what may be reached (allow_private); without one,
        # the defaults refuse private and loopback addresses.
        settings = load_config(args.config).fetch_settings() if args.category else FetchSettings()
        fetcher = Fetcher(settings)
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
        article = extract_article(text, url, tz=tz, now=now, selectors=selectors, encoding=encoding)
        print_json(article.to_json())
    return 0


# ------------------------------------------------------------------ add


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TITLE_PARTS = re.compile(r"\s*[-_|–—·]+\s*|\s{2,}")
# "站名 >> 文章中心 >> 栏目": a trail, whose last step is the column.
_TITLE_TRAIL = re.compile(r"\s*(?:>>|»|›|＞|>)\s*")


def _slug(text: str, fallback: str) -> str:
    """An id the config accepts, from a URL's folder or host name."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return slug[:40] if slug and re.fullmatch(ID_PATTERN, slug) else fallback


def _guess_names(url: str, text: str) -> tuple[str, str, str]:
    """(site id, category id, category name) a list page suggests: the host's main
    label, the last folder of the path, the first part of its <title>."""
    address = urlsplit(url)
    labels = [p for p in (address.hostname or "").split(".") if p not in ("www", "")]
    main = labels[0] if labels and not labels[0].isdigit() else ""
    site = _slug(main, "site")
    folders = [f for f in address.path.split("/")[:-1] if f]
    category = _slug(folders[-1] if folders else "", "news")
    found = _TITLE.search(text)
    title = html.unescape(found.group(1)) if found else ""
    title = " ".join(title.split())
    trail = [p for p in _TITLE_TRAIL.split(title) if p]
    parts = [p for p in _TITLE_PARTS.split(trail[-1] if len(trail) > 1 else title) if p]
    name = parts[0] if parts else category
    return site, category, name


def _load_if_present(path: str | Path) -> Config | None:
    return load_config(path) if Path(path).exists() else None


def cmd_add(args: argparse.Namespace) -> int:
    """Check a list page the way a poll reads it, and print the config block that
    watches it: a preview on stderr, YAML on stdout (ready for ``>>`` or pasting)."""
    try:
        tz = ZoneInfo(args.timezone)
    except (ValueError, ZoneInfoNotFoundError):
        print(f"syndicator: --timezone {args.timezone!r}: no such time zone", file=sys.stderr)
        return 2
    config = _load_if_present(args.config)
    settings = config.fetch_settings() if config is not None else FetchSettings()
    with Fetcher(settings) as fetcher:
        result = fetcher.get(args.url)
    text, encoding = decode_html(result.body, result.content_type)
    now = utcnow()
    try:
        page = extract_list(text, result.url, tz=tz, now=now, encoding=encoding)
    except NotAList:
        print(
            f"syndicator: {args.url}: no list of article links found there; open the "
            "column's own list page (the one its 更多 link leads to), or set selectors.item",
            file=sys.stderr,
        )
        return 2
    site_id, category_id, name = _guess_names(result.url, text)
    site_id, category_id = args.site or site_id, args.id or category_id
    name = args.name or name
    err = sys.stderr
    print(f"{result.url}: {len(page.items)} articles listed", file=err)
    for item in page.items[:5]:
        day = item.published.astimezone(tz).date().isoformat() if item.published else "no date"
        print(f"  {day}  {item.title}", file=err)
    if len(page.items) > 5:
        print(f"  … and {len(page.items) - 5} more", file=err)
    print(f"next page: {page.next_page or 'none found'}", file=err)
    category = {"id": category_id, "name": name, "list_url": result.url}
    known = next((s for s in config.sites if s.id == site_id), None) if config else None
    if known is not None:
        if any(c.id == category_id for c in known.categories):
            print(
                f"syndicator: site '{site_id}' already has a category '{category_id}'; "
                "choose another with --id",
                file=err,
            )
            return 2
        print(f"# add under sites → {site_id} → categories:", file=err)
        block = yaml.safe_dump([category], allow_unicode=True, sort_keys=False)
        print(textwrap.indent(block, " " * 6), end="")
        return 0
    parts = urlsplit(result.url)
    site = {
        "id": site_id,
        "name": args.site_name or site_id,
        "url": f"{parts.scheme}://{parts.netloc}/",
        "categories": [category],
    }
    print("# add under sites:", file=err)
    block = yaml.safe_dump([site], allow_unicode=True, sort_keys=False, indent=2)
    print(textwrap.indent(block, "  "), end="")
    return 0


# ------------------------------------------------------------------ notifications


def cmd_notify_test(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        result = service.notify_test(args.channel)
        print(f"{args.channel}: {result.describe()}")
        return 0 if result.ok else 1
    finally:
        service.close()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


def _line(d: Delivery) -> str:
    subject = d.data.get("title") or (f"{d.site}/{d.category}" if d.site else "-")
    waiting = d.state == "pending" or (d.state == "digest" and d.attempts > 0)
    # One time column: when it went out, or when it is tried next (UTC, as every time
    # the CLI and the logs show).
    when = _when(d.delivered_at) if d.delivered_at else (_when(d.next_attempt) if waiting else "-")
    error = (d.last_error or "-").replace("\n", " ")[:80]
    return (
        f"{d.id:>6}  {d.state:<9} {d.channel:<12} {d.event:<18} {d.attempts:>3}  "
        f"{when:<20} {subject[:40]}  {error}"
    )


def _retry(service: Service, delivery_id: int) -> int:
    """Send one delivery now and say in one line what came of it."""
    if service.store.outbox.get(delivery_id) is None:
        raise SyndicatorError(f"no delivery with id {delivery_id}")
    report = service.retry_delivery(delivery_id)
    after = service.store.outbox.get(delivery_id)
    if report is None or after is None:
        raise SyndicatorError(
            f"delivery {delivery_id} is being sent by another worker; "
            "see its outcome with `syndicator deliveries`"
        )
    error = (after.last_error or "").replace("\n", " ")
    if report.delivered:
        outcome = "delivered"
    elif report.deferred:
        outcome = f"held back by the channel's rate limit; next try {_when(after.next_attempt)}"
    elif after.state == "dead":
        outcome = f"dead ({error})"
    else:
        outcome = f"failed ({error}); next try {_when(after.next_attempt)}"
    print(f"delivery {delivery_id}: {outcome}")
    return 0 if report.delivered else 1


def cmd_deliveries(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        if args.retry is not None:
            return _retry(service, args.retry)
        rows = service.store.outbox.list(state=args.state, limit=args.limit)
        print(
            f"{'id':>6}  {'state':<9} {'channel':<12} {'kind':<18} {'try':>3}  "
            f"{'sent / next try':<20} {'article':<40}  last error"
        )
        for d in rows:
            print(_line(d))
        counts = service.store.outbox.counts()
        print(", ".join(f"{n} {state}" for state, n in counts.items()))
        return 0
    finally:
        service.close()
