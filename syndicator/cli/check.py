"""`syndicator check`: apart from the other commands so that it loads the config
room only, not the store, the fetcher or the extractor (it runs in editors' save hooks
and CI, where its start-up is most of its time)."""

from __future__ import annotations

import argparse
import json

from syndicator.config import describe, json_schema, load_config


def cmd_check(args: argparse.Namespace) -> int:
    if args.schema:
        print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
        return 0
    config = load_config(args.config)
    print(describe(config))
    return 0
