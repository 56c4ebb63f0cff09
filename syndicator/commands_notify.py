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
    waiting = d.state == "pending" or (d.state == "digest" and d.attempts > 0)
    next_try = _when(d.next_attempt) if waiting else "-"
    error = (d.last_error or "-").replace("\n", " ")[:80]
    return (f"{d.id:>6}  {d.state:<9} {d.channel:<12} {d.event:<18} {d.attempts:>3}  "
            f"{next_try:<20} {subject[:40]}  {error}")


def _retry(app: App, delivery_id: int) -> int:
    """Send one delivery now and say in one line what came of it."""
    if app.store.outbox.get(delivery_id) is None:
        raise SyndicatorError(f"no delivery with id {delivery_id}")
    report = app.retry_delivery(delivery_id)
    after = app.store.outbox.get(delivery_id)
    if report is None or after is None:
        raise SyndicatorError(f"delivery {delivery_id} is being sent by another worker; "
                              "see its outcome with `syndicator deliveries`")
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
    app = _app(args)
    try:
        if args.retry is not None:
            return _retry(app, args.retry)
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
