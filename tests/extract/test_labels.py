"""Label lines: which elements are read as rows of fields, and how they split."""

from __future__ import annotations

import lxml.html
import pytest

from syndicator.extract.labels import closing_fields, find_label_lines, split_labels


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("人气：128 发表时间：2017-04-06 16:22:20", {"hits": "128", "date": "2017-04-06 16:22:20"}),
        ("来源于：市科协", {"source": "市科协"}),
        # Inside a sentence 来源于 is no label: the character before it is not a boundary.
        ("文章转载请注明来源于：某网", {}),
        ("发布：2020-11-25 11:27 点击：", {"date": "2020-11-25 11:27", "hits": None}),
        # A 发布 naming the publisher leaves the date to the next date label.
        ("发布：办公室 时间：2020-11-25", {"date": "2020-11-25"}),
        # A name's value stops at a bare date (a field of its own) and at action links.
        (
            "作者：admin 来源：未知 2015-02-06 22:16 我要评论",
            {"author": "admin", "source": None, "trail": "2015-02-06 22:16"},
        ),
        ("来源：新华社 【打印本页】 【关闭窗口】", {"source": "新华社"}),
        # A title can hold a date: it is not cut there.
        (
            "文章标题：2023年3月1日起施行的新规 更新时间：2023-3-1",
            {"title": "2023年3月1日起施行的新规", "date": "2023-3-1"},
        ),
    ],
)
def test_split_labels(text: str, fields: dict[str, str]) -> None:
    assert split_labels(text) == fields


def _lines(html: str) -> list[tuple[str, dict[str, str | None]]]:
    root = lxml.html.document_fromstring(html)
    return [
        (line.element.tag if line.element is not None else "", line.fields)
        for line in find_label_lines(root)
    ]


def test_hits_and_date_make_an_info_line() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><div>人气：<span>12</span>　发表时间：2017-04-06</div></body></html>"
    )
    lines = find_label_lines(root)
    assert len(lines) == 1 and lines[0].is_info
    assert lines[0].fields["date"] == "2017-04-06"


def test_a_lone_source_line_is_read_but_is_not_the_info_line() -> None:
    root = lxml.html.document_fromstring(
        "<html><body><font>来源于：市科协</font><p>正文。</p></body></html>"
    )
    lines = find_label_lines(root)
    assert [(ln.element.tag if ln.element is not None else None, ln.fields) for ln in lines] == [
        ("font", {"source": "市科协"})
    ]
    assert not lines[0].is_info


def test_a_source_inside_a_row_does_not_hide_the_row() -> None:
    html = (
        '<html><body><div class="ly"><b>发布时间：2019-05-18</b> <i>来源：学会</i>'
        "</div></body></html>"
    )
    assert _lines(html) == [("div", {"date": "2019-05-18", "source": "学会"})]


def test_source_in_a_sentence_is_no_line() -> None:
    assert _lines("<html><body><p>本报讯，来源：记者调查。</p></body></html>") == []


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("(责任编辑：admin)", {"editor": "admin"}),
        ("（责编：王芳）", {"editor": "王芳"}),
        ("作者:健康", {"author": "健康"}),
        ("文章录入：李明", {"entry": "李明"}),
        # A credit that goes on like a sentence, a source, or text mentioning an editor.
        ("作者：小谦，互联网观察员，微博@小莫谦", {}),
        ("来源：新华社", {}),
        ("本文经责任编辑：张三审核后发布，特此说明并致谢全体读者朋友们的关心与支持。", {}),
    ],
)
def test_closing_credit_lines(line: str, fields: dict[str, str]) -> None:
    assert closing_fields(line) == fields


@pytest.mark.parametrize(
    ("line", "field", "want"),
    [
        ("发布日期:2023-04-06 作者：莘城学校 点击率： 12", "author", "莘城学校"),
        ("发布日期： 2017-02-23 来源： 发布人：", "source", None),
        ("本文来源于 新华网 2023-03-01", "source", "新华网"),
        ("原创：张三 责任编辑：李四", "author", "张三"),
        ("来源：本网站 作者：管理员", "source", None),
        ("来源：本网站 作者：管理员", "author", None),
    ],
)
def test_values_stop_at_the_next_label_and_placeholders_are_none(
    line: str, field: str, want: str | None
) -> None:
    assert split_labels(line).get(field) == want
