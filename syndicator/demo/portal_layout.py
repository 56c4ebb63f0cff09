"""Page chrome of the replica portal and the small formatting rules of PowerEasy.

Two shells exist because the real site does: the portal's own templates (header with
logo and nav, left sidebar with 热门文章/推荐文章, ICP footer) for its main classes, and
the stock SiteWeaver template that the remaining dynamic classes still use.
"""

from __future__ import annotations

import html
from datetime import datetime

from syndicator.demo.portal_catalog import CATEGORIES, Catalog, Category, Entry, article_path

SITE_NAME = "中国科技创新网"
CHANNEL_NAME = "文章中心"
TITLE_UNITS = 24  # PowerEasy TitleLen, in half-width units
RECENT_DAYS = 3  # DaysOfNew: dates this close to the newest item are shown in red


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def raw_time(moment: datetime) -> str:
    """VBScript's default datetime text: no zero padding, 24-hour clock."""
    return (
        f"{moment.year}-{moment.month}-{moment.day} "
        f"{moment.hour}:{moment.minute:02d}:{moment.second:02d}"
    )


def short_date(moment: datetime) -> str:
    """FormatDateTime(x, 2) on an older Chinese Windows."""
    return f"{moment.year}-{moment.month}-{moment.day}"


def month_day(moment: datetime) -> str:
    return f"{moment:%m-%d}"


def width(text: str) -> int:
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def truncate(title: str, units: int = TITLE_UNITS) -> str:
    """Cut to ``units`` half-width units and mark the cut with "…", as GetArticleList."""
    if width(title) <= units:
        return title
    kept, used = [], 0
    for ch in title:
        used += width(ch)
        if used > units - 2:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def link_text(title: str) -> str:
    return esc(truncate(title)).replace(" ", "&nbsp;")


def tooltip(entry: Entry) -> str:
    """The ShowTips text, already escaped for a double-quoted attribute."""
    return (
        f"文章标题：{esc(entry.title)}&#13;&#10;作&nbsp;&nbsp;&nbsp;&nbsp;者："
        f"{esc(entry.author)}&#13;&#10;更新时间：{raw_time(entry.published)}"
    )


def list_url_path(cat: Category) -> str:
    if cat.customised:
        return f"/Article/{cat.slug}/Index.html"
    return f"/Article/ShowClass.asp?ClassID={cat.class_id}"


def nav_html() -> str:
    links = [
        '<a href="/" class="navA">网站首页</a>',
        f'<a href="/Article/Index.html" class="navA">{CHANNEL_NAME}</a>',
    ]
    links += [f'<a href="{list_url_path(c)}" class="navA">{c.name}</a>' for c in CATEGORIES]
    return "&nbsp;|&nbsp;".join(links)


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\r\n'
        '<html xmlns="http://www.w3.org/1999/xhtml">\r\n<head>\r\n'
        f"<title>{title}</title>\r\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\r\n'
        '<meta name="keywords" content="科技创新,科技要闻,地方科技,科技人物">\r\n'
        '<meta name="description" content="中国科技创新网">\r\n'
        '<link href="/Skin/DefaultSkin.css" rel="stylesheet" type="text/css">\r\n'
        '<script language="JavaScript" type="text/JavaScript" src="/js/menu.js"></script>\r\n'
        "</head>\r\n"
    )


def _top() -> str:
    return (
        '<body leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">\r\n'
        '<table width="960" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="top_tdbgall">\r\n<tr><td width="300"><a href="/"><img src="/images/logo.gif" '
        f'alt="{SITE_NAME}" border="0"></a></td>\r\n'
        '<td align="right"><a href="#" onclick="this.style.behavior=\'url(#default#homepage)\';'
        "this.setHomePage('http://www.zgkjcx.com/');\">设为首页</a> | "
        "<a href=\"javascript:window.external.addFavorite('http://www.zgkjcx.com/',"
        f"'{SITE_NAME}');\">加入收藏</a></td></tr>\r\n"
        f'<tr><td colspan="2" class="top_nav">{nav_html()}</td></tr>\r\n</table>\r\n'
    )


def _custom_footer() -> str:
    return (
        '<table width="960" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="bottom_tdbgall">\r\n<tr><td align="center" class="bottom_link">'
        '<a href="/About/about.html">关于我们</a> | <a href="#">加入收藏</a> | '
        '<a href="/About/contact.html">联系我们</a> | <a href="#">设为首页</a> | '
        '<a href="/About/ad.html">广告说明</a> | <a href="/About/hezuo.html">合作项目</a>'
        '</td></tr>\r\n<tr><td align="center" class="bottom_Copyright">'
        '名称:科技创新网&nbsp;工信部备案号:<a href="https://beian.miit.gov.cn/" '
        'target="_blank">京ICP备13040577号-2</a>&nbsp;&nbsp;&nbsp;&nbsp;公安备案号:11010802029847'
        "<br />版权所有:未经授权禁止复制或建立镜像&nbsp;E-Mail:zgkjcx08@126.com</td></tr>\r\n"
        "</table>\r\n</body>\r\n</html>\r\n"
    )


def _stock_footer() -> str:
    return (
        '<table width="960" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="bottom_tdbgall">\r\n<tr><td align="center" class="bottom_Copyright">'
        f"Copyright &copy; 2003-2023 {SITE_NAME} All Rights Reserved<br />"
        '站长：<a href="mailto:zgkjcx08@126.com">zgkjcx</a>&nbsp;&nbsp;'
        "京ICP备13040577号-2&nbsp;&nbsp;Powered by 动易SiteWeaver</td></tr>\r\n"
        "</table>\r\n</body>\r\n</html>\r\n"
    )


def sidebar_list(heading: str, entries: list[Entry]) -> str:
    rows = "".join(
        f'<li><a href="{article_path(e)}" title="{esc(e.title)}" target="_blank">'
        f'{link_text(e.title)}</a>&nbsp;<font color="#999999">{month_day(e.published)}'
        "</font></li>\r\n"
        for e in entries
    )
    return (
        f'<table width="100%" class="left_table"><tr><td class="left_title">{heading}'
        f'</td></tr>\r\n<tr><td class="left_tdbg1"><ul>\r\n{rows}</ul></td></tr></table>\r\n'
    )


def sidebar(catalog: Catalog) -> str:
    """热门文章 by hits and 推荐文章 (elite items) across the channel, each dated."""
    entries = catalog.all_entries()
    hot = sorted(entries, key=lambda e: (e.hits, e.id), reverse=True)[:8]
    elite = [e for e in entries if e.elite][:8]
    return sidebar_list("热门文章", hot) + sidebar_list("推荐文章", elite)


def custom_page(title: str, main: str, catalog: Catalog) -> str:
    return (
        _head(title)
        + _top()
        + '<table width="960" border="0" align="center" cellpadding="0" cellspacing="0" '
        'class="center_tdbgall">\r\n<tr><td width="200" valign="top" class="left_tdbgall">\r\n'
        + sidebar(catalog)
        + '</td>\r\n<td width="760" valign="top">\r\n'
        + main
        + "</td></tr>\r\n</table>\r\n"
        + _custom_footer()
    )


def stock_page(title: str, main: str) -> str:
    return (
        _head(title)
        + _top()
        + '<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">'
        '\r\n<tr><td valign="top">\r\n' + main + "</td></tr>\r\n</table>\r\n" + _stock_footer()
    )


def breadcrumb(cat: Category, last: str, *, stock: bool) -> str:
    """The custom template writes ">" and 文章正文; stock ASP writes ">>" and 正文."""
    sep = "&nbsp;&gt;&gt;&nbsp;" if stock else "&nbsp;&gt;&nbsp;"
    prefix = "您现在的位置：" if stock else "您现在的位置:"
    links = [
        f"<a class='LinkPath' href='/'>{SITE_NAME}</a>",
        f"<a class='LinkPath' href='/Article/Index.html'>{CHANNEL_NAME}</a>",
        f"<a class='LinkPath' href='{list_url_path(cat)}'>{cat.name}</a>",
    ]
    return prefix + "&nbsp;" + sep.join([*links, last])
