"""Problems with the file itself, before any key is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicator.config import load_config
from syndicator.errors import ConfigError


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(caught.value).startswith(f"{path}: cannot read the file")
    assert caught.value.file == str(path)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_config(tmp_path, env={})


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("sites: 科技要闻\n".encode("gb18030"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path, env={})


def test_string_path_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "sites: [{id: s, name: S, url: 'http://s.example/', categories: "
        "[{id: c, name: C, list_url: 'http://s.example/l'}]}]\n",
        encoding="utf-8",
    )
    conf = load_config(str(path), env={})
    assert conf.source_path == path


def test_every_mistake_is_reported_at_once_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        """\
server:
  prot: 8080
fetch:
  timeout: soon
sites:
  - id: s
    name: S
    url: not-a-url
    categories:
      - {id: c, name: C, list_url: "http://portal.test/l.html", evry: 10m}
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    lines = caught.value.lines()
    assert [line.split(":")[1] for line in lines] == ["2", "4", "8", "10"]
    assert "unknown key 'prot' (did you mean 'port'?)" in lines[0]
    assert "bad duration 'soon'" in lines[1]
    assert "evry" in lines[3] and all("\n" not in line for line in lines)
