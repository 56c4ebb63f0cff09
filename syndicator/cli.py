"""Command line: parses arguments and calls ``app``; user mistakes become one line on
stderr (no traceback) and a non-zero exit."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from syndicator import __version__
from syndicator.errors import ConfigError, SyndicatorError

DEFAULT_CONFIG = "config/syndicator.yaml"
EXIT_FAILED = 1
EXIT_USAGE = 2


def _config_path(arg: str | None) -> str:
    return arg or os.environ.get("SYNDICATOR_CONFIG") or DEFAULT_CONFIG


def _add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("-c", "--config", help="config file (default: $SYNDICATOR_CONFIG, "
                   f"else {DEFAULT_CONFIG})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syndicator",
        description="Feeds and alerts for news portal sections that publish no feed.",
    )
    parser.add_argument("--version", action="version", version=f"syndicator {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="the service: poll on schedule and publish feeds")
    _add_config(p)
    p.add_argument("--out", type=Path, default=None,
                   help="also write static feed files to this folder after each change")
    p.add_argument("--once", action="store_true", help="one round of polls, then exit")

    p = sub.add_parser("poll", help="poll categories now, then rebuild feeds")
    _add_config(p)
    p.add_argument("categories", nargs="*", metavar="SITE/CATEGORY")
    p.add_argument("--out", type=Path, default=None,
                   help="also write static feed files to this folder")

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

    p = sub.add_parser("feeds", help="write every feed as static files")
    _add_config(p)
    p.add_argument("--out", type=Path, default=Path("public"))

    p = sub.add_parser("check", help="validate the config and print what would be watched")
    _add_config(p)
    p.add_argument("--schema", action="store_true", help="print the config's JSON Schema")

    p = sub.add_parser("db", help="database maintenance")
    db = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db.add_parser("upgrade", help="apply schema migrations")
    _add_config(up)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    # Migration chatter is not news for a user; failures still surface as errors.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from syndicator import commands

    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": commands.cmd_run,
        "poll": commands.cmd_poll,
        "backfill": commands.cmd_backfill,
        "extract": commands.cmd_extract,
        "feeds": commands.cmd_feeds,
        "check": commands.cmd_check,
        "db": commands.cmd_db,
    }
    if hasattr(args, "config"):
        args.config = _config_path(args.config)
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"syndicator: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SyndicatorError as exc:
        print(f"syndicator: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
