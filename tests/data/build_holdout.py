# ruff: noqa: E501 - page templates and story paragraphs are kept one line each, as served
"""Writes the HOLDOUT set (tests/data/holdout): other templates of the same families,
written from PORTALS.md alone, never tuned against the extractor.

    .venv/bin/python tests/data/build_holdout.py
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pagekit import TZ, Block, Body, article_json, show_date, write_case
from stories import STORIES, Story

OUT = Path(__file__).resolve().parent / "holdout"
ART, LST = OUT / "articles", OUT / "lists"


def _body(story: Story, root: str, rel: str, img: bool, pdf: bool) -> Body:
    blocks = [Block("p", p) for p in story.paragraphs]
    if img:
        blocks.insert(1, Block("img", "现场图片", rel + "p1.jpg", root + "p1.jpg"))
    if pdf:
        blocks.append(Block("file", "实施细则.pdf", rel + "xz.pdf", root + "xz.pdf"))
    return Body(blocks)


def _head(title: str, charset: str) -> str:
    return (
        f'<html><head><meta http-equiv="content-type" content="text/html;charset={charset}">'
        f"<title>{title}</title></head>"
    )


def pe_sitefactory(n: int, s: Story, when: datetime) -> None:
    url = f"http://www.kjcx.net/Item/{880 + n}.aspx"
    body = _body(s, "http://www.kjcx.net/UploadFiles/2023/", "/UploadFiles/2023/", True, False)
    html = (
        _head(f"{s.title}_科技创新网", "gb2312")
        + f"""<body>
<div class="top"><a href="/">网站首页</a> <a href="/Category_3/Index.aspx">新闻动态</a></div>
<div class="path">您现在的位置： <a href="/">科技创新网</a> &gt;&gt; <a href="/Category_3/Index.aspx">新闻动态</a> &gt;&gt; 正文</div>
<div class="article_title"><h2>{s.title}</h2></div>
<div class="article_info">作　者：{s.author or "未知"}　　来　源：{s.source or "本站原创"}　　发布时间：{show_date(when, "slash_sec")}　　点击数：<span id="hits"><script src="/Common/GetHits.aspx?id={880 + n}"></script></span></div>
<div id="fontzoom" class="article_content">{body.html("pe")}</div>
<div class="article_edit">责任编辑：{s.editor or "admin"}</div>
<div class="prenext"><ul><li>上一篇：<a href="/Item/{879 + n}.aspx">前一篇新闻</a></li><li>下一篇：没有了</li></ul></div>
<div class="hot"><div class="hot_title">热门文章</div><ul><li><a href="/Item/700.aspx">科技特派员制度实施二十周年</a><span>2023-02-11</span></li><li><a href="/Item/701.aspx">首批未来产业先导区名单公布</a><span>2023-02-10</span></li></ul></div>
<div class="foot">科技创新网 版权所有</div></body></html>"""
    )
    exp = article_json(
        url, s.title, when, "slash_sec", s.source, s.author, s.editor or "admin", "新闻动态", body
    )
    write_case(
        ART, f"ho_pe_{n}", html, url=url, charset="gb18030", content_type="text/html", expected=exp
    )


def hanweb(n: int, s: Story, when: datetime) -> None:
    url = f"http://kjt.ah.gov.cn/art/2023/3/{when.day}/art_5220_{8800000 + n}.html"
    body = _body(s, "http://kjt.ah.gov.cn/picture/", "/picture/", False, True)
    html = (
        _head(f"{s.title}_安徽省科学技术厅", "utf-8").replace(
            "</head>",
            f'<meta name="ArticleTitle" content="{s.title}"><meta name="PubDate" '
            f'content="{show_date(when, "iso_min")}"><meta name="ColumnName" content="科技要闻"></head>',
        )
        + f"""<body><div class="nav"><a href="/">首页</a><a href="/col/col5220/index.html">科技要闻</a></div>
<div class="wzy"><h1 class="wzy_title">{s.title}</h1>
<div class="wzy_info"><span>发布时间：{show_date(when, "iso_min")}</span><span>来源：<!--<$[信息来源]>begin-->{s.source or ""}<!--<$[信息来源]>end--></span><span>字体：[ <a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(12)">小</a> ]</span></div>
<div class="wzy_content" id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{body.html("justify")}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>
<div class="wzy_tools"><a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a></div></div>
<div class="foot">安徽省科学技术厅 主办</div></body></html>"""
    )
    exp = article_json(
        url, s.title, when, "iso_min", s.source, None, None, "科技要闻", body, "plain"
    )
    write_case(
        ART,
        f"ho_hanweb_{n}",
        html,
        url=url,
        charset="utf-8",
        content_type="text/html;charset=utf-8",
        expected=exp,
        encoding="utf-8",
    )


def trs(n: int, s: Story, when: datetime) -> None:
    url = f"http://www.moa.gov.cn/xw/zwdt/{when:%Y%m}/t{when:%Y%m%d}_{6400000 + n}.htm"
    body = _body(s, f"http://www.moa.gov.cn/xw/zwdt/{when:%Y%m}/", "./", True, False)
    html = (
        _head(f"{s.title}_农业农村部", "utf-8")
        + f"""<body>
<div class="topnav"><a href="/">首页</a> | <a href="/xw/">新闻</a> | <a href="/xw/zwdt/">政务动态</a></div>
<div class="bread">当前位置：<a href="../../">首页</a> &gt; <a href="../">新闻</a> &gt; <a href="./">政务动态</a></div>
<h1 class="bjjMTitle">{s.title}</h1>
<div class="bjjMAuthorBox"><span>日期：{show_date(when, "iso_min").replace(" ", "  ")}</span>　<span>作者：{s.author or ""}</span>　<span>来源：{s.source or ""}</span></div>
<div class="arc_body mg_auto w_855 pd_b_35"><div class="TRS_Editor">{body.html("indent")}</div></div>
<div class="share"><a href="javascript:void(0)">分享</a> <a href="javascript:window.print()">打印本页</a></div>
<div class="footer">中华人民共和国农业农村部 版权所有</div></body></html>"""
    )
    exp = article_json(
        url, s.title, when, "iso_min", s.source, s.author, None, "政务动态", body, "indent"
    )
    write_case(
        ART,
        f"ho_trs_{n}",
        html,
        url=url,
        charset="utf-8",
        content_type="text/html",
        expected=exp,
        encoding="utf-8",
    )


def dede(n: int, s: Story, when: datetime) -> None:
    url = f"http://www.hnkj.cn/plus/view.php?aid={500 + n}"
    body = _body(s, "http://www.hnkj.cn/uploads/allimg/", "/uploads/allimg/", True, False)
    html = (
        _head(f"{s.title}-河南科技网", "gb2312")
        + f"""<body>
<div class="top"><a href="/">首页</a> <a href="/kjdt/">科技动态</a></div>
<div class="position">当前位置: <a href="/">主页</a> &gt; <a href="/kjdt/">科技动态</a> &gt; 正文</div>
<div class="arcbox"><h1>{s.title}</h1>
<div class="info"><small>时间:</small>{show_date(when, "iso_date")}<small>来源:</small>{s.source or "未知"}<small>作者:</small>{s.author or "佚名"}<small>点击:</small><script src="/plus/count.php?view=yes&aid={500 + n}&mid=1"></script>次</div>
<div class="content">{body.html("pe")}
<p style="text-align:right">（责编：{s.editor or "admin"}）</p></div>
<div class="context"><ul><li>上一篇：没有了 </li><li>下一篇：<a href="/plus/view.php?aid={501 + n}">下一篇新闻</a> </li></ul></div></div>
<div class="footer">Copyright 河南科技网</div></body></html>"""
    )
    exp = article_json(
        url, s.title, when, "iso_date", s.source, s.author, s.editor or "admin", "科技动态", body
    )
    write_case(
        ART, f"ho_dede_{n}", html, url=url, charset="gb18030", content_type=None, expected=exp
    )


def empire(n: int, s: Story, when: datetime) -> None:
    url = f"http://www.scst.org/e/action/ShowInfo.php?classid=7&id={900 + n}"
    body = _body(s, "http://www.scst.org/d/file/", "/d/file/", False, True)
    html = (
        _head(f"{s.title}", "gbk")
        + f"""<body>
<table class="position" width="100%"><tr><td>您当前的位置：<a href="/">首页</a>&nbsp;>&nbsp;<a href="/kjzx/">科技资讯</a></td></tr></table>
<table class="title_info" width="100%"><tr><td><h1>{s.title}</h1></td></tr>
<tr><td class="info_text">发布时间：{show_date(when, "cn_date")}&nbsp;&nbsp;来源：{s.source or "本站"}&nbsp;&nbsp;作者：{s.author or "佚名"}&nbsp;&nbsp;浏览：<script src="/e/public/ViewClick/?classid=7&id={900 + n}"></script>次</td></tr></table>
<table width="100%"><tr><td><font id="zoom">{body.html("pe")}</font></td></tr></table>
<p class="pageLink"></p>
<div class="footer">Powered by EmpireCMS</div></body></html>"""
    )
    exp = article_json(url, s.title, when, "cn_date", s.source, s.author, None, "科技资讯", body)
    write_case(
        ART,
        f"ho_empire_{n}",
        html,
        url=url,
        charset="gb18030",
        content_type="text/html; charset=utf-8",
        expected=exp,
    )


def phpcms(n: int, s: Story, when: datetime) -> None:
    url = f"http://www.gxkj.gov.cn/html/2023/kjyw_{when:%m%d}/{700 + n}.html"
    body = _body(s, "http://www.gxkj.gov.cn/uploadfile/2023/", "/uploadfile/2023/", True, True)
    html = (
        _head(f"{s.title} - 广西科技", "utf-8")
        + f"""<body>
<div class="crumbs"><a href="/">首页</a><span> &gt; </span><a href="/html/kjyw/">科技要闻</a> &gt; 正文</div>
<div id="Article"><h1>{s.title}<br /><span>{show_date(when, "iso_sec")}&nbsp;&nbsp;&nbsp;来源：{s.source or ""}&nbsp;&nbsp;&nbsp;点击：</span><span id="hits"></span></h1>
<div class="content">{body.html("plain")}</div><div id="pages" class="text-c"></div>
<p class="f14"><strong>上一篇：</strong><a href="/html/2023/kjyw_0301/{699 + n}.html">上一篇文章</a><br /><strong>下一篇：</strong>已经没有了</p></div>
<div class="footer">广西科技</div></body></html>"""
    )
    exp = article_json(
        url, s.title, when, "iso_sec", s.source, None, None, "科技要闻", body, "plain"
    )
    write_case(
        ART,
        f"ho_phpcms_{n}",
        html,
        url=url,
        charset="utf-8",
        content_type="text/html",
        expected=exp,
        encoding="utf-8",
    )


def modern(n: int, s: Story, when: datetime) -> None:
    url = f"https://news.example.cn/tech/2023/03/{when:%d}/{n}ab.html"
    body = _body(s, "https://img.example.cn/", "https://img.example.cn/", True, False)
    html = (
        f'<!doctype html><html lang="zh"><head><meta charset="UTF-8"><title>{s.title} - 科技频道</title>'
        f'<meta property="article:published_time" content="{when.isoformat()}">'
        f'<meta property="og:title" content="{s.title}"></head><body>'
        f"""<nav><a href="/">首页</a><a href="/tech/">科技</a></nav>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/tech/">科技</a> &gt; 正文</div>
<article><h1>{s.title}</h1><p class="meta">来源：{s.source or ""}　作者：{s.author or ""}</p>
<section class="body">{body.html("plain")}</section>
<p class="editor">责任编辑：{s.editor or "刘编"}</p></article>
<footer>版权所有</footer></body></html>"""
    )
    exp = article_json(
        url, s.title, when, "iso_sec", s.source, s.author, s.editor or "刘编", "科技", body, "plain"
    )
    write_case(
        ART,
        f"ho_modern_{n}",
        html,
        url=url,
        charset="utf-8",
        content_type="text/html; charset=utf-8",
        expected=exp,
        encoding="utf-8",
    )


def legacy(n: int, s: Story, when: datetime) -> None:
    url = f"http://www.jxstc.gov.cn/ReadNews.asp?NewsID={300 + n}"
    body = _body(s, "http://www.jxstc.gov.cn/UploadFiles/", "UploadFiles/", False, False)
    html = (
        _head(f"江西省科技厅 - {s.title}", "gb2312")
        + f"""<body>
<table width="760" align="center"><tr><td><a href="index.asp">首页</a>|<a href="News.asp">新闻中心</a></td></tr></table>
<table width="760" align="center"><tr><td align="center"><strong><font size="4">{s.title}</font></strong></td></tr>
<tr><td align="center">【文章来源：{s.source or "本站"}】【日期：{show_date(when, "cn_numeral")}】【字体：<a href="#">大</a> <a href="#">小</a>】</td></tr>
<tr><td>{body.html("pe")}</td></tr></table>
<table width="760" align="center"><tr><td align="center">江西省科学技术厅 版权所有</td></tr></table></body></html>"""
    )
    exp = article_json(url, s.title, when, "cn_numeral", s.source, None, None, None, body)
    write_case(
        ART, f"ho_legacy_{n}", html, url=url, charset="gb18030", content_type=None, expected=exp
    )


def lists() -> None:
    rows = [
        (
            f"http://www.kjcx.net/Item/{900 - i}.aspx",
            STORIES[i].title,
            datetime(2023, 3, 5 - i, tzinfo=TZ),
        )
        for i in range(4)
    ]
    lis = "".join(
        f'<li><span class="date">{d:%Y-%m-%d}</span><a href="/Item/{900 - i}.aspx" title="{t}">{t[:10]}...</a></li>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        _head("新闻动态_科技创新网", "gb2312")
        + f"""<body><div class="top"><a href="/">首页</a></div>
<div class="main"><div class="main_title">新闻动态</div><ul class="list">{lis}</ul>
<div class="pager">共 <b>80</b> 条 首页 上一页 <a href="/Category_3/Index_2.aspx">下一页</a> <a href="/Category_3/Index_20.aspx">尾页</a></div></div>
<div class="side"><div class="side_title">推荐文章</div><ul><li><a href="/Item/700.aspx">推荐的一篇文章</a><span>2023-02-11</span></li><li><a href="/Item/701.aspx">推荐的另一篇</a><span>2023-02-10</span></li></ul></div></body></html>"""
    )
    items = [{"url": u, "title": t, "published": d.isoformat()} for u, t, d in rows]
    write_case(
        LST,
        "ho_list_pe",
        html,
        url="http://www.kjcx.net/Category_3/Index.aspx",
        charset="gb18030",
        content_type="text/html",
        expected={
            "url": "http://www.kjcx.net/Category_3/Index.aspx",
            "items": items,
            "next_page": "http://www.kjcx.net/Category_3/Index_2.aspx",
        },
    )
    rows = [
        (
            f"http://www.moa.gov.cn/xw/zwdt/202301/t202301{5 - i:02d}_{6300000 + i}.htm",
            STORIES[5 + i].title,
            datetime(2023, 1, 5 - i, tzinfo=TZ),
        )
        for i in range(3)
    ]
    lis = "".join(
        f'<li><a href="./202301/t202301{5 - i:02d}_{6300000 + i}.htm">{t}</a><span>{d:%Y-%m-%d}</span></li>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        _head("政务动态_农业农村部", "utf-8")
        + f"""<body><div class="nav"><a href="/">首页</a></div>
<ul class="commonlist">{lis}</ul><div class="pages"><script>var countPage = 12;createPageHTML(12, 3, "index", "htm");</script></div></body></html>"""
    )
    items = [{"url": u, "title": t, "published": d.isoformat()} for u, t, d in rows]
    write_case(
        LST,
        "ho_list_trs",
        html,
        url="http://www.moa.gov.cn/xw/zwdt/index_3.htm",
        charset="utf-8",
        content_type="text/html",
        encoding="utf-8",
        expected={
            "url": "http://www.moa.gov.cn/xw/zwdt/index_3.htm",
            "items": items,
            "next_page": "http://www.moa.gov.cn/xw/zwdt/index_4.htm",
        },
    )
    rows = [
        (
            f"http://kjt.ah.gov.cn/art/2022/12/{30 - i}/art_5220_{8700000 - i}.html",
            STORIES[10 + i].title,
            datetime(2022, 12, 30 - i, tzinfo=TZ),
        )
        for i in range(3)
    ]
    recs = "".join(
        f'<record><![CDATA[<tr><td><a href="/art/2022/12/{30 - i}/art_5220_{8700000 - i}.html" target="_blank">{t}</a></td><td>{d.month:02d}-{d.day:02d}</td></tr>]]></record>'
        for i, (u, t, d) in enumerate(rows)
    )
    html = (
        _head("科技要闻 安徽省科学技术厅", "utf-8")
        + f"""<body><div class="nav"><a href="/">首页</a></div>
<div id="5521"><script type="text/xml"><datastore><totalrecord>300</totalrecord><recordset>{recs}</recordset></datastore></script><table id="list"></table></div></body></html>"""
    )
    items = [{"url": u, "title": t, "published": d.isoformat()} for u, t, d in rows]
    write_case(
        LST,
        "ho_list_hanweb",
        html,
        url="http://kjt.ah.gov.cn/col/col5220/index.html",
        charset="utf-8",
        content_type="text/html",
        encoding="utf-8",
        now="2023-01-04T08:00:00+08:00",
        expected={
            "url": "http://kjt.ah.gov.cn/col/col5220/index.html",
            "items": items,
            "next_page": None,
        },
    )


def main() -> None:
    when = [datetime(2023, 3, 2 + i, 9 + i, 11 * i % 60, 7 * i % 60, tzinfo=TZ) for i in range(12)]
    builders = (pe_sitefactory, hanweb, trs, dede, empire, phpcms, modern, legacy)
    for i, build in enumerate(builders):
        build(1, STORIES[(i * 3 + 1) % len(STORIES)], when[i])
    pe_sitefactory(2, STORIES[2], when[8])
    dede(2, STORIES[16], when[9])
    lists()


if __name__ == "__main__":
    main()
