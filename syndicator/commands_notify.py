"""CLI commands of the notification room: ``notify-test`` and ``deliveries``."""

from __future__ import annotations

import argparse
from datetime import datetime

from syndicator.app import App
from syndicator.config import load_config
from syndicator.errors import SyndicatorError
from syndicator.models import Delivery


def _app(args: argparse.Namespace) -> App:
    app = App(load_config(args.config))
    app.upgrade()
    return app


def cmd_notify_test(args: argparse.Namespace) -> int:
    app = _app(args)
    try:
        result = app.notify_test(args.channel)
        print(f"{args.channel}: {result.describe()}")
        return 0 if result.ok else 1
    finally:
        app.close()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


def _line(d: Delivery) -> str:
    subject = d.data.get("title") or (f"{d.site}/{d.category}" if d.site else "-")
    next_try = _when(d.next_attempt) if d.state == "pending" else "-"
    error = (d.last_error or "-").replace("\n", " ")[:80]
    return (f"{d.id:>6}  {d.state:<9} {d.channel:<12} {d.event:<18} {d.attempts:>3}  "
            f"{next_try:<20} {subject[:40]}  {error}")


def cmd_deliveries(args: argparse.Namespace) -> int:
    app = _app(args)
    try:
        if args.retry is not None:
            delivery = app.store.outbox.get(args.retry)
            if delivery is None:
                raise SyndicatorError(f"no delivery with id {args.retry}")
            app.store.outbox.replay(args.retry, app.clock())
            report = app.deliver_due()
            after = app.store.outbox.get(args.retry)
            state = after.state if after else "?"
            error = f" ({after.last_error})" if after and after.last_error else ""
            print(f"delivery {args.retry}: {state}{error}; "
                  f"{report.delivered} delivered, {report.failed} failed, {report.dead} dead")
            return 0 if after and after.state == "delivered" else 1
        rows = app.store.outbox.list(state=args.state, limit=args.limit)
        print(f"{'id':>6}  {'state':<9} {'channel':<12} {'kind':<18} {'try':>3}  "
              f"{'next try':<20} {'article':<40}  last error")
        for d in rows:
            print(_line(d))
        counts = app.store.delivery_counts()
        print(", ".join(f"{n} {state}" for state, n in counts.items()))
        return 0
    finally:
        app.close()
