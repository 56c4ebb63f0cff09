"""The replica portal over real HTTP: bytes, layout, pagination, validators and controls."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime, parsedate_to_datetime
from urllib.error import HTTPError
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from syndicator.demo.portal import ReplicaPortal

SHANGHAI = ZoneInfo("Asia/Shanghai")
GBK_ONLY = "镕堃喆旻"
META = b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("gb18030")

    def tree(self) -> lxml.html.HtmlElement:
        return lxml.html.fromstring(self.text)


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Reply:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return Reply(response.status, response.headers, response.read())
    except HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


@pytest.fixture(scope="module")
def shared() -> Iterator[ReplicaPortal]:
    """A portal the read-only tests share; tests that change content use ``portal``."""
    fixed = datetime(2023, 3, 20, 9, 30, tzinfo=SHANGHAI)
    with ReplicaPortal(now=lambda: fixed) as server:
        yield server


def list_rows(reply: Reply) -> list[tuple[str, str]]:
    """(href, title attribute) of the main list's article links."""
    return [(a.get("href"), a.get("title")) for a in reply.tree().cssselect("a.listA")]


def next_link(reply: Reply, css: str) -> str | None:
    pager = reply.tree().cssselect(f"div.{css}")[0]
    links = [a.get("href") for a in pager.iter("a") if a.text_content() == "下一页"]
    return links[0] if links else None


def walk(start: str, css: str) -> tuple[list[str], list[str]]:
    """Follow 下一页 from ``start``; returns visited page URLs and article URLs in order."""
    pages, items, url = [], [], start
    while url is not None:
        assert url not in pages, f"pager loops back to {url}"
        pages.append(url)
        reply = fetch(url)
        assert reply.status == 200
        items += [urljoin(url, href) for href, _ in list_rows(reply)]
        found = next_link(reply, css)
        url = urljoin(url, found) if found else None
    return pages, items


# ---------------------------------------------------------------- bytes and encoding


def test_every_html_page_is_gbk_declared_gb2312_and_served_without_charset(
    shared: ReplicaPortal,
) -> None:
    base = shared.base_url
    urls = [
        base,
        base + "Article/Index.html",
        shared.list_url("kjyw"),
        shared.list_url("kjrw"),
        shared.articles("kjyw")[0].url,
        shared.articles("kjcg")[0].url,
    ]
    for url in urls:
        reply = fetch(url)
        assert reply.status == 200
        assert META in reply.body
        assert reply.headers["Content-Type"] == "text/html"
        assert "\ufffd" not in reply.body.decode("gb18030")


def test_gbk_only_characters_near_the_end_of_the_body(shared: ReplicaPortal) -> None:
    part2 = fetch(shared.base_url + "Article/kjyw/202303/2603_2.html")
    with pytest.raises(UnicodeDecodeError):
        part2.body.decode("gb2312")
    text = part2.text
    body_end = text.index("文章录入")
    last_gbk = max(text.rfind(ch, 0, body_end) for ch in GBK_ONLY)
    assert last_gbk > 0
    assert body_end - last_gbk < 200, "a GBK-only character must sit near the end of the body"
    assert any(ch in "".join(shared.article(2603).paragraphs) for ch in GBK_ONLY)


def test_emoji_title_travels_as_numeric_reference_and_markup_is_escaped(
    shared: ReplicaPortal,
) -> None:
    tricky = next(a for a in shared.articles("kjyw") if "🚀" in a.title)
    assert "&" in tricky.title and "<" in tricky.title
    page = fetch(tricky.url)
    assert b"&#128640;" in page.body
    assert "R&amp;D" in page.text and "&lt;智能+&gt;" in page.text
    title_cell = page.tree().cssselect("td.main_ArticleTitle")[0]
    assert title_cell.text_content() == tricky.title
    listing = fetch(shared.list_url("kjyw"))
    titles = [t for _, t in list_rows(listing)]
    assert any(t.startswith(f"文章标题：{tricky.title}\r\n") for t in titles)


# ---------------------------------------------------------------- article pages


def test_customised_article_page_follows_the_real_template(shared: ReplicaPortal) -> None:
    article = shared.article(2603)
    assert article.url == shared.base_url + "Article/kjyw/202303/2603.html"
    assert article.published == datetime(2023, 3, 1, 14, 47, tzinfo=SHANGHAI)
    page = fetch(article.url)
    text, tree = page.text, page.tree()
    assert "您现在的位置:&nbsp;<a class='LinkPath' href='/'>中国科技创新网</a>" in text
    assert "&nbsp;&gt;&nbsp;文章正文</td>" in text
    assert "日期:&nbsp;2023年03月01日&nbsp;14:47&nbsp;&nbsp;来源:<a href='/ShowCopyFrom.asp" in text
    assert "GetHits.asp?ArticleID=2603" in text
    assert "文章录入：zgkjcx&nbsp;&nbsp;&nbsp;&nbsp;责任编辑：zgkjcx" in text
    assert (
        "<p align='center'><b><font color='red'>[1]</font>&nbsp;<a href='2603_2.html'>[2]"
        "</a>&nbsp;<a href='2603_2.html'>下一页</a></b></p>"
    ) in text
    assert tree.cssselect("td.left_title")[0].text_content() == "热门文章"
    assert "京ICP备13040577号-2" in text and "版权所有" in text
    srcs = [img.get("src") for img in tree.cssselect("#fontzoom img")]
    assert srcs == ["../../UploadFiles_7788/202303/20230301144701.jpg"]


def test_parts_join_to_the_truth_and_images_resolve(shared: ReplicaPortal) -> None:
    for article in (shared.article(2603), *[a for a in shared.articles("kjcg") if a.parts > 1]):
        urls = [article.url]
        if article.url.endswith(".html"):
            urls.append(article.url.replace(".html", "_2.html"))
        else:
            urls.append(article.url + "&Page=2")
        paragraphs, images = [], []
        for url in urls:
            cell = fetch(url).tree().cssselect("#fontzoom")[0]
            for p in cell.iter("p"):
                words = p.text_content()
                if words.startswith("\u3000\u3000"):
                    paragraphs.append(words.strip("\u3000"))
            images += [urljoin(url, img.get("src")) for img in cell.iter("img")]
        assert tuple(paragraphs) == article.paragraphs
        assert tuple(images) == article.images
        for image in images:
            reply = fetch(image)
            assert (reply.status, reply.headers["Content-Type"]) == (200, "image/gif")
    assert any(a.parts > 1 for a in shared.articles("kjcg"))


@pytest.mark.parametrize("slug", ["kjyw", "dfkj", "kjcg", "kjrw"])
def test_every_article_page_shows_its_truth(shared: ReplicaPortal, slug: str) -> None:
    for article in shared.articles(slug):
        reply = fetch(article.url)
        assert reply.status == 200
        tree = reply.tree()
        assert tree.cssselect("td.main_ArticleTitle")[0].text_content() == article.title
        info = tree.cssselect("td.Article_tdbgall")[0].text_content().replace("\xa0", " ")
        when = article.published
        if article.date_only:
            assert f"更新时间：{when.year}-{when.month}-{when.day}" in info
            assert ("作者：" + (article.author or "")) in info or "佚名" in info
            assert tree.cssselect("td.main_title_760")[0].text_content().endswith("正文")
        else:
            assert f"日期: {when:%Y年%m月%d日} {when:%H:%M}" in info
        assert (article.source or "本站原创") in info
        first = tree.cssselect("#fontzoom p")[0].text_content()
        assert first == "\u3000\u3000" + article.paragraphs[0]


def test_stock_article_page_uses_the_siteweaver_info_line(shared: ReplicaPortal) -> None:
    article = next(a for a in shared.articles("kjrw") if a.author is not None)
    text = fetch(article.url).text
    pad = "&nbsp;" * 4
    when = article.published
    assert f"作者：<a href='ShowAuthor.asp?ChannelID=1&AuthorName={article.author}'" in text
    assert f"{pad}文章来源：" in text and f"{pad}点击数：<script" in text
    assert f"{pad}更新时间：{when.year}-{when.month}-{when.day}{pad}" in text
    assert "您现在的位置：" in text and "&nbsp;&gt;&gt;&nbsp;正文" in text
    anonymous = [a for a in shared.articles("kjrw") + shared.articles("kjcg") if a.author is None]
    assert anonymous, "some stock articles must carry the 佚名 placeholder"
    assert "作者：佚名" in fetch(anonymous[0].url).text


def test_neighbour_links_end_with_meiyoule(shared: ReplicaPortal) -> None:
    articles = shared.articles("kjyw")
    newest, oldest = fetch(articles[0].url).text, fetch(articles[-1].url).text
    assert "<li>下一篇文章： 没有了</li>" in newest
    assert "<li>上一篇文章： 没有了</li>" in oldest
    second = articles[1]
    assert f"更新时间：{second.published.year}-" in newest
    assert re.search(r"LinkPrevArticle' href='[^']*/" + str(second.id) + r"\.html'", newest)


# ---------------------------------------------------------------- lists and pagination


@pytest.mark.parametrize("slug", ["kjyw", "dfkj"])
def test_static_pager_chain_covers_every_article_with_reversed_numbering(
    shared: ReplicaPortal, slug: str
) -> None:
    pages, items = walk(shared.list_url(slug), "showpage")
    assert items == [a.url for a in shared.articles(slug)]
    total = len(pages)
    assert total == 3
    expected = [shared.list_url(slug)] + [
        f"{shared.base_url}Article/{slug}/List_{total - n + 1}.html" for n in range(2, total + 1)
    ]
    assert pages == expected
    assert pages[-1].endswith("/List_1.html")
    first = fetch(pages[0]).tree().cssselect("div.showpage")[0]
    assert "共 45 篇文章" in first.text_content()
    tail = [a.get("href") for a in first.iter("a") if a.text_content().strip() == "尾页"]
    assert tail == [f"/Article/{slug}/List_1.html"]


@pytest.mark.parametrize(("slug", "class_id"), [("kjrw", 5), ("kjcg", 3), ("kjyw", 1)])
def test_dynamic_pager_chain_covers_every_article(
    shared: ReplicaPortal, slug: str, class_id: int
) -> None:
    start = f"{shared.base_url}Article/ShowClass.asp?ClassID={class_id}"
    pages, items = walk(start, "show_page")
    assert pages[1] == start + "&page=2"
    truth = shared.articles(slug)
    expected = [a.url for a in truth]
    if slug == "kjyw":  # the dynamic list links the generated pages as well
        assert items == expected
    else:
        assert (
            items
            == [f"{shared.base_url}Article/ShowArticle.asp?ArticleID={a.id}" for a in truth]
            == expected
        )


def test_list_rows_carry_truncated_text_full_tooltips_and_dates(shared: ReplicaPortal) -> None:
    truth = shared.articles("kjyw")[:20]
    reply = fetch(shared.list_url("kjyw"))
    tree = reply.tree()
    rows = tree.cssselect("td.main_tdbg_575 tr")
    assert [r.cssselect("td")[1].get("class") for r in rows[:4]] == [
        "listbg",
        "listbg2",
        "listbg",
        "listbg2",
    ]
    for row, article in zip(rows, truth, strict=True):
        link = row.cssselect("a.listA")[0]
        stamp = article.published
        assert link.get("title") == (
            f"文章标题：{article.title}\r\n作\xa0\xa0\xa0\xa0者：佚名\r\n更新时间："
            f"{stamp.year}-{stamp.month}-{stamp.day} {stamp.hour}:{stamp:%M}:00"
        )
        shown = link.text_content().replace("\xa0", " ")
        assert shown == article.title or (
            shown.endswith("…") and article.title.startswith(shown[:-1])
        )
        assert row.cssselect("td")[2].text_content() == f"{stamp:%m-%d}"
    assert any(link.text_content().endswith("…") for link in tree.cssselect("a.listA"))
    assert '<font color="red">' in reply.text
    old = fetch(urljoin(shared.base_url, "/Article/kjyw/List_1.html")).text
    assert '<font color="red">' not in old.split("main_tdbg_575")[1]
    years = {a.published.year for a in shared.articles("kjyw")}
    assert years == {2022, 2023}, "year-less list dates must cross a year boundary"


def test_stock_list_layouts(shared: ReplicaPortal) -> None:
    people = fetch(shared.list_url("kjrw")).tree()
    rows = people.cssselect("div.listbg, div.listbg2")
    assert len(rows) == 20
    first = shared.articles("kjrw")[0]
    assert rows[0].text_content().endswith(f"[{first.published:%m-%d}]")
    results = fetch(shared.list_url("kjcg")).text
    top = shared.articles("kjcg")[0]
    author = top.author or "佚名"
    assert re.search(rf"\({author}，(<font color=\"red\">)?{top.published:%m-%d}", results)
    assert results.count("<br />\r\n") >= 20


def test_home_robots_hits_and_404(shared: ReplicaPortal) -> None:
    home = fetch(shared.base_url).text
    for slug in ("kjyw", "dfkj", "kjcg", "kjrw"):
        assert shared.list_url(slug).removeprefix(shared.base_url.rstrip("/")) in home
    robots = fetch(shared.base_url + "robots.txt")
    assert robots.body == b"User-agent: *\r\nDisallow: /Admin/\r\n"
    assert fetch(shared.base_url + "Article/GetHits.asp?ArticleID=2603").body == (
        b"document.write('1234');"
    )
    for path in (
        "nope.html",
        "Article/ShowArticle.asp?ArticleID=1",
        "Article/kjrw/Index.html",
        "Article/kjyw/202302/2603.html",
        "Article/kjyw/List_3.html",
    ):
        missing = fetch(shared.base_url + path)
        assert missing.status == 404, path
        assert "无法找到该页" in missing.text


def test_paths_and_parameters_are_case_insensitive_like_iis(shared: ReplicaPortal) -> None:
    assert fetch(shared.base_url + "article/KJYW/index.html").status == 200
    lower = fetch(shared.base_url + "article/showarticle.asp?articleid=2603")
    assert lower.status == 200 and "文章正文" in lower.text


# ---------------------------------------------------------------- HTTP validators


def test_static_pages_answer_304_and_dynamic_pages_carry_no_validators(
    shared: ReplicaPortal,
) -> None:
    url = shared.list_url("kjyw")
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{16}:0"', etag)
    assert fetch(url).headers["ETag"] == etag
    again = fetch(url, headers={"If-None-Match": etag})
    assert (again.status, again.body) == (304, b"")
    assert again.headers["ETag"] == etag
    assert fetch(url, headers={"If-None-Match": '"other:0"'}).status == 200
    assert fetch(url, headers={"If-Modified-Since": modified}).status == 304
    before = format_datetime(
        parsedate_to_datetime(modified).replace(year=2020).astimezone(UTC), usegmt=True
    )
    assert fetch(url, headers={"If-Modified-Since": before}).status == 200
    dynamic = fetch(shared.list_url("kjrw"), headers={"If-None-Match": "*"})
    assert dynamic.status == 200
    assert dynamic.headers["ETag"] is None and dynamic.headers["Last-Modified"] is None
    assert dynamic.headers["Content-Type"] == "text/html"


def test_head_sends_headers_only(shared: ReplicaPortal) -> None:
    url = shared.article(2603).url
    full = fetch(url)
    head = fetch(url, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(full.body))
    assert head.headers["ETag"] == full.headers["ETag"]


# ---------------------------------------------------------------- controls


def test_publish_puts_the_article_on_top_and_changes_the_list(
    portal: ReplicaPortal, clock: object
) -> None:
    url = portal.list_url("kjyw")
    before = fetch(url)
    previous_top = portal.articles("kjyw")[0]
    article = portal.publish(
        "kjyw", "新标题：测试文章", "第一段，内容。\n\n　　第二段，喆。", source="科技日报"
    )
    assert article.published == datetime(2023, 3, 20, 9, 30, tzinfo=SHANGHAI)
    assert article.id > max(
        a.id
        for c in ("kjyw", "dfkj", "kjcg", "kjrw")
        for a in portal.articles(c)
        if a.id != article.id
    )
    assert article.url == f"{portal.base_url}Article/kjyw/202303/{article.id}.html"
    assert article.paragraphs == ("第一段，内容。", "第二段，喆。")
    assert portal.articles("kjyw")[0] == article
    after = fetch(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert list_rows(after)[0][0] == f"/Article/kjyw/202303/{article.id}.html"
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )
    page = fetch(article.url)
    assert "日期:&nbsp;2023年03月20日&nbsp;09:30&nbsp;&nbsp;来源:" in page.text
    assert f"{article.id}.html" in fetch(previous_top.url).text  # its 下一篇 now


def test_publish_converts_times_to_shanghai_and_generates_missing_fields(
    portal: ReplicaPortal,
) -> None:
    when = datetime(2023, 3, 31, 17, 30, 45, tzinfo=UTC)
    article = portal.publish("dfkj", when=when)
    assert article.published == datetime(2023, 4, 1, 1, 30, tzinfo=SHANGHAI)
    assert "/Article/dfkj/202304/" in article.url
    assert article.title and article.paragraphs and article.source
    assert "2023年04月01日&nbsp;01:30" in fetch(article.url).text
    stock = portal.publish("kjrw", "人物专访", "一段。", author="李四", source="本站原创")
    assert stock.url.endswith(f"ShowArticle.asp?ArticleID={stock.id}")
    assert (stock.author, stock.source, stock.date_only) == ("李四", None, True)
    assert "文章来源：本站原创" in fetch(stock.url).text


def test_edit_changes_the_bytes_behind_the_same_url(portal: ReplicaPortal, clock: object) -> None:
    target = portal.articles("kjyw")[3]
    before = fetch(target.url)
    edited = portal.edit(target.id, body="更正后的内容，全文如下。")
    assert (edited.url, edited.paragraphs) == (target.url, ("更正后的内容，全文如下。",))
    after = fetch(target.url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status == 200
    assert "更正后的内容" in after.text and after.headers["ETag"] != before.headers["ETag"]
    with pytest.raises(KeyError):
        portal.edit(99999, body="x")


def test_set_empty_renders_lists_without_rows(portal: ReplicaPortal) -> None:
    for slug in ("kjyw", "kjrw"):
        portal.set_empty(slug, True)
        reply = fetch(portal.list_url(slug))
        assert reply.status == 200 and list_rows(reply) == []
        assert "共 <b>0</b> 篇文章" in reply.text
        assert len(portal.articles(slug)) == 45
        portal.set_empty(slug, False)
        assert len(list_rows(fetch(portal.list_url(slug)))) == 20


def test_fail_next_answers_errors_then_recovers(portal: ReplicaPortal) -> None:
    url = portal.list_url("kjyw")
    portal.fail_next("/Article/kjyw/", 503, count=2, retry_after=120)
    for _ in range(2):
        failed = fetch(url)
        assert failed.status == 503 and failed.headers["Retry-After"] == "120"
    assert fetch(portal.list_url("kjrw")).status == 200
    assert fetch(url).status == 200
    portal.fail_next("ArticleID=", 500, count=5)
    portal.fail_next("List_", 404, count=5)
    portal.fail_next("anything", 500, count=0)  # cancels both
    assert fetch(portal.articles("kjrw")[0].url).status == 200
    portal.fail_next("ArticleID=", 500)
    assert fetch(portal.articles("kjrw")[0].url).status == 500
    assert fetch(portal.articles("kjrw")[0].url).status == 200


def test_request_log_records_every_answer(portal: ReplicaPortal) -> None:
    portal.reset_log()
    ok = fetch(portal.list_url("kjyw"), headers={"User-Agent": "probe/1"})
    fetch(portal.list_url("kjyw"), headers={"If-None-Match": ok.headers["ETag"]})
    fetch(portal.base_url + "missing", method="HEAD")
    log = portal.requests
    assert [(e.method, e.path, e.status) for e in log] == [
        ("GET", "/Article/kjyw/Index.html", 200),
        ("GET", "/Article/kjyw/Index.html", 304),
        ("HEAD", "/missing", 404),
    ]
    assert [e.bytes_sent for e in log] == [len(ok.body), 0, 0]
    assert log[0].headers["User-Agent"] == "probe/1"
    portal.reset_log()
    assert portal.requests == []


def test_content_is_deterministic_per_seed() -> None:
    fixed = datetime(2023, 3, 20, tzinfo=SHANGHAI)
    bodies = []
    for seed in (7, 7, 8):
        with ReplicaPortal(
            seed=seed, now=lambda: fixed, articles_per_category=5, page_size=2
        ) as server:
            bodies.append(
                fetch(server.list_url("kjyw")).body.replace(server.base_url.encode(), b"")
            )
            assert server.article(2603).title.startswith("浙江:")
    assert bodies[0] == bodies[1] != bodies[2]


@pytest.mark.slow  # starts a process
def test_cli_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "syndicator.demo.portal", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, line
        assert fetch(url.group(0) + "robots.txt").status == 200
    finally:
        process.terminate()
        process.wait(timeout=5)
