"""The demo's mail and webhook sinks on their own, for a service run elsewhere (another
terminal, or the compose stack's demo profile):

    python -m syndicator.demo.sinks [--host 127.0.0.1] [--smtp-port 8025]
                                    [--webhook-port 8090] [--secret whsec_…]

Each message is printed whole as it arrives; the webhook sink checks every signature
with the ``standardwebhooks`` package. Stops on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from syndicator.demo.smtp_sink import SmtpSink
from syndicator.demo.webhook_sink import WebhookSink

# The secret config/demo.yaml signs with; not a secret anywhere else.
DEMO_SECRET = "whsec_ZGVtby1zZWNyZXQtZm9yLXRoZS1sb29wYmFjay1zaW5r"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m syndicator.demo.sinks", description="the demo's mail and webhook sinks"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--webhook-port", type=int, default=8090)
    parser.add_argument("--secret", default=DEMO_SECRET, help="the webhook channel's secret")
    args = parser.parse_args(argv)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        with (
            SmtpSink(host=args.host, port=args.smtp_port, quiet=False) as smtp,
            WebhookSink(args.secret, host=args.host, port=args.webhook_port, quiet=False) as hook,
        ):
            print(
                f"mail sink     smtp://{args.host}:{smtp.port}\n"
                f"webhook sink  {hook.url}  (signatures checked)",
                flush=True,
            )
            stop.wait()
    except OSError as exc:
        print(f"sinks: cannot listen: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
