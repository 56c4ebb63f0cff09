"""Command line: parses arguments and calls ``runtime.service``; user mistakes become one line on
stderr (no traceback) and a non-zero exit."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from syndicator import __version__
from syndicator.errors import ConfigError, SyndicatorError

DEFAULT_CONFIG = "config/syndicator.yaml"
EXIT_FAILED = 1
EXIT_USAGE = 2
# Packages of the optional extras, by the extra that installs them.
OPTIONAL = {
    "aiosmtpd": "demo",
    "standardwebhooks": "demo",
    "psycopg": "postgres",
    "apprise": "apprise",
}


def _config_path(arg: str | None) -> str:
    return arg or os.environ.get("SYNDICATOR_CONFIG") or DEFAULT_CONFIG


def _add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-c", "--config", help=f"config file (default: $SYNDICATOR_CONFIG, else {DEFAULT_CONFIG})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syndicator",
        description="Feeds and alerts for news portal sections that publish no feed.",
    )
    parser.add_argument("--version", action="version", version=f"syndicator {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="the service: scheduler and HTTP server in one process")
    _add_config(p)
    p.add_argument("--no-web", action="store_true", help="run only the scheduler/worker")
    p.add_argument("--no-worker", action="store_true", help="run only the HTTP server")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="also write static feed files to this folder after each change",
    )
    p.add_argument("--once", action="store_true", help="one round of polls, then exit")
    p.add_argument("--json-logs", action="store_true", help="log one JSON object per line")
    p.add_argument("--host", help="address to listen on (default: server.host of the config)")
    p.add_argument(
        "--port", type=int, help="port to listen on (default: server.port of the config)"
    )

    p = sub.add_parser("poll", help="poll categories now, then rebuild feeds")
    _add_config(p)
    p.add_argument("categories", nargs="*", metavar="SITE/CATEGORY")
    p.add_argument(
        "--out", type=Path, default=None, help="also write static feed files to this folder"
    )

    p = sub.add_parser("backfill", help="read list pages 1..N and store what is missing")
    _add_config(p)
    p.add_argument("category", metavar="SITE/CATEGORY")
    p.add_argument("--pages", type=int, required=True)

    p = sub.add_parser("extract", help="run the extractor on one page and print JSON")
    p.add_argument("source", metavar="PATH_OR_URL", help="file path, - for stdin, or URL")
    p.add_argument("--url", help="the page's original address (resolves relative links)")
    p.add_argument("--list", action="store_true", help="read the page as a list page")
    p.add_argument("--category", help="SITE/CATEGORY whose selectors and timezone to use")
    p.add_argument("--content-type", help="the HTTP Content-Type the page was served with")
    _add_config(p)

    p = sub.add_parser(
        "add", help="check a column's list page and print the config block that watches it"
    )
    _add_config(p)
    p.add_argument("url", metavar="LIST_URL", help="the column's list page")
    p.add_argument("--site", help="site id (an existing one adds a category to it)")
    p.add_argument("--site-name", help="display name of a new site")
    p.add_argument("--id", help="category id (default: the list's folder name)")
    p.add_argument("--name", help="category name (default: the first part of the page title)")
    p.add_argument("--timezone", default="Asia/Shanghai", help="time zone of the list's dates")

    p = sub.add_parser("feeds", help="write every feed as static files")
    _add_config(p)
    p.add_argument("--out", type=Path, default=Path("public"))

    p = sub.add_parser("check", help="validate the config and print what would be watched")
    _add_config(p)
    p.add_argument("--schema", action="store_true", help="print the config's JSON Schema")

    p = sub.add_parser("notify-test", help="send a test message through one channel")
    _add_config(p)
    p.add_argument("channel", metavar="CHANNEL")

    p = sub.add_parser("deliveries", help="list notification deliveries; replay one")
    _add_config(p)
    p.add_argument("--state", choices=["pending", "digest", "dead", "delivered"])
    p.add_argument(
        "--retry", type=int, metavar="ID", help="send delivery ID now (only it), whatever its state"
    )
    p.add_argument("--limit", type=int, default=50)

    p = sub.add_parser("demo", help="offline demo: replica portal, mail and webhook sinks")
    p.add_argument(
        "-c",
        "--config",
        dest="demo_config",
        help="a config whose first site is the replica (config/demo.yaml): its ports, "
        "database and channels are used; without it, a temporary one",
    )
    p.add_argument("--port", type=int, default=None, help="port of the service (default 8080)")

    p = sub.add_parser("db", help="database maintenance")
    db = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db.add_parser("upgrade", help="apply schema migrations")
    _add_config(up)
    return parser


# Each command lives with its room's CLI functions; imported only when used, so a quick
# command never pays for the web stack.
HANDLERS = {
    "run": "syndicator.cli.run:cmd_run",
    "poll": "syndicator.cli.commands:cmd_poll",
    "backfill": "syndicator.cli.commands:cmd_backfill",
    "extract": "syndicator.cli.commands:cmd_extract",
    "add": "syndicator.cli.commands:cmd_add",
    "feeds": "syndicator.cli.commands:cmd_feeds",
    "check": "syndicator.cli.check:cmd_check",
    "db": "syndicator.cli.commands:cmd_db",
    "notify-test": "syndicator.cli.commands:cmd_notify_test",
    "deliveries": "syndicator.cli.commands:cmd_deliveries",
    "demo": "syndicator.demo.run:cmd_demo",
}


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    module_name, _, func = HANDLERS[command].partition(":")
    module = importlib.import_module(module_name)
    handler: Callable[[argparse.Namespace], int] = getattr(module, func)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        # UTC, marked so, like `deliveries` and the JSON logs: the machine's own zone
        # made a third clock beside the portal's.
        datefmt="%Y-%m-%dT%H:%M:%SZ",
        stream=sys.stderr,
    )
    for handler in logging.getLogger().handlers:
        if handler.formatter is not None:
            handler.formatter.converter = time.gmtime
    # Libraries' chatter (migrations, scheduler beats, SMTP sessions, HTTP client lines)
    # is not news for a user; their warnings and errors still show.
    for noisy in ("alembic", "apscheduler", "mail.log", "httpx", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Never shown, even with -v: Apprise's and urllib3's debug lines print request URLs,
    # where chat services keep their tokens (/ApTok…, ?access_token=…); urllib3's
    # "failed to parse headers" comes with a traceback for a portal's broken header,
    # which the fetch reports in its own words.
    logging.getLogger("apprise").setLevel(logging.INFO)
    logging.getLogger("urllib3.connectionpool").setLevel(logging.INFO)
    logging.getLogger("urllib3.connection").setLevel(logging.ERROR)
    if hasattr(args, "config"):
        args.config = _config_path(args.config)
    try:
        return _handler(args.command)(args)
    except ConfigError as exc:
        for line in exc.lines():
            print(f"syndicator: {line}", file=sys.stderr)
        return EXIT_USAGE
    except SyndicatorError as exc:
        print(f"syndicator: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ModuleNotFoundError as exc:
        extra = OPTIONAL.get((exc.name or "").partition(".")[0])
        if extra is None:
            raise
        print(
            f"syndicator: {args.command} needs the [{extra}] extra, not installed here: "
            f"pip install 'syndicator[{extra}]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
