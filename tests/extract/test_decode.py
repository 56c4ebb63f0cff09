"""Charset choice: BOM, a header that fits, <meta> anywhere in the head, detection."""

from __future__ import annotations

import lxml.html
import pytest

from syndicator.extract import decode_html
from syndicator.extract.decode import normalize_charset

PAGE = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset={label}">'
    "<title>朱镕基视察科技园区</title></head><body><p>　　正文第一段，说明情况。</p>"
    "<p>　　最后一段提到朱镕基、王堃和张喆。</p><div id=footer>页脚 版权所有</div></body></html>"
)


def gbk_page(label: str = "gb2312") -> bytes:
    return PAGE.replace("{label}", label).encode("gbk")


def test_gb2312_page_with_gbk_only_characters_decodes_whole() -> None:
    text, encoding = decode_html(gbk_page())
    assert encoding == "gb18030"
    assert "\ufffd" not in text
    assert "王堃和张喆" in text
    root = lxml.html.document_fromstring(text)
    assert "".join(str(t) for t in root.itertext()).endswith("王堃和张喆。页脚 版权所有")


@pytest.mark.parametrize(
    "label",
    [
        "gb2312",
        "GB2312",
        "gbk",
        "x-gbk",
        "gb_2312-80",
        "cp936",
        "GB18030",
        "csGB2312",
        "chinese",
        "windows-936",
    ],
)
def test_every_gb_label_decodes_as_gb18030(label: str) -> None:
    assert normalize_charset(label) == "gb18030"
    text, encoding = decode_html(gbk_page(label))
    assert encoding == "gb18030"
    assert "朱镕基、王堃和张喆" in text


def test_header_claiming_utf8_for_gbk_bytes_is_ignored() -> None:
    text, encoding = decode_html(gbk_page(), "text/html; charset=utf-8")
    assert encoding == "gb18030"
    assert "王堃" in text


def test_header_wins_when_the_bytes_fit_it() -> None:
    body = PAGE.replace("{label}", "gb2312").encode("utf-8")
    text, encoding = decode_html(body, "text/html; charset=UTF-8")
    assert encoding == "utf-8"
    assert "王堃" in text


def test_latin1_header_does_not_override_a_gb_meta() -> None:
    text, encoding = decode_html(gbk_page(), "text/html; charset=ISO-8859-1")
    assert encoding == "gb18030"
    assert "王堃" in text


def test_bom_beats_header_and_meta() -> None:
    body = b"\xef\xbb\xbf" + PAGE.replace("{label}", "gb2312").encode("utf-8")
    text, encoding = decode_html(body, "text/html; charset=gbk")
    assert encoding == "utf-8"
    assert text.startswith("<html>")


def test_meta_after_the_first_kilobyte_is_found() -> None:
    filler = "<meta name='description' content='" + "科技创新资讯，" * 200 + "'>"
    page = PAGE.replace("<head>", "<head>" + filler).replace("{label}", "gbk")
    body = page.encode("gbk")
    assert body.index(b"charset=gbk") > 1024
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert "王堃" in text


def test_meta_charset_attribute_form() -> None:
    body = "<html><head><meta charset='GBK'></head><body>喆</body></html>".encode("gbk")
    assert decode_html(body) == (
        "<html><head><meta charset='GBK'></head><body>喆</body></html>",
        "gb18030",
    )


def test_undeclared_gbk_is_detected() -> None:
    text = "<p>" + "科技部发布新一轮重点研发计划，鼓励企业参与关键核心技术攻关。" * 8 + "</p>"
    decoded, encoding = decode_html(text.encode("gbk"))
    assert decoded == text
    assert encoding == "gb18030"


def test_plain_ascii_is_utf8() -> None:
    assert decode_html(b"<p>hello</p>") == ("<p>hello</p>", "utf-8")


def test_garbage_falls_back_with_replacement_not_an_error() -> None:
    text, encoding = decode_html(b"\xff\xfe\x00\xd8\x81" * 3 + b"\x80\x80\xc3", "text/html")
    assert isinstance(text, str)
    assert encoding


PROXY_ANSWER = (
    '<?xml version="1.0" encoding="{label}"?>\n<datastore><totalrecord>1</totalrecord>'
    "<recordset><record><![CDATA[<li><a href='/art/2024/1/1/art_1229_1.html'>"
    "王堃团队攻关纪实</a><span>2024-01-01</span></li>]]></record></recordset>"
    "</datastore>"
)


@pytest.mark.parametrize("label", ["GBK", "gb2312", "GB18030"])
def test_an_xml_declaration_names_the_charset(label: str) -> None:
    """dataproxy.jsp answers are XML declaring GBK, often with no header charset."""
    text, encoding = decode_html(PROXY_ANSWER.replace("{label}", label).encode("gbk"), "text/xml")
    assert encoding == "gb18030"
    assert "王堃团队攻关纪实" in text


def test_an_xml_declaration_inside_the_page_is_not_a_declaration() -> None:
    body = (
        "<html><head><meta charset=gbk></head><body><pre>&lt;?xml encoding='utf-8'?&gt;"
        "<?xml version='1.0' encoding='utf-8'?>王堃</pre></body></html>"
    ).encode("gbk")
    assert decode_html(body)[1] == "gb18030"
