# ruff: noqa: E501 - page templates and story paragraphs are kept one line each, as served
"""Generated list pages, one or two per family, with the expected items beside each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from build_corpus import LISTS, head
from pagekit import TZ, write_case
from stories import Story

Row = tuple[str, str, datetime]  # url, full title, date


def _items(rows: list[Row], timed: bool = False, dated: bool = True) -> list[dict[str, Any]]:
    return [
        {
            "url": u,
            "title": t,
            "published": (d if timed else d.replace(hour=0, minute=0, second=0)).isoformat()
            if dated
            else None,
        }
        for u, t, d in rows
    ]


def _cut(title: str, n: int = 14) -> str:
    return title if len(title) <= n else title[:n] + "…"


def _write(
    name: str,
    html: str,
    url: str,
    rows: list[dict[str, Any]],
    nxt: str | None,
    charset: str = "utf-8",
    header: str | None = "text/html",
    now: str = "2026-11-26T12:00:00+08:00",
) -> None:
    enc = "utf-8" if charset == "utf-8" else "gb18030"
    write_case(
        LISTS,
        name,
        html,
        url=url,
        charset=enc,
        content_type=header,
        expected={"url": url, "items": rows, "next_page": nxt},
        encoding=enc,
        now=now,
    )


def pe_showtype1(s: tuple[Story, ...]) -> None:
    dates = [
        datetime(2027, 1, 2, 9, 30, tzinfo=TZ),
        datetime(2027, 1, 1, 16, 5, tzinfo=TZ),
        datetime(2026, 12, 31, 10, 0, tzinfo=TZ),
        datetime(2026, 12, 30, 8, 15, tzinfo=TZ),
        datetime(2026, 12, 28, 11, 40, tzinfo=TZ),
    ]
    rows = [
        (f"http://www.zgkjcx.com/Article/kjyw/{d:%Y%m}/{3100 - i}.html", s[i].title, d)
        for i, d in enumerate(dates)
    ]
    lines = "".join(
        f'<img src="/Article/images/article_common.gif" alt="普通文章">&nbsp;[<a href="/Article/kjyw/Index.html">科技要闻</a>]&nbsp;'
        f'<a href="/Article/kjyw/{d:%Y%m}/{3100 - i}.html" title="文章标题：{t}&#13;&#10;作&nbsp;&nbsp;&nbsp;&nbsp;者：佚名&#13;&#10;更新时间：{d.year}-{d.month}-{d.day} {d.hour}:{d.minute:02d}:00" target="_blank">{_cut(t)}</a>'
        f"&nbsp;（佚名，{d:%m-%d}，{100 + i}）<br />\n"
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        head("中国科技创新网 >> 文章中心 >> 科技要闻", "gb2312")
        + f"""<body>
<table width="760" align="center"><tr><td><a href="/">首页</a> | <a href="/Article/kjyw/Index.html">科技要闻</a> | <a href="/Article/kjrw/Index.html">科技人物</a></td></tr></table>
<table width="760" align="center"><tr><td class="main_title_575"><b>科技要闻文章列表</b></td></tr>
<tr><td class="main_tdbg_575">{lines}<div class="showpage">共 <b>1234</b> 篇文章&nbsp;&nbsp;首页 | 上一页 | <font color="FF0000">1</font> <a href="/Article/kjyw/List_61.html">2</a> | <a href="/Article/kjyw/List_61.html">下一页</a> | <a href="/Article/kjyw/List_1.html">尾页</a>&nbsp;<b>20</b>篇文章/页</div></td></tr></table>
<div class="footer">联系邮箱：zgkjcx08@126.com</div></body></html>"""
    )
    _write(
        "gen_pe_showtype1_newyear",
        html,
        "http://www.zgkjcx.com/Article/kjyw/Index.html",
        _items(rows, timed=True),
        "http://www.zgkjcx.com/Article/kjyw/List_61.html",
        charset="gb2312",
        now="2027-01-03T10:00:00+08:00",
    )


def pe_monthday(s: tuple[Story, ...]) -> None:
    dates = [datetime(2026, 3, 9 - i, tzinfo=TZ) for i in range(6)]
    rows = [
        (f"http://www.zgkjcx.com/Article/ShowArticle.asp?ArticleID={2900 - i}", s[5 + i].title, d)
        for i, d in enumerate(dates)
    ]
    trs = "".join(
        f'<tr><td width="10" class="{("listbg", "listbg2")[i % 2]}"><img src="/Article/images/article_common.gif"></td>'
        f'<td class="{("listbg", "listbg2")[i % 2]}"><a class="listA" href="ShowArticle.asp?ArticleID={2900 - i}" title="{t}">{_cut(t, 12)}</a></td>'
        f'<td align="right" class="{("listbg", "listbg2")[i % 2]}" width="60">{d.month}月{d.day}日</td></tr>\n'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        head("科技人物", "gbk")
        + f"""<body>
<table width="760" align="center"><tr><td width="180" valign="top"><table><tr><td>栏目导航</td></tr><tr><td><a href="ShowClass.asp?ClassID=1">科技要闻</a><br><a href="ShowClass.asp?ClassID=5">科技人物</a></td></tr></table>
<table><tr><td>推荐文章</td></tr><tr><td><a href="ShowArticle.asp?ArticleID=2500">推荐：科研诚信建设的新要求</a> 02-01<br><a href="ShowArticle.asp?ArticleID=2490">推荐：创新主体培育政策汇编</a> 01-28</td></tr></table></td>
<td valign="top"><table width="100%">{trs}</table>
<div class="show_page">共 <b>240</b> 篇文章 首页 | 上一页 | <font color="FF0000">1</font> <a href='ShowClass.asp?ClassID=5&page=2'>2</a> <a href='ShowClass.asp?ClassID=5&page=3'>3</a> | <a href='ShowClass.asp?ClassID=5&page=2'>下一页</a> | <a href='ShowClass.asp?ClassID=5&page=12'>尾页</a> <b>20</b>篇文章/页 转到第<input name='page' size='3'>页</div></td></tr></table>
</body></html>"""
    )
    _write(
        "gen_pe_monthday",
        html,
        "http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=5",
        _items(rows),
        "http://www.zgkjcx.com/Article/ShowClass.asp?ClassID=5&page=2",
        charset="gbk",
    )


def hanweb(s: tuple[Story, ...]) -> None:
    dates = [datetime(2023, 3, 8 - i, tzinfo=TZ) for i in range(7)]
    rows = [
        (f"http://kjt.zj.gov.cn/art/2023/3/{d.day}/art_1229_{5890000 - i}.html", s[i + 2].title, d)
        for i, d in enumerate(dates)
    ]
    records = "\n".join(
        f'<record><![CDATA[<li><a href="/art/2023/3/{d.day}/art_1229_{5890000 - i}.html" title="{t}" target="_blank">{_cut(t, 16)}</a><span>{d:%Y-%m-%d}</span></li>]]></record>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        head("工作动态 浙江省科学技术厅", "utf-8")
        + f"""<body>
<div class="nav"><a href="/">首页</a><a href="/col/col1229/index.html">工作动态</a><a href="/col/col1230/index.html">通知公告</a></div>
<div class="main"><div class="lm_title">工作动态</div>
<div id="4013456"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&appid=1&webid=3136&path=/&columnid=1229&unitid=4013456&webname=浙江省科学技术厅&permissiontype=0"></a>]]></nextgroup><recordset>
{records}
</recordset></datastore></script></div></div>
<div class="side"><h3>热点关注</h3><ul><li><a href="/art/2023/2/1/art_1230_5880000.html">2023年科技工作要点</a><span>2023-02-01</span></li></ul></div>
<div class="footer">浙江省科学技术厅 主办</div></body></html>"""
    )
    _write(
        "gen_hanweb_xml", html, "http://kjt.zj.gov.cn/col/col1229/index.html", _items(rows), None
    )


HANWEB_PROXY = "http://kjt.zj.gov.cn/module/web/jpage/dataproxy.jsp"
# The column as the <nextgroup> link names it, webname percent-encoded as UTF-8.
HANWEB_COLUMN = (
    "appid=1&webid=3136&path=/&columnid=1229&unitid=4013456"
    "&webname=%E6%B5%99%E6%B1%9F%E7%9C%81%E7%A7%91%E5%AD%A6%E6%8A%80%E6%9C%AF%E5%8E%85"
    "&permissiontype=0"
)
HANWEB_NEXTGROUP = '<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&appid=1&webid=3136&path=/&columnid=1229&unitid=4013456&webname=浙江省科学技术厅&permissiontype=0"></a>]]></nextgroup>'


def hanweb_paged(s: tuple[Story, ...]) -> None:
    """A column of 19 records shown 4 a page, 2 pages a group (perPage 4, groupSize 2):
    the column page holds records 1-8, dataproxy.jsp answers 9-16, then 17-19."""
    total = 19
    dates = [datetime(2023, 3, 10, tzinfo=TZ) - timedelta(days=2 * i) for i in range(total)]
    rows = [
        (
            f"http://kjt.zj.gov.cn/art/{d.year}/{d.month}/{d.day}/art_1229_{5891000 - i}.html",
            s[i].title,
            d,
        )
        for i, d in enumerate(dates)
    ]

    def records(first: int, last: int, quote: str) -> str:
        return "\n".join(
            f"<record><![CDATA[<li><a href={quote}/art/{d.year}/{d.month}/{d.day}/art_1229_{5891000 - i}.html{quote} title={quote}{t}{quote} target={quote}_blank{quote}>{_cut(t, 16)}</a><span>{d:%Y-%m-%d}</span></li>]]></record>"
            for i, (u, t, d) in enumerate(rows)
            if first <= i + 1 <= last
        )

    column = "http://kjt.zj.gov.cn/col/col1229/index.html"
    html = (
        head("工作动态 浙江省科学技术厅", "utf-8")
        + f"""<body>
<div class="nav"><a href="/">首页</a><a href="/col/col1229/index.html">工作动态</a><a href="/col/col1230/index.html">通知公告</a></div>
<div class="main"><div class="lm_title">工作动态</div>
<div id="4013456"><script type="text/xml"><datastore>{HANWEB_NEXTGROUP}<recordset>
{records(1, 8, '"')}
</recordset></datastore></script></div>
<script type="text/javascript" src="/module/jslib/jquery/jpage/jquery.jpage.js"></script>
<script>$(function(){{$('#4013456').jpage({{themeName:'default',showMode:'full',totalRecord:{total},openCookies:false,dataStore:$('#4013456 datastore'),groupSize:2,proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:4,barPosition:'bottom'}});}});</script>
</div>
<div class="side"><h3>热点关注</h3><ul><li><a href="/art/2023/2/1/art_1230_5880000.html">2023年科技工作要点</a><span>2023-02-01</span></li></ul></div>
<div class="footer">浙江省科学技术厅 主办</div></body></html>"""
    )
    middle = f"{HANWEB_PROXY}?startrecord=9&endrecord=16&perpage=4&{HANWEB_COLUMN}"
    last = f"{HANWEB_PROXY}?startrecord=17&endrecord=24&perpage=4&{HANWEB_COLUMN}"
    _write("gen_hanweb_jpage_first", html, column, _items(rows[:8]), middle)

    def answer(first: int, last_record: int) -> str:
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<datastore>
{HANWEB_NEXTGROUP}
<recordset>
{records(first, last_record, "'")}
</recordset>
<totalrecord>{total}</totalrecord>
<totalpage>{-(-total // 4)}</totalpage>
</datastore>
"""

    xml = "text/xml;charset=UTF-8"
    _write("gen_hanweb_proxy_middle", answer(9, 16), middle, _items(rows[8:16]), last, header=xml)
    _write("gen_hanweb_proxy_last", answer(17, 24), last, _items(rows[16:]), None, header=xml)


def trs(s: tuple[Story, ...], last: bool) -> None:
    folder = "https://www.most.gov.cn/kjbgz/"
    count = 1 if last else 6
    dates = [datetime(2023, 2, 20 - i, tzinfo=TZ) for i in range(count)]
    rows = [
        (f"{folder}{d:%Y%m}/t{d:%Y%m%d}_{184000 + i}.html", s[9 + i].title, d)
        for i, d in enumerate(dates)
    ]
    lis = "\n".join(
        f'<li><a href="./{d:%Y%m}/t{d:%Y%m%d}_{184000 + i}.html" target="_blank" title="{t}">{t}</a><span>[{d:%Y-%m-%d}]</span></li>'
        for i, (u, t, d) in enumerate(rows)
    )
    page = "index_4.html" if last else "index.html"
    call = (
        'createPageHTML(5, 4, "index", "html");'
        if last
        else 'createPageHTML(5, 0, "index", "html");'
    )
    html = (
        head("科技部工作_中华人民共和国科学技术部", "utf-8")
        + f"""<body>
<div class="header"><ul><li><a href="/">首页</a></li><li><a href="/xxgk/">信息公开</a></li><li><a href="/kjbgz/">科技部工作</a></li></ul></div>
<div class="location">当前位置：<a href="../">首页</a> &gt; 科技部工作</div>
<div class="list-main"><ul class="list">
{lis}
</ul><div class="page"><script>{call}</script></div></div>
<div class="right"><h3>热点专题</h3><ul><li><a href="/ztzl/2023kjz/index.html">2023年全国科技活动周</a></li></ul></div>
<div class="footer">主办单位：科学技术部</div></body></html>"""
    )
    nxt = None if last else folder + "index_1.html"
    _write(
        "gen_trs_last_single" if last else "gen_trs_first", html, folder + page, _items(rows), nxt
    )


def dede(s: tuple[Story, ...]) -> None:
    dates = [datetime(2023, 3, 9, 10 - i, 5 * i, tzinfo=TZ) for i in range(5)]
    rows = [
        (f"http://www.kjxw.cn/a/kjyw/2023/0309/{150 - i}.html", s[i + 11].title, d)
        for i, d in enumerate(dates)
    ]
    lis = "\n".join(
        f'<li><a href="/a/kjyw/2023/0309/{150 - i}.html" class="title">{t}</a><span class="info"><small>日期：</small>{d:%Y-%m-%d %H:%M:%S}<small>点击：</small>{30 + i}<small>好评：</small>0</span><p class="intro">{t}。详细内容请点击阅读全文……</p></li>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        head("科技要闻_科技新闻网", "gbk")
        + f"""<body>
<div class="header"><div class="nav"><a href="/">主页</a> <a href="/a/kjyw/">科技要闻</a> <a href="/a/kjzc/">科技政策</a></div></div>
<div class="w960"><div class="pleft"><div class="place"><strong>当前位置:</strong> <a href="/">主页</a> &gt; <a href="/a/kjyw/">科技要闻</a> &gt;</div>
<div class="listbox"><ul class="e2">
{lis}
</ul></div>
<div class="dede_pages"><ul class="pagelist"><li><span class="pageinfo">共 <strong>8</strong>页<strong>152</strong>条</span></li><li><a>首页</a></li><li class="thisclass">1</li><li><a href="list_5_2.html">2</a></li><li><a href="list_5_3.html">3</a></li><li><a href="list_5_2.html">下一页</a></li><li><a href="list_5_8.html">末页</a></li></ul></div></div>
<div class="pright"><dl class="tbox"><dt><strong>推荐内容</strong></dt><dd><ul class="d1"><li><a href="/a/kjyw/2023/0228/110.html">我国科技论文数量连续多年居世界前列</a><span>2023-02-28</span></li><li><a href="/a/kjyw/2023/0227/108.html">科研经费管理改革释放创新活力</a><span>2023-02-27</span></li><li><a href="/a/kjyw/2023/0226/107.html">国产大飞机交付首家用户</a><span>2023-02-26</span></li></ul></dd></dl></div></div>
<div class="footer">Powered by DedeCMS</div></body></html>"""
    )
    _write(
        "gen_dede_list",
        html,
        "http://www.kjxw.cn/a/kjyw/",
        _items(rows, timed=True),
        "http://www.kjxw.cn/a/kjyw/list_5_2.html",
        charset="gbk",
    )


def empire(s: tuple[Story, ...]) -> None:
    dates = [datetime(2023, 3, 10 - i, tzinfo=TZ) for i in range(6)]
    rows = [
        (f"http://www.kjzx.org/news/kjdt/{d:%Y-%m-%d}/{260 - i}.html", s[19 - i].title, d)
        for i, d in enumerate(dates)
    ]
    trs = "\n".join(
        f'<tr><td width="85%" height="25" class="list_title">·<a href="/news/kjdt/{d:%Y-%m-%d}/{260 - i}.html" target="_blank" title="{t}">{_cut(t, 15)}</a></td><td class="list_date">{d:%m-%d}</td></tr>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        head("科技动态 - 科技资讯网", "gb2312")
        + f"""<body>
<table width="960" class="header"><tr><td><a href="/">网站首页</a> | <a href="/news/">新闻中心</a> | <a href="/news/kjdt/">科技动态</a></td></tr></table>
<table width="960" class="position"><tr><td>您当前的位置：<a href="/">首页</a>&nbsp;>&nbsp;<a href="/news/">新闻中心</a>&nbsp;>&nbsp;<a href="/news/kjdt/">科技动态</a></td></tr></table>
<table width="960"><tr><td width="700" valign="top"><table width="100%" class="box">{trs}</table>
<div class="list_page"><a title="Total record">&nbsp;<b>142</b> </a>&nbsp;&nbsp;<b>1</b>&nbsp;<a href="/news/kjdt/index_2.html">2</a>&nbsp;<a href="/news/kjdt/index_3.html">3</a>&nbsp;<a href="/news/kjdt/index_2.html">下一页</a>&nbsp;<a href="/news/kjdt/index_8.html">尾页</a></div></td>
<td width="250" valign="top"><table class="box"><tr><td class="boxtitle">热门排行</td></tr><tr><td><a href="/news/kjdt/2023-02-20/150.html">一季度科技工作要点发布</a> 02-20<br><a href="/news/kjdt/2023-02-18/149.html">科研人员减负行动取得成效</a> 02-18</td></tr></table></td></tr></table>
<table width="960" class="copyright"><tr><td>Powered by EmpireCMS</td></tr></table></body></html>"""
    )
    _write(
        "gen_empire_list",
        html,
        "http://www.kjzx.org/news/kjdt/",
        _items(rows),
        "http://www.kjzx.org/news/kjdt/index_2.html",
        charset="gb2312",
        header="text/html; charset=utf-8",
        now="2023-03-12T09:00:00+08:00",
    )


def phpcms(s: tuple[Story, ...]) -> None:
    base = "http://www.sxkj.org.cn/index.php?m=content&c=index&a=show&catid=6&id="
    dates = [datetime(2023, 3, 9 - i, 9, 0, tzinfo=TZ) for i in range(5)]
    rows = [(f"{base}{330 - i}", s[i].title, d) for i, d in enumerate(dates)]
    lis = "\n".join(
        f'<li><span class="rt">{d:%Y-%m-%d}</span>·<a href="{u}" target="_blank">{t}</a></li>'
        for u, t, d in rows
    )
    lst = "http://www.sxkj.org.cn/index.php?m=content&c=index&a=lists&catid=6"
    html = (
        head("科技要闻 - 陕西科技网", "utf-8")
        + f"""<body>
<div class="header"><div class="nav"><a href="/">首页</a><a href="{lst}">科技要闻</a></div></div>
<div class="main"><div class="col-left"><div class="crumbs"><a href="/">首页</a><span> &gt; </span><a href="{lst}">科技要闻</a> &gt;  列表</div>
<ul class="list lh24 f14">
{lis}
</ul><div id="pages" class="text-c"><a class="a1">30条</a> <a href="{lst}&amp;page=0" class="a1">上一页</a> <span>1</span> <a href="{lst}&amp;page=2">2</a> <a href="{lst}&amp;page=2" class="a1">下一页</a></div></div>
<div class="col-auto"><div class="box"><h5 class="title-2">频道总排行</h5><ul class="content digg"><li><a href="{base}250">秦创原平台入驻企业突破五百家</a></li><li><a href="{base}251">陕西技术合同成交额创新高</a></li></ul></div></div></div>
<div class="footer">陕西科技网</div></body></html>"""
    )
    _write("gen_phpcms_list", html, lst, _items(rows), lst + "&page=2")


def modern(s: tuple[Story, ...]) -> None:
    dates = [datetime(2023, 3, 10, 18 - i, 30, tzinfo=TZ) for i in range(5)]
    rows = [
        (f"https://www.stdaily.com/index/kejixinwen/202303/{i}b{i}c.shtml", s[i + 4].title, d)
        for i, d in enumerate(dates)
    ]
    arts = "\n".join(
        f'<article class="card"><h3><a href="/index/kejixinwen/202303/{i}b{i}c.shtml">{t}</a></h3><p class="summary">{s[i + 4].paragraphs[0][:40]}……</p><time datetime="{d.isoformat()}">{d:%Y-%m-%d %H:%M}</time></article>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>科技新闻 | 中国科技网</title></head><body>'
        f"""<header><nav><a href="/">首页</a><a href="/index/kejixinwen/">科技新闻</a></nav></header>
<main><section class="news-list">
{arts}
</section><nav class="pagination"><a href="/index/kejixinwen/index_2.shtml">下一页</a></nav></main>
<aside><h3>热门推荐</h3><ul><li><a href="/index/kejixinwen/202302/aa1.shtml">嫦娥七号任务进展顺利</a><time>2023-02-27</time></li><li><a href="/index/kejixinwen/202302/aa2.shtml">天宫空间站开展新一批实验</a><time>2023-02-26</time></li></ul></aside>
<footer>中国科技网</footer></body></html>"""
    )
    _write(
        "gen_modern_list",
        html,
        "https://www.stdaily.com/index/kejixinwen/",
        _items(rows, timed=True),
        "https://www.stdaily.com/index/kejixinwen/index_2.shtml",
    )


def legacy(s: tuple[Story, ...]) -> None:
    dates = [datetime(2023, 3, 6 - i, tzinfo=TZ) for i in range(5)]
    rows = [
        (f"http://www.hbkjt.gov.cn/news/show.asp?id={4100 - i}", s[i + 14].title, d)
        for i, d in enumerate(dates)
    ]
    trs = "\n".join(
        f'<tr><td height="24"><img src="../images/dot.gif"> <a href="show.asp?id={4100 - i}" target="_blank"><font color="#333333">{t}</font></a></td><td width="100"><font color="#999999">{d:[%Y-%m-%d]}</font></td></tr>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        head("湖北省科学技术厅--科技动态", "gb2312")
        + f"""<body>
<table width="778" align="center"><tr><td><a href="../index.asp">首页</a> | <a href="list.asp?classid=1">科技动态</a> | <a href="list.asp?classid=2">通知公告</a></td></tr></table>
<table width="778" align="center"><tr><td width="200" valign="top"><table><tr><td><b>最新公告</b></td></tr><tr><td><a href="show.asp?id=3990">关于开展2023年度项目申报的通知</a><br><a href="show.asp?id=3989">关于公布科技奖励结果的公告</a></td></tr></table></td>
<td valign="top"><table width="100%">{trs}</table>
<table width="100%"><tr><td align="center">共45条 每页15条 第1页/共3页 首页 上一页 <a href="list.asp?classid=1&page=2">下一页</a> <a href="list.asp?classid=1&page=3">尾页</a></td></tr></table></td></tr></table>
</body></html>"""
    )
    _write(
        "gen_legacy_list",
        html,
        "http://www.hbkjt.gov.cn/news/list.asp?classid=1",
        _items(rows),
        "http://www.hbkjt.gov.cn/news/list.asp?classid=1&page=2",
        charset="gb2312",
    )


BUILDERS: tuple[Callable[[tuple[Story, ...]], None], ...] = (
    pe_showtype1,
    pe_monthday,
    hanweb,
    hanweb_paged,
    dede,
    empire,
    phpcms,
    modern,
    legacy,
)


def main(s: tuple[Story, ...], when: list[datetime]) -> None:
    for build in BUILDERS:
        build(s)
    trs(s, last=False)
    trs(s, last=True)
