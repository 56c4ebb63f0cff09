"""`syndicator add`: a column's list page is checked like a poll reads it, and the block
it prints, pasted into the config, passes `check` and polls the column."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from syndicator.cli.main import main
from syndicator.config import load_config
from syndicator.demo.portal import ReplicaPortal
from tests.support.configs import write_config


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_new_site_block_that_check_accepts(
    tmp_path: Path, portal: ReplicaPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, portal)
    url = portal.list_url("dfkj")
    code, out, err = run(capsys, "add", "-c", str(config), url, "--site", "kjcx2")
    assert code == 0, err
    assert "articles listed" in err and "next page:" in err
    [site] = yaml.safe_load(out)
    assert site["id"] == "kjcx2" and site["url"] == portal.base_url
    [category] = site["categories"]
    assert category["list_url"] == url and category["name"] and category["id"]
    # Pasted under sites:, the config is valid and watches the column.
    config.write_text(config.read_text("utf-8").replace("sites:\n", "sites:\n" + out, 1), "utf-8")
    code, _out, err = run(capsys, "check", "-c", str(config))
    assert code == 0, err
    spec = load_config(config).find_category(f"kjcx2/{category['id']}")
    assert spec.list_url == url


def test_a_category_for_a_known_site(
    tmp_path: Path, portal: ReplicaPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, portal)
    url = portal.list_url("dfkj")
    code, out, err = run(
        capsys,
        "add",
        "-c",
        str(config),
        url,
        "--site",
        "zgkjcx",
        "--id",
        "dfkj",
        "--name",
        "地方科技: 动态",
    )
    assert code == 0, err
    assert out.startswith("      - id: dfkj\n")
    text = config.read_text("utf-8").replace("    categories:\n", "    categories:\n" + out, 1)
    config.write_text(text, "utf-8")
    assert load_config(config).find_category("zgkjcx/dfkj").name == "地方科技: 动态"
    # The same id again is refused, with the way out.
    code, out, err = run(capsys, "add", "-c", str(config), url, "--site", "zgkjcx", "--id", "dfkj")
    assert (code, out) == (2, "") and "--id" in err


def test_a_page_without_a_list_is_one_line_and_exit_2(
    tmp_path: Path, portal: ReplicaPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, portal)
    article = portal.articles("kjyw")[0].url
    code, out, err = run(capsys, "add", "-c", str(config), article)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "no list of article links" in err


def test_a_bad_time_zone_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(
        capsys,
        "add",
        "-c",
        str(tmp_path / "none.yaml"),
        "http://x.example/",
        "--timezone",
        "Mars/Base",
    )
    assert (code, out) == (2, "") and "Mars/Base" in err and err.count("\n") == 1


def test_without_a_config_loopback_is_refused(
    tmp_path: Path, portal: ReplicaPortal, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "add", "-c", str(tmp_path / "none.yaml"), portal.list_url("kjyw"))
    assert code != 0 and out == "" and "refused" in err


@pytest.mark.parametrize(
    ("url", "title", "expect"),
    [
        (
            "http://www.zgkjcx.com/Article/kjyw/Index.html",
            "科技要闻_中国科技创新网",
            ("zgkjcx", "kjyw", "科技要闻"),
        ),
        (
            "http://kjt.zj.gov.cn/col/col1229080140/index.html",
            "通知公告 - 浙江省科学技术厅",
            ("kjt", "col1229080140", "通知公告"),
        ),
        (
            "http://127.0.0.1:8080/Article/dfkj/Index.html",
            "中国科技创新网 >> 文章中心 >> 地方科技",
            ("site", "dfkj", "地方科技"),
        ),
        ("https://news.example.edu.cn/list.htm", "", ("news", "news", "news")),
        ("http://www.x.cn/新闻/index.html", "新闻中心 | 某大学", ("x", "news", "新闻中心")),
    ],
)
def test_names_a_list_page_suggests(url: str, title: str, expect: tuple[str, str, str]) -> None:
    from syndicator.cli.commands import _guess_names

    assert _guess_names(url, f"<html><head><title>{title}</title></head></html>") == expect


def test_an_unresolvable_portal_gets_a_hint_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make run` on a machine without network: the log says what to try."""
    config = tmp_path / "offline.yaml"
    config.write_text(
        f"storage: sqlite:///{tmp_path}/o.db\n"
        "fetch: {retries: 0, timeout: 3s}\n"
        "sites:\n"
        "  - id: gone\n    name: Gone\n    url: http://portal.invalid/\n    categories:\n"
        "      - {id: a, name: A, list_url: http://portal.invalid/a/}\n"
        "      - {id: b, name: B, list_url: http://portal.invalid/b/}\n",
        "utf-8",
    )
    with caplog.at_level("WARNING"):
        code, _out, _err = run(capsys, "poll", "-c", str(config))
    assert code == 1
    hints = [r.getMessage() for r in caplog.records if "cannot be resolved" in r.getMessage()]
    assert len(hints) == 1
    assert "syndicator add http://portal.invalid/" in hints[0] and "make demo" in hints[0]
