"""The command line as a user meets it: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from syndicator.cli.main import main
from tests.support.configs import ONE_SITE

# Every test here runs syndicator in a process of its own.
pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
ROOT = Path(__file__).parents[2]


def syndicator(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "syndicator", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )


def test_check_on_shipped_config_lists_the_category() -> None:
    result = syndicator("check", "-c", "config/syndicator.yaml")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "zgkjcx/kjyw" in out and "科技要闻" in out


def test_check_on_broken_config_is_one_line_with_file_line_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "storage: sqlite:///x.db\nsites:\n  - id: zgkjcx\n    name: x\n"
        "    url: http://www.zgkjcx.com/\n    categories:\n      - id: kjyw\n"
        "        name: 科技要闻\n        list_url: /relative\n",
        encoding="utf-8",
    )
    result = syndicator("check", "-c", str(bad))
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert f"{bad}:9" in lines[0] and "list_url" in lines[0]
    assert "Traceback" not in result.stderr.decode()


def test_check_schema_is_json_schema() -> None:
    result = syndicator("check", "--schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert "sites" in schema["properties"]


def test_missing_config_file_is_one_line() -> None:
    result = syndicator("check", "-c", "no/such/file.yaml")
    assert result.returncode == 2
    err = result.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "no/such/file.yaml" in err


def test_unknown_category_is_one_line(tmp_path: Path) -> None:
    result = syndicator("poll", "-c", "config/syndicator.yaml", "zgkjcx/nope")
    assert result.returncode == 2
    err = result.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "zgkjcx/nope" in err


@pytest.mark.parametrize("name", ["zgkjcx_custom", "powereasy_stock"])
def test_extract_prints_the_spec_json(name: str) -> None:
    case = json.loads((DATA / "articles" / f"{name}.json").read_text("utf-8"))
    result = syndicator("extract", str(DATA / "articles" / f"{name}.html"), "--url", case["url"])
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    expected = case["expected"]
    assert list(got)[:12] == [
        "url",
        "title",
        "published",
        "date_only",
        "source",
        "author",
        "editor",
        "category",
        "content_html",
        "content_text",
        "images",
        "attachments",
    ]
    for key in (
        "title",
        "published",
        "source",
        "author",
        "editor",
        "category",
        "images",
        "attachments",
        "content_text",
    ):
        assert got[key] == expected[key], key


def test_extract_reads_stdin_and_lists() -> None:
    case = json.loads((DATA / "lists" / "showtype2_static.json").read_text("utf-8"))
    body = (DATA / "lists" / "showtype2_static.html").read_bytes()
    result = syndicator("extract", "-", "--url", case["url"], "--list", stdin=body)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert [i["url"] for i in got["items"]] == [i["url"] for i in case["expected"]["items"]]
    assert got["next_page"] == case["expected"]["next_page"]


def test_extract_missing_file_is_one_line() -> None:
    result = syndicator("extract", "does-not-exist.html")
    assert result.returncode == 1
    err = result.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and "does-not-exist.html" in err


def test_extract_of_a_non_article_is_one_line(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_bytes(b"<html><body><a href='/'>home</a></body></html>")
    result = syndicator("extract", str(page))
    assert result.returncode == 1
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_verbose_logs_never_show_library_lines_that_carry_tokens(tmp_path: Path) -> None:
    """-v shows our debug lines, not Apprise's or urllib3's: those print request URLs,
    where chat services keep their tokens; nor urllib3's traceback for a portal's
    broken header."""
    import logging

    config = tmp_path / "c.yaml"
    config.write_text(ONE_SITE, "utf-8")
    assert main(["-v", "check", "-c", str(config)]) == 0
    assert logging.getLogger("apprise").getEffectiveLevel() >= logging.INFO
    assert logging.getLogger("urllib3.connectionpool").getEffectiveLevel() >= logging.INFO
    assert logging.getLogger("urllib3.connection").getEffectiveLevel() >= logging.ERROR
