# ruff: noqa: E501 - page templates and story paragraphs are kept one line each, as served
"""Templates of the other families (EmpireCMS, PHPCMS v9, HTML5/JSON-LD, legacy tables),
redirect articles and every generated list page."""

from __future__ import annotations

import json
from datetime import datetime

from build_corpus import ARTICLES, body_of, head
from pagekit import TZ, Body, article_json, show_date, write_case
from stories import Story


def empire(
    n: int, story: Story, when: datetime, *, images: int, files: int, charset: str = "gb2312"
) -> None:
    url = f"http://www.kjzx.org/news/{when:%Y-%m-%d}/{200 + n}.html"
    body = body_of(
        story,
        "20230301abc",
        images=images,
        files=files,
        abs_root="http://www.kjzx.org/d/file/news/",
        rel="/d/file/news/",
    )
    parts = [f"时间：{show_date(when, 'iso_sec')}"]
    if story.source:
        parts.append(f"来源：{story.source}")
    parts.append(f"作者：{story.author or '佚名'}")
    page = (
        head(f"{story.title} - 科技资讯网", charset)
        + f"""<body>
<table width="960" align="center" class="header"><tr><td><a href="/">网站首页</a> | <a href="/news/">新闻中心</a> | <a href="/news/kjdt/">科技动态</a></td></tr></table>
<table width="960" align="center" class="position"><tr><td>您当前的位置：<a href="/">首页</a>&nbsp;>&nbsp;<a href="/news/">新闻中心</a>&nbsp;>&nbsp;<a href="/news/kjdt/">科技动态</a></td></tr></table>
<table width="960" align="center"><tr><td width="700" valign="top">
<table width="100%" class="title_info"><tr><td><h1>{story.title}</h1></td></tr>
<tr><td class="info_text">{"&nbsp;&nbsp;".join(parts)}&nbsp;&nbsp;点击：<script src="/e/public/ViewClick/?classid=2&id={200 + n}&addclick=1"></script></td></tr></table>
<table width="100%"><tr><td id="text">{body.html("pe")}
<p align="center" class="pageLink"></p></td></tr></table>
<table width="100%"><tr><td>上一篇：<a href="/news/2023-02-28/{199 + n}.html">上一篇文章标题</a><br>下一篇：<a href="/news/2023-03-02/{201 + n}.html">下一篇文章标题</a></td></tr></table>
</td><td width="250" valign="top"><table class="box"><tr><td class="boxtitle">热门排行</td></tr>
<tr><td><ul><li><a href="/news/2023-02-20/150.html">一季度科技工作要点发布</a></li><li><a href="/news/2023-02-18/149.html">科研人员减负行动取得成效</a></li></ul></td></tr></table></td></tr></table>
<table width="960" align="center" class="copyright"><tr><td>Powered by EmpireCMS &copy; 科技资讯网</td></tr></table>
</body></html>"""
    )
    expected = article_json(
        url, story.title, when, "iso_sec", story.source, story.author, None, "科技动态", body
    )
    enc = "gb18030" if charset != "utf-8" else "utf-8"
    write_case(
        ARTICLES,
        f"gen_empire_{n:02d}",
        page,
        url=url,
        charset=enc,
        content_type="text/html",
        expected=expected,
        encoding=enc,
    )


def phpcms(
    n: int,
    story: Story,
    when: datetime,
    *,
    images: int,
    files: int,
    charset: str = "utf-8",
    part: int = 0,
) -> None:
    aid = 300 + n
    base = "http://www.sxkj.org.cn/index.php?m=content&c=index&a=show&catid=6&id="
    url = base + str(aid) + (f"&page={part}" if part > 1 else "")
    body = body_of(
        story,
        "2023030114",
        images=images,
        files=files,
        abs_root="http://www.sxkj.org.cn/uploadfile/2023/0301/",
        rel="http://www.sxkj.org.cn/uploadfile/2023/0301/",
    )
    pages = ""
    following = None
    if part:
        pages = (
            f'<a class="a1" href="{base}{aid}">上一页</a> <span>1</span> '
            f'<a href="{base}{aid}&amp;page=2">2</a> '
            f'<a class="a1" href="{base}{aid}&amp;page=2">下一页</a>'
        )
        following = f"{base}{aid}&page=2"
    source = f"来源：{story.source}&nbsp;&nbsp;&nbsp;" if story.source else ""
    page = (
        head(f"{story.title} - 科技要闻 - 陕西科技网", charset)
        + f"""<body>
<div class="header"><div class="nav"><a href="/">首页</a><a href="/html/kjyw/">科技要闻</a><a href="/html/tzgg/">通知公告</a></div></div>
<div class="main"><div class="col-left">
<div class="crumbs"><a href="http://www.sxkj.org.cn">首页</a><span> &gt; </span><a href="/html/kjyw/">科技要闻</a> &gt;  正文</div>
<div id="Article"><h1>{story.title}<br />
<span>{show_date(when, "iso_sec")}&nbsp;&nbsp;&nbsp;{source}评论：<a href="#comment_iframe" id="comment">0</a> 点击：</span><span id="hits"></span></h1>
<div class="content">{body.html("plain")}</div>
<div id="pages" class="text-c">{pages}</div>
<p style="margin-bottom:10px"><strong>相关热词搜索：</strong><a href="/tag/kj">科技</a></p>
<p class="f14"><strong>上一篇：</strong><a href="{base}{aid - 1}">上一篇文章</a><br /><strong>下一篇：</strong><a href="{base}{aid + 1}">下一篇文章</a></p>
</div></div>
<div class="col-auto"><div class="box"><h5 class="title-2">频道总排行</h5><ul class="content digg"><li><a href="{base}250" target="_blank">秦创原平台入驻企业突破五百家</a></li><li><a href="{base}251" target="_blank">陕西技术合同成交额创新高</a></li></ul></div></div></div>
<div class="footer"><p>陕西科技网 版权所有</p></div></body></html>"""
    )
    extra = {"next_part": following} if following else {}
    expected = article_json(
        url,
        story.title,
        when,
        "iso_sec",
        story.source,
        None,
        None,
        "科技要闻",
        body,
        "plain",
        **extra,
    )
    enc = "gb18030" if charset != "utf-8" else "utf-8"
    write_case(
        ARTICLES,
        f"gen_phpcms_{n:02d}",
        page,
        url=url,
        charset=enc,
        content_type="text/html; charset=" + ("GBK" if enc != "utf-8" else "utf-8"),
        expected=expected,
        encoding=enc,
    )


def modern(n: int, story: Story, when: datetime, *, images: int, files: int) -> None:
    url = f"https://www.stdaily.com/index/kejixinwen/202303/{when:%d}a{n}f3c.shtml"
    body = body_of(
        story,
        "kjrb2023030",
        images=images,
        files=files,
        abs_root="https://img.stdaily.com/2023/03/",
        rel="https://img.stdaily.com/2023/03/",
    )
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": when.isoformat(),
        "articleSection": "科技新闻",
        "publisher": {"@type": "Organization", "name": "中国科技网"},
    }
    if story.author:
        ld["author"] = {"@type": "Person", "name": story.author}
    metas = (
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta property="og:title" content="{story.title}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
    )
    page = (
        (
            '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
            f"<title>{story.title} | 中国科技网</title>\n{metas}</head>\n"
        )
        + f"""<body>
<header class="site-header"><nav><a href="/">首页</a><a href="/index/kejixinwen/">科技新闻</a><a href="/index/kejizhengce/">科技政策</a></nav></header>
<main class="container"><article class="article">
<h1 class="article-title">{story.title}</h1>
<div class="article-meta"><span class="time">{show_date(when, "iso_min")}</span> <span class="source">来源：{story.source or ""}</span></div>
<div class="article-content">{body.html("plain")}</div>
<div class="article-editor">（责任编辑：{story.editor or "王强"}）</div>
<div class="share-bar">分享到：<a href="#" class="weixin">微信</a><a href="#" class="weibo">微博</a></div>
</article>
<aside class="sidebar"><h3>热门推荐</h3><ul><li><a href="/index/kejixinwen/202302/aa1.shtml">嫦娥七号任务进展顺利</a><time>2023-02-27</time></li><li><a href="/index/kejixinwen/202302/aa2.shtml">天宫空间站开展新一批实验</a><time>2023-02-26</time></li></ul></aside></main>
<footer>中国科技网 版权所有</footer></body></html>"""
    )
    expected = article_json(
        url,
        story.title,
        when,
        "iso_sec",
        story.source,
        story.author,
        story.editor or "王强",
        "科技新闻",
        body,
        "plain",
    )
    write_case(
        ARTICLES,
        f"gen_modern_{n:02d}",
        page,
        url=url,
        charset="utf-8",
        content_type="text/html; charset=utf-8",
        expected=expected,
        encoding="utf-8",
    )


def legacy(
    n: int,
    story: Story,
    when: datetime,
    style: str,
    *,
    images: int,
    files: int,
    charset: str = "gb2312",
    header: str | None = "text/html",
) -> None:
    url = f"http://www.hbkjt.gov.cn/news/show.asp?id={4000 + n}"
    body = body_of(
        story,
        "upfile/2023",
        images=images,
        files=files,
        abs_root="http://www.hbkjt.gov.cn/news/upfile/",
        rel="upfile/",
    )
    source = f"&nbsp;&nbsp;信息来源：{story.source}" if story.source else ""
    page = (
        head(f"湖北省科学技术厅--{story.title}", charset)
        + f"""<body bgcolor="#FFFFFF" topmargin="0">
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td><img src="../images/top.jpg" width="778" height="120"></td></tr>
<tr><td bgcolor="#0066CC"><a href="../index.asp"><font color="#FFFFFF">首页</font></a> | <a href="list.asp?classid=1"><font color="#FFFFFF">科技动态</font></a> | <a href="list.asp?classid=2"><font color="#FFFFFF">通知公告</font></a></td></tr></table>
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td height="40" align="center"><font size="4" color="#CC0000"><b>{story.title}</b></font></td></tr>
<tr><td align="center" height="25"><font color="#666666">发布时间：{show_date(when, style)}{source}&nbsp;&nbsp;浏览次数：1234</font></td></tr>
<tr><td><hr size="1" color="#CCCCCC"></td></tr>
<tr><td class="content" style="font-size:14px;line-height:200%">{body.html("pe")}</td></tr>
<tr><td align="center"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></td></tr>
</table>
<table width="778" border="0" align="center"><tr><td align="center" bgcolor="#EEEEEE">版权所有：湖北省科学技术厅&nbsp;&nbsp;鄂ICP备05003333号</td></tr></table>
</body></html>"""
    )
    enc = "gb18030" if charset != "utf-8" else "utf-8"
    expected = article_json(url, story.title, when, style, story.source, None, None, None, body)
    write_case(
        ARTICLES,
        f"gen_legacy_{n:02d}",
        page,
        url=url,
        charset=enc,
        content_type=header,
        expected=expected,
        encoding=enc,
    )


def redirects(story: Story, when: datetime) -> None:
    url = "http://www.zgkjcx.com/Article/kjyw/202303/2750.html"
    target = "http://www.most.gov.cn/kjbgz/202303/t20230305_185100.html"
    page = (
        head(story.title, "gb2312")
        + f"""<body>
<table class="center_tdbgall" width="760" align="center">
<tr><td class="main_title_760">您现在的位置：&nbsp;<a class="LinkPath" href="/">中国科技创新网</a>&nbsp;&gt;&gt;&nbsp;<a class="LinkPath" href="/Article/kjyw/Index.html">科技要闻</a>&nbsp;&gt;&gt;&nbsp;正文</td></tr>
<tr><td class="main_ArticleTitle" align="center"><b>{story.title}</b></td></tr>
<tr><td class="Article_tdbgall" align="center">作者：佚名&nbsp;&nbsp;&nbsp;&nbsp;文章来源：本站原创&nbsp;&nbsp;&nbsp;&nbsp;点击数：<script src="/Article/GetHits.asp?ArticleID=2750"></script>&nbsp;&nbsp;&nbsp;&nbsp;更新时间：{show_date(when, "dash_date")}</td></tr>
<tr><td id="fontzoom" class="main_tdbg_760"><script language="javascript">window.location.href='{target}';</script></td></tr>
</table>{FOOTER_PLAIN}</body></html>"""
    )
    expected = article_json(
        url,
        story.title,
        when,
        "dash_date",
        None,
        None,
        None,
        "科技要闻",
        Body(),
        external_url=target,
    )
    expected["content_html"], expected["content_text"] = "", ""
    write_case(
        ARTICLES,
        "gen_redirect_js",
        page,
        url=url,
        charset="gb18030",
        content_type="text/html",
        expected=expected,
    )


FOOTER_PLAIN = '<div class="footer">联系邮箱：zgkjcx08@126.com</div>'


def main(s: tuple[Story, ...], when: list[datetime]) -> None:
    empire(1, s[13], when[13], images=1, files=0)
    empire(2, s[14], when[14], images=0, files=1, charset="gb18030")
    empire(3, s[15], when[15], images=0, files=0, charset="utf-8")
    phpcms(1, s[16], when[16], images=1, files=0)
    phpcms(2, s[17], when[17], images=0, files=1, charset="gbk")
    phpcms(3, s[18], when[18], images=0, files=0, part=1)
    modern(1, s[19], when[19], images=2, files=0)
    modern(2, s[0], when[20], images=0, files=1)
    modern(3, s[3], when[21], images=1, files=0)
    legacy(1, s[1], when[22], "cn_date", images=0, files=1)
    legacy(2, s[5], when[23], "cn_numeral", images=1, files=0, charset="gbk", header=None)
    legacy(3, s[8], when[24], "fullwidth", images=0, files=0, header="text/html; charset=utf-8")
    legacy(4, s[9], when[25], "slash_sec", images=0, files=2, charset="utf-8")
    redirects(s[6], when[26])
    import lists

    lists.main(s, when)


_ = TZ
