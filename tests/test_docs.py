"""Every command and option a user can type is documented in the README."""

from __future__ import annotations

import argparse
from pathlib import Path

from syndicator.cli.main import HANDLERS, build_parser

README = (Path(__file__).parents[1] / "README.md").read_text("utf-8")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_is_in_the_readme() -> None:
    assert set(subparsers()) == set(HANDLERS)
    for name in HANDLERS:
        assert f"syndicator {name}" in README, name


def test_every_option_is_in_the_readme() -> None:
    missing = []
    for name, sub in subparsers().items():
        for action in sub._actions:
            for flag in action.option_strings:
                documented = flag in README or flag in ("--help", "--config")
                if flag.startswith("--") and not documented:
                    missing.append(f"{name} {flag}")
    assert missing == []
