"""List extraction beyond the corpus: selectors, generic ul/li lists, failures."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from syndicator.errors import NotAList
from syndicator.extract import decode_html, extract_list
from syndicator.models import ListPage, Selectors

from .conftest import page, read_case

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=TZ)


def listing(name: str, selectors: Selectors | None = None) -> ListPage:
    case = read_case("lists", name)
    text, _ = decode_html(case.body, case.content_type)
    return extract_list(text, case.url, tz=case.tz, now=case.now, selectors=selectors)


def test_item_selector_overrides_detection() -> None:
    page = listing("sidebar_hot_last_page", Selectors(item="ul.hot a", date="span"))
    assert len(page.items) == 10
    assert page.items[0].title == "热门文章第1篇：科技创新政策解读"
    assert page.items[0].published == datetime(2026, 2, 11, tzinfo=TZ)
    assert all(item.date_only for item in page.items)


def test_tooltip_time_is_kept_and_marks_the_item_timed() -> None:
    page = listing("showtype2_static")
    assert page.items[1].published == datetime(2026, 11, 25, 14, 47, tzinfo=TZ)
    assert page.items[1].date_only is False
    assert page.items[2].date_only is True


def test_detected_list_matches_the_configured_selector() -> None:
    auto = listing("showtype2_static")
    chosen = listing("showtype2_static", Selectors(item="td.listbg a, td.listbg2 a"))
    assert chosen.to_json() == auto.to_json()


TRS = page("trs_list.html")


def test_generic_trs_list() -> None:
    page = extract_list(TRS, "https://www.most.gov.cn/xxgk/gzdt/index.html", tz=TZ, now=NOW)
    assert [i.url for i in page.items] == [
        "https://www.most.gov.cn/xxgk/gzdt/202303/t20230301_185000.html",
        "https://www.most.gov.cn/xxgk/gzdt/202302/t20230227_184900.html",
        "https://www.most.gov.cn/xxgk/gzdt/202302/t20230220_184800.html",
    ]
    assert page.items[0].title == "科技部召开党组会议 研究部署重点工作"
    assert page.items[1].published == datetime(2023, 2, 27, tzinfo=TZ)
    assert page.items[2].published is None
    assert page.to_json()["items"][2]["published"] is None
    # createPageHTML(25, 0, "index", "html"): page 0 is index.html, the next index_1.html.
    assert page.next_page == "https://www.most.gov.cn/xxgk/gzdt/index_1.html"


def test_last_trs_page_has_no_next_page() -> None:
    html = TRS.replace("createPageHTML(25, 0,", "createPageHTML(25, 24,")
    got = extract_list(html, "https://www.most.gov.cn/xxgk/gzdt/index_24.html", tz=TZ, now=NOW)
    assert got.next_page is None


def test_a_single_dated_row_is_a_list_but_a_nav_bar_is_not() -> None:
    one = (
        "<html><body><div class='nav'><a href='/a/kjyw/'>科技要闻</a>"
        "<a href='/a/kjzc/'>政策</a></div>"
        "<div class='main'><ul class='list'><li><a href='/a/2023/0301/7.html'>唯一一篇"
        "</a><span>2023-03-01</span></li></ul></div></body></html>"
    )
    got = extract_list(one, "http://x.cn/a/", tz=TZ, now=NOW)
    assert [i.url for i in got.items] == ["http://x.cn/a/2023/0301/7.html"]
    nav_only = one.replace("<span>2023-03-01</span>", "")
    with pytest.raises(NotAList):
        extract_list(nav_only, "http://x.cn/a/", tz=TZ, now=NOW)


def test_date_selector_picks_the_cell() -> None:
    page = listing("gen_empire_list", Selectors(date="td.list_title"))
    assert all(item.published is None for item in page.items)
    page = listing("gen_empire_list", Selectors(date="td.list_date"))
    assert page.items[0].published == datetime(2023, 3, 10, tzinfo=TZ)


def test_exclude_selector_removes_rows() -> None:
    page = listing("gen_dede_list", Selectors(exclude=("ul.e2 li:first-child",)))
    assert len(page.items) == 4


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body><p>维护中，请稍后访问。</p></body></html>",
        "<html><body><a href='/about.html'>关于我们</a>"
        "<a href='/contact.html'>联系</a></body></html>",
        "<html><body><a href='/Article/kjyw/2.html'>唯一一篇</a></body></html>",
    ],
)
def test_not_a_list(html: str) -> None:
    with pytest.raises(NotAList):
        extract_list(html, "http://www.zgkjcx.com/Article/kjyw/Index.html", tz=TZ, now=NOW)


SIDEBAR_ONLY = """<html><head><title>{title}</title></head><body><table><tr>
<td class="left"><div class="box_title">{heading}</div><ul>
<li><a href="/Article/ShowArticle.asp?ArticleID=11">热门一</a> 03-01</li>
<li><a href="/Article/ShowArticle.asp?ArticleID=12">热门二</a> 03-02</li>
<li><a href="/Article/ShowArticle.asp?ArticleID=13">热门三</a> 03-03</li></ul></td>
<td class="main"><b>科技要闻文章列表</b><p>没有任何文章</p></td></tr></table></body></html>"""


def test_an_emptied_list_is_not_replaced_by_its_sidebar() -> None:
    html = SIDEBAR_ONLY.format(title="中国科技创新网 >> 文章中心 >> 科技要闻", heading="热门文章")
    with pytest.raises(NotAList):
        extract_list(html, "http://www.zgkjcx.com/Article/kjyw/Index.html", tz=TZ, now=NOW)


def test_a_category_named_like_a_sidebar_box_is_still_read() -> None:
    html = SIDEBAR_ONLY.format(title="中国科技创新网 >> 通知公告", heading="通知公告")
    got = extract_list(html, "http://www.zgkjcx.com/Article/tzgg/Index.html", tz=TZ, now=NOW)
    assert [i.title for i in got.items] == ["热门一", "热门二", "热门三"]


def test_main_list_named_like_a_box_beats_an_undated_footer() -> None:
    # The list is headed 通知公告 (a word sidebars use too) and the footer holds two
    # article-shaped links without dates: the dated main list must win.
    got = extract_list(
        page("hanweb_jiangxi_list.html"),
        "http://kjt.jiangxi.gov.cn/col/col26/index.html",
        tz=TZ,
        now=NOW,
    )
    assert [i.url.rsplit("_", 1)[1] for i in got.items] == [
        "101.html",
        "100.html",
        "99.html",
        "98.html",
    ]
    assert got.items[0].title == "我省出台支持科技型中小企业发展十条措施"
    assert got.next_page == "http://kjt.jiangxi.gov.cn/col/col26/index_1.html"


def hanweb_case(name: str) -> tuple[str, str]:
    case = read_case("lists", name)
    return decode_html(case.body, case.content_type)[0], case.url


def test_hanweb_answer_without_a_total_has_no_next_page() -> None:
    html, url = hanweb_case("gen_hanweb_proxy_middle")
    got = extract_list(re.sub(r"<totalrecord>\d+</totalrecord>", "", html), url, tz=TZ, now=NOW)
    assert len(got.items) == 8 and got.next_page is None


def test_hanweb_column_without_jpage_numbers_steps_by_its_record_count() -> None:
    html, url = hanweb_case("gen_hanweb_jpage_first")
    bare = re.sub(r"(?:groupSize|perPage):\d+,", "", html)
    got = extract_list(bare, url, tz=TZ, now=NOW)
    assert got.next_page is not None
    assert got.next_page.split("&appid=")[0].endswith("?startrecord=9&endrecord=16&perpage=8")
    no_total = re.sub(r"totalRecord:\d+,", "", html)
    assert extract_list(no_total, url, tz=TZ, now=NOW).next_page is None


def test_hanweb_nextgroup_link_is_read_as_html() -> None:
    # "&para" and "&copy" read as entities by a naive unescape; "&amp;" must become "&".
    html, url = hanweb_case("gen_hanweb_jpage_first")
    html = html.replace("&path=/&columnid", "&amp;para=1&copy=2&path=/&columnid")
    got = extract_list(html, url, tz=TZ, now=NOW)
    assert got.next_page is not None
    assert "&webid=3136&para=1&copy=2&path=/&columnid=1229&" in got.next_page


def test_hanweb_answer_rows_need_no_wrapping_element() -> None:
    # Records that start with their link: parsed as HTML in place, "<![CDATA[" would
    # swallow the <a> tag up to its ">" and leave no link.
    recs = "".join(
        f'<record><![CDATA[<a href="/art/2023/3/{d}/art_26_{100 + d}.html">'
        f"第{d}号通知发布</a><span>2023-03-{d:02d}</span>]]></record>\n"
        for d in range(1, 6)
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore><recordset>\n{recs}'
        "</recordset><totalrecord>5</totalrecord></datastore>"
    )
    url = (
        "http://kjt.jiangxi.gov.cn/module/web/jpage/dataproxy.jsp"
        "?startrecord=1&endrecord=5&perpage=5&columnid=26"
    )
    got = extract_list(xml, url, tz=TZ, now=NOW)
    assert [i.title for i in got.items] == [f"第{d}号通知发布" for d in range(1, 6)]
    assert got.items[4].published == datetime(2023, 3, 5, tzinfo=TZ)
    assert got.next_page is None


TABS_LIST = """<html><head><title>公司公告 - 某基金公司</title></head><body>
<div class="tabs"><ul>
<li class="on"><a href="/info/notice/index.html">公司公告</a></li>
<li><a href="/info/report/index.html">定期报告</a></li>
<li><a href="/info/other/index.html">其他公告</a></li></ul></div>
<ul class="list">
<li><a href="/contents/2024/7/2-4f1c2e.html">关于增加销售机构的公告</a><span>2024-07-02</span></li>
<li><a href="/contents/2024/6/28-9a7b3d.html">关于调整基金费率的公告</a><span>2024-06-28</span></li>
<li><a href="/contents/2024/6/9-0c1d2e.html">基金合同生效公告</a><span>2024-06-10</span></li>
</ul></body></html>"""


def test_a_tab_menu_above_the_list_is_not_a_sidebar_heading() -> None:
    # The tabs read "公司公告 定期报告 其他公告": a row of links is a menu, not a box
    # title such as "热门文章", so the list under it is the page's list.
    got = extract_list(TABS_LIST, "https://www.example.com/info/notice/index.html", tz=TZ, now=NOW)
    assert [i.url.rsplit("/", 3)[-3:] for i in got.items] == [
        ["2024", "7", "2-4f1c2e.html"],
        ["2024", "6", "28-9a7b3d.html"],
        ["2024", "6", "9-0c1d2e.html"],
    ]
    assert got.items[2].published == datetime(2024, 6, 10, tzinfo=TZ)


def test_a_sidebar_titled_by_one_link_is_still_a_sidebar() -> None:
    html = SIDEBAR_ONLY.format(
        title="中国科技创新网 >> 科技要闻", heading="<a href='/hot.html'>热门文章</a>"
    )
    with pytest.raises(NotAList):
        extract_list(html, "http://www.zgkjcx.com/Article/kjyw/Index.html", tz=TZ, now=NOW)


def test_two_digit_year_dates_in_a_dede_list() -> None:
    html = """<html><head><title>新闻</title></head><body><ul class="list">
<li><h4><a href="/a/xinwen/2017/0502/34.html">第一篇</a></h4><span class="date">14-12-25</span></li>
<li><h4><a href="/a/xinwen/2017/0502/33.html">第二篇</a></h4><span class="date">08-03-14</span></li>
</ul></body></html>"""
    got = extract_list(html, "http://www.example.org/a/xinwen/", tz=TZ, now=NOW)
    assert [i.published for i in got.items] == [
        datetime(2014, 12, 25, tzinfo=TZ),
        datetime(2008, 3, 14, tzinfo=TZ),
    ]


def test_a_list_after_an_early_html_close_is_found() -> None:
    html = (
        "<html><head><title>科技要闻</title></head><body><div>页头</div></body></html>"
        "<ul><li><a href='/Article/kjyw/202303/2603.html'>甲地科技成果转化</a> 2023-03-01</li>"
        "<li><a href='/Article/kjyw/202303/2602.html'>乙地研发投入增长</a> 2023-02-28</li></ul>"
    )
    got = extract_list(html, "http://www.zgkjcx.com/Article/kjyw/Index.html", tz=TZ, now=NOW)
    assert [i.title for i in got.items] == ["甲地科技成果转化", "乙地研发投入增长"]


def test_a_comment_beside_the_root_is_no_heading() -> None:
    # Found by the robustness test: a sibling of the root that is not an element.
    html = "</title><?xml version='1.0' encoding='gbk'?><a href='2603_2.html'>下一页"
    with pytest.raises(NotAList):
        extract_list(html, "http://www.zgkjcx.com/Article/kjyw/202303/2603.html", tz=TZ, now=NOW)


def test_boxes_of_lists_side_by_side_are_not_one_list() -> None:
    # Two sidebar boxes, each a list of its own, with the category's list empty: the
    # boxes must not read as a two-row list of their longest links.
    box = (
        "<table class='box'><tr><td>{h}</td></tr><tr><td><ul>"
        + "".join(
            f"<li><a href='/Article/ShowArticle.asp?ArticleID={i}'>"
            f"第{i}篇关于科技创新的报道标题</a> 03-0{i % 9 + 1}</li>"
            for i in range(1, 7)
        )
        + "</ul></td></tr></table>"
    )
    html = (
        "<html><head><title>科技要闻</title></head><body><table><tr>"
        f"<td class='col'>{box.format(h='阅读排行')}{box.format(h='热点新闻')}</td>"
        "<td class='main'><b>科技要闻</b><p>没有任何文章</p></td></tr></table></body></html>"
    )
    with pytest.raises(NotAList):
        extract_list(html, "http://www.zgkjcx.com/Article/kjyw/Index.html", tz=TZ, now=NOW)
