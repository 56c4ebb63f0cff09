"""The allowlist sanitizer and the XML-illegal character filter."""

from __future__ import annotations

import pytest

from syndicator.extract import sanitize_html, strip_control

BASE = "http://www.zgkjcx.com/Article/kjyw/202303/2603.html"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p onclick='x()' align=center>　　正文</p>", "<p>　　正文</p>"),
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ("<style>p{color:red}</style><p>a</p>", "<p>a</p>"),
        ("<iframe src='http://evil'>fallback</iframe><p>a</p>", "<p>a</p>"),
        ("<a href='javascript:alert(1)'>x</a>", "<a>x</a>"),
        ("<a href=' JAVASCRIPT:alert(1)'>x</a>", "<a>x</a>"),
        ("<img src=x onerror=alert(1)>", '<img src="http://www.zgkjcx.com/Article/kjyw/202303/x">'),
        (
            "<a href='../a.pdf' target=_blank class=c>附件</a>",
            '<a href="http://www.zgkjcx.com/Article/kjyw/a.pdf">附件</a>',
        ),
        (
            "<img src='/up/a.jpg' alt='图' width=500 height='300' border=0>",
            '<img src="http://www.zgkjcx.com/up/a.jpg" alt="图" width="500" height="300">',
        ),
        ("<font color=red><b>红</b></font><center>中</center>", "<b>红</b>中"),
        (
            "<table border=1><tr><td colspan=2 bgcolor=#fff>x</td></tr></table>",
            '<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>',
        ),
        ("<form action=x><input name=q><button>go</button></form><p>a</p>", "<p>a</p>"),
        ("<svg onload=alert(1)><circle/></svg><p>a</p>", "<p>a</p>"),
        ("<!-- note --><p>a</p>", "<p>a</p>"),
    ],
)
def test_sanitize(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty, BASE) == clean


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>a</p><p><br></p><p>b</p>", "<p>a</p><p>b</p>"),
        ("<p>a</p><div>&nbsp;<span> </span><br/></div>", "<p>a</p>"),
        ("<div><p><br></p>\n<p>\u3000</p></div><p>a</p>", "<p>a</p>"),
        ("<p><strong><br></strong></p><h2> </h2><p>a</p>", "<p>a</p>"),
        # Images, tables and rules say something; a line with text keeps its <br>.
        ("<p><img src='/a.jpg'></p>", '<p><img src="http://www.zgkjcx.com/a.jpg"></p>'),
        ("<p>a<br>&nbsp;</p>", "<p>a<br>&nbsp;</p>"),
        (
            "<table><tr><td></td><td>x</td></tr></table>",
            "<table><tbody><tr><td></td><td>x</td></tr></tbody></table>",
        ),
        ("<div><hr></div>", "<div><hr></div>"),
    ],
)
def test_blocks_without_text_or_image_are_dropped(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty, BASE) == clean


def test_allowed_structure_survives() -> None:
    html = (
        "<h2>小标题</h2><ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引</blockquote>"
        "<pre><code>x</code></pre><figure><figcaption>说明</figcaption></figure>"
        "<p>H<sub>2</sub>O x<sup>2</sup><em>e</em><i>i</i><u>u</u><strong>s</strong>"
        "<span>s</span><br></p><hr><div>d</div>"
    )
    assert sanitize_html(html, BASE) == html


def test_strip_control() -> None:
    assert (
        strip_control("a\x00b\x08c\x0bd\x0ce\x1ff\tg\nh\ri\ufffej\uffffk\ud800l")
        == "abcdef\tg\nh\rijkl"
    )
    assert sanitize_html("<p>a\x01b</p>", BASE) == "<p>ab</p>"
