"""Label lines: which elements are read as rows of fields, and how they split."""

from __future__ import annotations

import lxml.html
import pytest

from syndicator.extract.labels import find_label_lines, split_labels


@pytest.mark.parametrize(("text", "fields"), [
    ("人气：128 发表时间：2017-04-06 16:22:20",
     {"hits": "128", "date": "2017-04-06 16:22:20"}),
    ("来源于：市科协", {"source": "市科协"}),
    # Inside a sentence 来源于 is no label: the character before it is not a boundary.
    ("文章转载请注明来源于：某网", {}),
])
def test_split_labels(text: str, fields: dict[str, str]) -> None:
    assert split_labels(text) == fields


def _lines(html: str) -> list[tuple[str, dict[str, str | None]]]:
    root = lxml.html.document_fromstring(html)
    return [(line.element.tag if line.element is not None else "", line.fields)
            for line in find_label_lines(root)]


def test_hits_and_date_make_an_info_line() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><div>人气：<span>12</span>　发表时间：2017-04-06</div></body></html>")
    lines = find_label_lines(root)
    assert len(lines) == 1 and lines[0].is_info
    assert lines[0].fields["date"] == "2017-04-06"


def test_a_lone_source_line_is_read_but_is_not_the_info_line() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><font>来源于：市科协</font><p>正文。</p></body></html>")
    lines = find_label_lines(root)
    assert [(ln.element.tag if ln.element is not None else None, ln.fields)
            for ln in lines] == [("font", {"source": "市科协"})]
    assert not lines[0].is_info


def test_a_source_inside_a_row_does_not_hide_the_row() -> None:
    html = ('<html><body><div class="ly"><b>发布时间：2019-05-18</b> <i>来源：学会</i>'
            "</div></body></html>")
    assert _lines(html) == [("div", {"date": "2019-05-18", "source": "学会"})]


def test_source_in_a_sentence_is_no_line() -> None:
    assert _lines("<html><body><p>本报讯，来源：记者调查。</p></body></html>") == []
