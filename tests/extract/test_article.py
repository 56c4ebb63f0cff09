"""Article extraction beyond the corpus: parts, selectors, metadata, other templates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from syndicator.errors import NotAnArticle
from syndicator.extract import decode_html, extract_article, join_parts
from syndicator.models import ArticleData, Selectors

from .conftest import page, read_case

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=TZ)
SPEC_FIELDS = ["url", "title", "published", "date_only", "source", "author", "editor",
               "category", "content_html", "content_text", "images", "attachments"]


def article(kind_name: str, selectors: Selectors | None = None) -> ArticleData:
    case = read_case("articles", kind_name)
    text, _ = decode_html(case.body, case.content_type)
    return extract_article(text, case.url, tz=case.tz, now=case.now, selectors=selectors)


def test_json_has_exactly_the_spec_fields() -> None:
    assert list(article("zgkjcx_custom").to_json()) == SPEC_FIELDS


def test_join_parts_continues_the_cut_sentence_without_pager_text() -> None:
    first, second = article("multipage_part1"), article("multipage_part2")
    assert first.next_part == second.url
    assert second.next_part is None
    joined = join_parts([first, second])
    assert "聚焦基础前沿，开展高风险、高价值的探索性研究。" in joined.content_text
    assert "聚焦基础前沿</p>" not in joined.content_html
    for pager_text in ("下一页", "上一页", "[1]", "[2]"):
        assert pager_text not in joined.content_text
    assert joined.content_text.startswith("国家自然科学基金委员会3月3日")
    assert joined.content_text.endswith("附件：项目指南.docx")
    assert joined.attachments == second.attachments
    assert joined.url == first.url and joined.next_part is None
    assert joined.title == first.title and joined.published == first.published


def test_join_parts_keeps_breaks_between_whole_paragraphs() -> None:
    first = article("powereasy_stock")
    joined = join_parts([first, first])
    lines = first.content_text.split("\n")
    assert joined.content_text.split("\n") == lines + lines
    assert joined.images == first.images


def test_join_parts_needs_a_part() -> None:
    with pytest.raises(NotAnArticle):
        join_parts([])


def test_selectors_override_detection() -> None:
    chosen = article("zgkjcx_custom", Selectors(
        title="td.info", body="td.title", info="td.info", date="td.info"))
    assert chosen.title.startswith("日期:")
    assert chosen.content_text == "浙江:全省科技系统“创新深化 实干争先”动员部署会召开"
    assert chosen.source == "浙江省科技厅"


def test_exclude_selector_removes_body_parts() -> None:
    plain = article("zgkjcx_custom")
    trimmed = article("zgkjcx_custom", Selectors(exclude=("td#content img",)))
    assert plain.images and not trimmed.images


GOV = page("hanweb_gov_meta.html")


def test_government_meta_tags_come_first() -> None:
    got = extract_article(GOV, "http://kjt.zj.gov.cn/art/2023/3/1/art_1229_5889.html",
                          tz=TZ, now=NOW)
    assert got.title == "省科技厅召开年度工作会议"
    assert got.published == datetime(2023, 3, 1, 14, 47, tzinfo=TZ)
    assert got.date_only is False
    assert (got.source, got.author, got.category) == ("省科技厅办公室", "张三", "工作动态")
    assert got.content_text == "会议总结了去年工作，部署了今年任务。\n会议强调，要狠抓落实。"


JSON_LD = page("json_ld_article.html")


def test_json_ld_with_offset_is_converted_to_the_portal_zone() -> None:
    got = extract_article(JSON_LD, "https://news.example.org/a/1.html", tz=TZ, now=NOW)
    assert got.title == "Quantum chip unveiled"
    assert got.published is not None
    assert got.published.isoformat() == "2023-03-01T14:47:00+08:00"
    assert (got.author, got.category) == ("李四、王五", "科技")


PHPCMS = page("phpcms_h1_info.html")


def test_phpcms_title_is_not_the_h1_holding_the_info_line() -> None:
    got = extract_article(PHPCMS, "http://kj.example.cn/show-6-100-1.html", tz=TZ, now=NOW)
    assert got.title == "新材料研发取得进展"
    assert got.published == datetime(2023, 3, 1, 14, 47, tzinfo=TZ)
    assert got.source == "科技日报"
    assert got.category == "科技要闻"
    assert got.content_text == ("科研人员研制出一种新型复合材料，强度提高三成。\n"
                                "该材料有望用于航空领域。")


def test_meta_refresh_redirect() -> None:
    html = ('<html><head><meta http-equiv="refresh" content="0; url=http://example.org/x.html">'
            "<title>外部文章</title></head><body></body></html>")
    got = extract_article(html, "http://www.zgkjcx.com/Article/kjyw/1.html", tz=TZ, now=NOW)
    assert got.external_url == "http://example.org/x.html"
    assert got.title == "外部文章"
    assert got.content_html == ""


@pytest.mark.parametrize("html", ["", "   ", "<html></html>",
                                  "<html><head><title>只有标题</title></head><body>导航</body></html>",
                                  "<?xml version='1.0' encoding='gb2312'?><p>无标题。</p>"])
def test_not_an_article(html: str) -> None:
    with pytest.raises(NotAnArticle):
        extract_article(html, "http://example.org/a.html", tz=TZ, now=NOW)


def test_date_selector_and_info_selector_each_override() -> None:
    dated = article("gen_pe_01", Selectors(date="div.footer"))
    assert dated.published is None
    info = article("gen_pe_01", Selectors(info="td.main_ArticleTitle"))
    assert info.source is None and info.author is None


def test_title_selector_alone() -> None:
    got = article("gen_empire_01", Selectors(title="td.boxtitle"))
    assert got.title == "热门排行"


def test_download_script_attachment_and_share_bar_on_a_government_page() -> None:
    got = extract_article(page("hanweb_jiangxi_article.html"),
                          "http://kjt.jiangxi.gov.cn/art/2024/5/8/art_26_101.html",
                          tz=ZoneInfo("Asia/Shanghai"),
                          now=datetime(2026, 11, 26, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert got.title == "我省出台支持科技型中小企业发展十条措施"
    assert got.published is not None and got.published.isoformat() == "2024-05-08T09:30:00+08:00"
    assert (got.source, got.category) == ("省科技厅高新处", "通知公告")
    assert got.attachments == (
        "http://kjt.jiangxi.gov.cn/module/download/downfile.jsp?filename=abc.pdf&classid=0",)
    assert "打印" not in got.content_text and "微信" not in got.content_text
    assert got.content_text.endswith("确保各项措施落地见效。")
