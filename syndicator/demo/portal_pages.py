"""HTML of the replica's article, list and home pages, as the CMS templates write it.

Every function returns ``str``; the caller encodes to GBK with numeric references for
what GBK lacks (emoji), which is what an ASP page with CODEPAGE=936 produces.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from syndicator.demo.portal_catalog import (
    CATEGORIES,
    EDITOR,
    PLACEHOLDER_AUTHORS,
    PLACEHOLDER_SOURCES,
    Catalog,
    Category,
    Entry,
    article_path,
    category,
)
from syndicator.demo.portal_layout import (
    CHANNEL_NAME,
    RECENT_DAYS,
    SITE_NAME,
    breadcrumb,
    custom_page,
    esc,
    link_text,
    list_url_path,
    month_day,
    short_date,
    stock_page,
    tooltip,
)

# ---------------------------------------------------------------- article pages


def article_page(catalog: Catalog, entry: Entry, part: int, *, static: bool) -> str:
    """One part of an article; ``static`` pages live three folders below the root."""
    cat = category(entry.slug)
    body = _body(entry, part, static=static)
    if cat.customised:
        main = _custom_article(catalog, cat, entry, body)
        return custom_page(f"{esc(entry.title)}_{SITE_NAME}", main, catalog)
    return stock_page(esc(entry.title), _stock_article(catalog, cat, entry, body))


def _body(entry: Entry, part: int, *, static: bool) -> str:
    starts = entry.part_starts
    first = starts[part - 1]
    end = starts[part] if part < len(starts) else len(entry.paragraphs)
    chunks: list[str] = []
    for index in range(first, end):
        chunks.append(f"<p>\u3000\u3000{esc(entry.paragraphs[index])}</p>\r\n")
        for image in (i for i in entry.images if i.after == index):
            chunks.append(
                f'<p align="center"><img src="{_image_src(image.path, static)}" border="0"></p>\r\n'
            )
    if len(starts) > 1:
        chunks.append(_part_pager(entry, part, static=static))
    return "".join(chunks)


def _image_src(path: str, static: bool) -> str:
    """Uploads are stored as "[InstallDir_ChannelDir]"-style placeholders and expanded
    per page, so one body mixes root-absolute and page-relative addresses."""
    if path.startswith("UploadFiles_"):
        return f"../../{path}" if static else path
    return f"/Article/{path}"


def _part_pager(entry: Entry, part: int, *, static: bool) -> str:
    def href(n: int) -> str:
        url = article_path(entry, n)
        return url.rsplit("/", 1)[1] if static else url.removeprefix("/Article/")

    total = len(entry.part_starts)
    items = []
    if part > 1:
        items.append(f"<a href='{href(part - 1)}'>上一页</a>")
    for n in range(1, total + 1):
        items.append(
            f"<font color='red'>[{n}]</font>" if n == part else f"<a href='{href(n)}'>[{n}]</a>"
        )
    if part < total:
        items.append(f"<a href='{href(part + 1)}'>下一页</a>")
    return "<p align='center'><b>" + "&nbsp;".join(items) + "</b></p>\r\n"


def _source_html(entry: Entry) -> str:
    if entry.source in PLACEHOLDER_SOURCES:
        return esc(entry.source)
    return (
        f"<a href='/ShowCopyFrom.asp?ChannelID=1&SourceName={esc(entry.source)}' "
        f"target='_blank'>{esc(entry.source)}</a>"
    )


def _hits_script(entry: Entry) -> str:
    return (
        f"<script language='javascript' src='/Article/GetHits.asp?ArticleID={entry.id}'></script>"
    )


def _neighbour(label: str, css: str, other: Entry | None) -> str:
    if other is None:
        return f"<li>{label}： 没有了</li>"
    return (
        f"<li>{label}： <a class='{css}' href='{article_path(other)}' "
        f"title='{tooltip(other)}'>{esc(other.title)}</a></li>"
    )


def _neighbours(catalog: Catalog, entry: Entry) -> str:
    older, newer = catalog.neighbours(entry)
    return _neighbour("上一篇文章", "LinkPrevArticle", older) + _neighbour(
        "下一篇文章", "LinkNextArticle", newer
    )


def _editor_line() -> str:
    return f"文章录入：{EDITOR}&nbsp;&nbsp;&nbsp;&nbsp;责任编辑：{EDITOR}&nbsp;"


def _custom_article(catalog: Catalog, cat: Category, entry: Entry, body: str) -> str:
    when = entry.published
    info = (
        f"日期:&nbsp;{when:%Y年%m月%d日}&nbsp;{when:%H:%M}&nbsp;&nbsp;来源:"
        f"{_source_html(entry)}&nbsp;&nbsp;&nbsp;{_hits_script(entry)}"
    )
    return (
        '<table width="760" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="center_tdbgall">\r\n'
        f'<tr><td class="main_title_760">{breadcrumb(cat, "文章正文", stock=False)}</td></tr>\r\n'
        '<tr><td class="main_ArticleTitle" align="center" height="50"><b>'
        f"{esc(entry.title)}</b></td></tr>\r\n"
        '<tr><td class="main_ArticleSubheading" align="center"></td></tr>\r\n'
        f'<tr><td class="Article_tdbgall" align="center">{info}</td></tr>\r\n'
        '<tr><td id="fontzoom" class="main_tdbg_760" valign="top">\r\n'
        f"{body}</td></tr>\r\n"
        f'<tr><td class="Article_tdbgall" align="right">{_editor_line()}</td></tr>\r\n'
        f'<tr><td class="main_tdbg_760">{_neighbours(catalog, entry)}</td></tr>\r\n'
        "</table>\r\n"
    )


def _author_html(entry: Entry) -> str:
    if entry.author in PLACEHOLDER_AUTHORS:
        return esc(entry.author)
    name = esc(entry.author)
    return f"<a href='ShowAuthor.asp?ChannelID=1&AuthorName={name}' title='{name}'>{name}</a>"


def _stock_article(catalog: Catalog, cat: Category, entry: Entry, body: str) -> str:
    pad = "&nbsp;" * 4
    info = (
        f"作者：{_author_html(entry)}{pad}文章来源：{_source_html(entry)}{pad}"
        f"点击数：{_hits_script(entry)}{pad}更新时间：{short_date(entry.published)}{pad}"
    )
    tools = (
        f'【字体：<a href="javascript:fontZoom(16)">大</a> '
        f'<a href="javascript:fontZoom(12)">小</a>】'
        f"【<a href='Print.asp?ArticleID={entry.id}' target='_blank'>打印此文</a>】"
        "【<a href='javascript:window.close();'>关闭窗口</a>】"
    )
    return (
        '<table width="760" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="center_tdbgall">\r\n'
        f'<tr><td class="main_title_760">{breadcrumb(cat, "正文", stock=True)}</td></tr>\r\n'
        f'<tr><td class="main_ArticleTitle">{esc(entry.title)}</td></tr>\r\n'
        '<tr><td class="main_ArticleSubheading"></td></tr>\r\n'
        f'<tr><td class="Article_tdbgall">{info}</td></tr>\r\n'
        '<tr><td id="fontzoom" class="main_tdbg_760">\r\n'
        f"{body}</td></tr>\r\n"
        f'<tr><td class="Article_tdbgall" align="right">{_editor_line()}</td></tr>\r\n'
        f'<tr><td class="main_tdbg_760" align="right">{tools}</td></tr>\r\n'
        f'<tr><td class="main_tdbg_760">{_neighbours(catalog, entry)}</td></tr>\r\n'
        "</table>\r\n"
    )


# ---------------------------------------------------------------- list pages


def page_count(items: int, page_size: int) -> int:
    return max(1, -(-items // page_size))


def static_list_path(cat: Category, page: int, pages: int) -> str:
    """Page 1 is Index.html; the others count down, so List_1.html is the oldest page."""
    if page == 1:
        return f"/Article/{cat.slug}/Index.html"
    return f"/Article/{cat.slug}/List_{pages - page + 1}.html"


def dynamic_list_path(cat: Category, page: int) -> str:
    suffix = "" if page == 1 else f"&page={page}"
    return f"/Article/ShowClass.asp?ClassID={cat.class_id}{suffix}"


def list_page(
    catalog: Catalog, cat: Category, page: int, page_size: int, *, static: bool
) -> str | None:
    """One page of a class list, or None when the page number is out of range."""
    entries = catalog.listed(cat.slug)
    pages = page_count(len(entries), page_size)
    if not 1 <= page <= pages:
        return None
    rows = entries[(page - 1) * page_size : page * page_size]
    newest = entries[0].published if entries else None
    if static:
        pager = _pager(
            "showpage",
            len(entries),
            page,
            pages,
            page_size,
            lambda n: static_list_path(cat, n, pages),
        )
    else:
        pager = _pager(
            "show_page",
            len(entries),
            page,
            pages,
            page_size,
            lambda n: dynamic_list_path(cat, n).removeprefix("/Article/"),
        )
    listing = _rows(cat, rows, newest)
    path = breadcrumb(cat, cat.name + "文章列表", stock=not cat.customised)
    main = (
        '<table width="760" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="center_tdbgall">\r\n'
        f'<tr><td class="main_title_760">{path}</td></tr>\r\n'
        f'<tr><td class="main_title_575"><b>{cat.name}文章列表</b></td></tr>\r\n'
        f'<tr><td class="main_tdbg_575">{listing}{pager}</td></tr>\r\n</table>\r\n'
    )
    title = f"{SITE_NAME} &gt;&gt; {CHANNEL_NAME} &gt;&gt; {cat.name}"
    if cat.customised:
        return custom_page(title, main, catalog)
    return stock_page(title, main)


def _date_html(entry: Entry, newest: datetime | None) -> str:
    """Red marks items fresh relative to the newest one, i.e. to when the page was built,
    so an unchanged class keeps identical bytes."""
    text = month_day(entry.published)
    if newest is not None and newest - entry.published <= timedelta(days=RECENT_DAYS):
        return f'<font color="red">{text}</font>'
    return text


def _rows(cat: Category, rows: list[Entry], newest: datetime | None) -> str:
    if cat.show_type == 2:
        return _table_rows(cat, rows, newest)
    if cat.show_type == 5:
        return "".join(
            f'<div class="{"listbg" if i % 2 == 0 else "listbg2"}">'
            f'<img src="/Article/images/article_common.gif" alt="普通文章">'
            f'<a class="listA" href="{_href(cat, e)}" title="{tooltip(e)}" target="_blank">'
            f"{link_text(e.title)}</a>&nbsp;[{_date_html(e, newest)}]</div>\r\n"
            for i, e in enumerate(rows)
        )
    return "".join(
        f'·<a class="listA" href="{_href(cat, e)}" title="{tooltip(e)}" target="_blank">'
        f"{link_text(e.title)}</a>&nbsp;({esc(e.author)}，{_date_html(e, newest)}，{e.hits})"
        "<br />\r\n"
        for e in rows
    )


def _href(cat: Category, entry: Entry) -> str:
    path = article_path(entry)
    return path if cat.customised else path.removeprefix("/Article/")


def _table_rows(cat: Category, rows: list[Entry], newest: datetime | None) -> str:
    out = ['<table width="100%" border="0" cellpadding="0" cellspacing="0">\r\n']
    for i, e in enumerate(rows):
        bg = "listbg" if i % 2 == 0 else "listbg2"
        icon = (
            '<img src="/Article/images/article_elite.gif" alt="推荐文章">'
            if e.elite
            else '<img src="/Article/images/article_common.gif" alt="普通文章">'
        )
        out.append(
            f'<tr><td width="10" class="{bg}">{icon}</td>'
            f'<td class="{bg}"><a class="listA" href="{_href(cat, e)}" title="{tooltip(e)}" '
            f'target="_blank">{link_text(e.title)}</a></td>'
            f'<td align="right" class="{bg}" width="40">{_date_html(e, newest)}</td></tr>\r\n'
        )
    out.append("</table>\r\n")
    return "".join(out)


def _pager(
    css: str, total: int, page: int, pages: int, page_size: int, href: Callable[[int], str]
) -> str:
    def link(n: int, text: str) -> str:
        return f'<a href="{href(n)}">{text}</a>'

    first = "首页" if page == 1 else link(1, "首页")
    prev = "上一页" if page == 1 else link(page - 1, "上一页")
    nxt = "下一页" if page == pages else link(page + 1, "下一页")
    last = "尾页" if page == pages else link(pages, "尾页  ")
    low = max(1, min(page - 4, pages - 9))
    numbers = " ".join(
        f'<font color="FF0000">{n}</font>' if n == page else link(n, str(n))
        for n in range(low, min(pages, low + 9) + 1)
    )
    jump = (
        "&nbsp;&nbsp;转到第<input type='text' name='page' size='3' maxlength='5' "
        f"value='{page}'>页<input type='submit' value='GO'>"
    )
    if css == "showpage":
        jump = (
            "&nbsp;&nbsp;转到第<input type='text' id='gopage' size='3' value='"
            f"{page}'>页<input type='button' value='GO' onclick='gopage()'>"
        )
    return (
        f'<div class="{css}">共 <b>{total}</b> 篇文章&nbsp;&nbsp;{first} | {prev} | '
        f"{numbers} | {nxt} | {last}&nbsp;<b>{page_size}</b>篇文章/页{jump}</div>\r\n"
    )


# ---------------------------------------------------------------- home


def home_page(catalog: Catalog, *, channel: bool) -> str:
    """The site home and the 文章中心 channel index: every class with its newest items."""
    blocks = []
    for cat in CATEGORIES:
        items = "".join(
            f'<li><a href="{article_path(e)}" title="{esc(e.title)}" target="_blank">'
            f"{link_text(e.title)}</a>&nbsp;[{month_day(e.published)}]</li>\r\n"
            for e in catalog.listed(cat.slug)[:6]
        )
        blocks.append(
            f'<table width="100%" class="index_table"><tr><td class="index_title">{cat.name}'
            f'</td><td align="right"><a href="{list_url_path(cat)}">更多&gt;&gt;</a></td></tr>'
            f'\r\n<tr><td colspan="2"><ul>\r\n{items}</ul></td></tr></table>\r\n'
        )
    title = f"{SITE_NAME} &gt;&gt; {CHANNEL_NAME}" if channel else SITE_NAME
    return custom_page(title, "".join(blocks), catalog)
