# ruff: noqa: E501 - page templates and story paragraphs are kept one line each, as served
"""Writes the generated part of the article and list corpus (``gen_*`` files).

    .venv/bin/python tests/data/build_corpus.py

Templates follow PORTALS.md family by family; the expected JSON beside each page is
written from the story data. Hand-made fixtures in the same folders are left alone.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pagekit import TZ, Block, Body, article_json, show_date, write_case
from stories import STORIES, Story

HERE = Path(__file__).resolve().parent
ARTICLES = HERE / "articles"
LISTS = HERE / "lists"

HOT = """<table class="sidebar"><tr><td class="title">热门文章</td></tr><tr><td><ul>
<li><a href="/Article/kjyw/202302/2590.html" title="两会代表热议科技自立自强">两会代表热议科技自立自强</a> 02-25</li>
<li><a href="/Article/kjyw/202302/2588.html">科技部部长谈今年工作重点</a> 02-24</li>
<li><a href="/Article/kjyw/202302/2580.html">新一轮科技体制改革启动</a> 02-20</li>
</ul></td></tr></table>"""
FOOTER = (
    '<div class="footer">版权所有：中国科技创新网 &nbsp; 联系邮箱：zgkjcx08@126.com'
    "<br />京ICP备05012345号</div>"
)


def body_of(
    story: Story, base_files: str, *, images: int = 0, files: int = 0, abs_root: str, rel: str = ""
) -> Body:
    """The story's paragraphs, with images after the first and files at the end."""
    blocks = [Block("p", story.paragraphs[0])]
    for i in range(images):
        name = f"20230301{i:02d}4701.jpg"
        blocks.append(Block("img", f"图{i + 1}", f"{rel}{name}", f"{abs_root}{name}"))
    blocks += [Block("p", p) for p in story.paragraphs[1:]]
    for i in range(files):
        name = f"{base_files}{i + 1}.{('pdf', 'doc', 'xls', 'zip')[i % 4]}"
        blocks.append(
            Block("file", f"附件{i + 1}：申报材料{name[-4:]}", f"{rel}{name}", f"{abs_root}{name}")
        )
    return Body(blocks)


def head(title: str, charset: str, extra: str = "") -> str:
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; '
        f'charset={charset}" />\n<title>{title}</title>\n{extra}</head>\n'
    )


# ------------------------------------------------------------------ PowerEasy


def powereasy(
    n: int,
    story: Story,
    when: datetime,
    style: str,
    *,
    default_info: bool,
    images: int,
    files: int,
    charset: str = "gb2312",
    header: str | None = "text/html",
    suffix: str = "",
) -> None:
    aid = 2700 + n
    url = f"http://www.zgkjcx.com/Article/kjyw/202303/{aid}.html"
    body = body_of(
        story,
        "doc",
        images=images,
        files=files,
        abs_root="http://www.zgkjcx.com/UploadFiles_7788/202303/",
        rel="../../../UploadFiles_7788/202303/",
    )
    author = (
        f'<a href="/Article/ShowAuthor.asp?ChannelID=1&AuthorName={story.author}">'
        f"{story.author}</a>"
        if story.author
        else "佚名"
    )
    source = (
        f'<a href="/ShowCopyFrom.asp?ChannelID=1&SourceName={story.source}">{story.source}</a>'
        if story.source
        else "本站原创"
    )
    hits = f'<script language="javascript" src="/Article/GetHits.asp?ArticleID={aid}"></script>'
    if default_info:
        info = (
            f"作者：{author}&nbsp;&nbsp;&nbsp;&nbsp;文章来源：{source}&nbsp;&nbsp;&nbsp;&nbsp;"
            f"点击数：{hits}&nbsp;&nbsp;&nbsp;&nbsp;更新时间：{show_date(when, style)}"
        )
    else:
        info = (
            f"日期:&nbsp;{show_date(when, style)}&nbsp;&nbsp;来源:{source}"
            f"&nbsp;&nbsp;点击数：{hits}"
        )
    editor = story.editor or "admin"
    page = (
        head(story.title + suffix, charset)
        + f"""<body>
<table class="top" width="760" align="center"><tr><td><a href="/">首页</a> | <a href="/Article/Index.html">文章中心</a> | <a href="/Article/kjyw/Index.html">科技要闻</a> | <a href="/Article/kjrw/Index.html">科技人物</a></td></tr></table>
<table class="center_tdbgall" width="760" align="center" cellpadding="0" cellspacing="0">
 <tr><td class="main_title_760">您现在的位置：&nbsp;<a class="LinkPath" href="/">中国科技创新网</a>&nbsp;&gt;&gt;&nbsp;<a class="LinkPath" href="/Article/Index.html">文章中心</a>&nbsp;&gt;&gt;&nbsp;<a class="LinkPath" href="/Article/kjyw/Index.html">科技要闻</a>&nbsp;&gt;&gt;&nbsp;正文</td></tr>
 <tr><td class="main_ArticleTitle" align="center"><b>{story.title}</b></td></tr>
 <tr><td class="main_ArticleSubheading" align="center"></td></tr>
 <tr><td class="Article_tdbgall" align="center">{info}</td></tr>
 <tr><td id="fontzoom" class="main_tdbg_760" valign="top">
{body.html("pe")}
 </td></tr>
 <tr><td class="Article_tdbgall" align="right">文章录入：{editor}&nbsp;&nbsp;&nbsp;&nbsp;责任编辑：{editor}&nbsp;</td></tr>
 <tr><td><li>上一篇文章： <a class="LinkPrevArticle" href="/Article/kjyw/202302/{aid - 1}.html" title="文章标题：上一篇的完整标题&#13;&#10;作&nbsp;&nbsp;&nbsp;&nbsp;者：佚名&#13;&#10;更新时间：2023-2-28 9:05:12">上一篇的完整标题</a></li><li>下一篇文章： 没有了</li></td></tr>
 <tr><td align="right">【<a href="/Article/Print.asp?ArticleID={aid}" target="_blank">打印此文</a>】【<a href="javascript:window.close();">关闭窗口</a>】</td></tr>
</table>
{HOT}
{FOOTER}
</body></html>"""
    )
    expected = article_json(
        url,
        story.title,
        when,
        style,
        story.source,
        story.author if default_info else None,
        editor,
        "科技要闻",
        body,
    )
    write_case(
        ARTICLES,
        f"gen_pe_{n:02d}",
        page,
        url=url,
        charset="gb18030" if charset != "utf-8" else "utf-8",
        content_type=header,
        expected=expected,
        encoding="gb18030" if charset != "utf-8" else "utf-8",
    )


# ------------------------------------------------------------------ Hanweb JCMS


def hanweb(
    n: int, story: Story, when: datetime, *, with_meta: bool, images: int, files: int
) -> None:
    art = 5889000 + n
    url = f"http://kjt.zj.gov.cn/art/2023/{when.month}/{when.day}/art_1229_{art}.html"
    abs_root = "http://kjt.zj.gov.cn/picture/0/2303011447000123.jpg"[: -len("2303011447000123.jpg")]
    body = body_of(story, "P0200", images=images, files=files, abs_root=abs_root, rel="/picture/0/")
    metas = ""
    if with_meta:
        metas = (
            f'<meta name="SiteName" content="浙江省科学技术厅">\n'
            f'<meta name="ColumnName" content="工作动态">\n'
            f'<meta name="ArticleTitle" content="{story.title}">\n'
            f'<meta name="PubDate" content="{show_date(when, "iso_min")}">\n'
            + (f'<meta name="ContentSource" content="{story.source}">\n' if story.source else "")
        )
    source = story.source or ""
    page = (
        head(story.title, "utf-8", metas)
        + f"""<body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/col1229/index.html">工作动态</a></li><li><a href="/col/col1230/index.html">通知公告</a></li></ul></div>
<div class="main">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1229/index.html">工作动态</a></div>
<div class="article">
<div class="title">{story.title}</div>
<div class="info"><span>发布日期：{show_date(when, "iso_min")}</span>　<span>信息来源：<!--<$[信息来源]>begin-->{source}<!--<$[信息来源]>end--></span>　<span>浏览次数：<script>document.write(123)</script></span></div>
<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{body.html("indent")}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div></div>
<div class="bottom">主办单位：浙江省科学技术厅 地址：杭州市西湖区 网站标识码：3300000001</div>
</body></html>"""
    )
    expected = article_json(
        url, story.title, when, "iso_min", story.source, None, None, "工作动态", body, "indent"
    )
    write_case(
        ARTICLES,
        f"gen_hanweb_{n:02d}",
        page,
        url=url,
        charset="utf-8",
        content_type="text/html; charset=UTF-8",
        expected=expected,
        encoding="utf-8",
    )


# ------------------------------------------------------------------ TRS WCM


def trs(
    n: int,
    story: Story,
    when: datetime,
    style: str,
    *,
    images: int,
    files: int,
    base_href: bool,
    charset: str,
) -> None:
    tid = 185000 + n
    folder = "https://www.most.gov.cn/kjbgz/"
    url = f"{folder}{when:%Y%m}/t{when:%Y%m%d}_{tid}.html"
    body = body_of(
        story, f"P0{tid}", images=images, files=files, abs_root=f"{folder}{when:%Y%m}/", rel="./"
    )
    base = f'<base href="{folder}{when:%Y%m}/">' if base_href else ""
    page_url = url if not base_href else f"https://www.most.gov.cn/kjbgz/x.html?id={tid}"
    source = f"<span>来源：{story.source}</span>" if story.source else ""
    page = (
        head(f"{story.title}_中华人民共和国科学技术部", charset, base)
        + f"""<body>
<div class="header"><a href="/">科技部首页</a> <a href="/xxgk/">信息公开</a> <a href="/kjbgz/">科技部工作</a></div>
<div class="container"><div class="location">当前位置：<a href="../../">首页</a> &gt; <a href="../">科技部工作</a></div>
<div class="xxgk_title">{story.title}</div>
<div class="xxgk_info"><span>发布时间：{show_date(when, style)}</span>{source}<span>【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</span></div>
<div class="trs_editor_view TRS_UEDITOR trs_paper_default custom_contentCon"><div class="TRS_Editor">{body.html("indent")}</div></div>
<div class="share">分享到：<a href="javascript:void(0)" class="wx">微信</a> <a href="javascript:void(0)" class="wb">微博</a></div>
<div class="related"><h3>相关文章</h3><ul><li><a href="./t20230220_184800.html">科技部召开党组会议</a><span>2023-02-20</span></li><li><a href="./t20230215_184700.html">科技部举行新春团拜会</a><span>2023-02-15</span></li></ul></div>
</div><div class="footer">主办单位：中华人民共和国科学技术部 京ICP备05022684号</div></body></html>"""
    )
    enc = "utf-8" if charset == "utf-8" else "gb18030"
    expected = article_json(
        page_url, story.title, when, style, story.source, None, None, "科技部工作", body, "indent"
    )
    write_case(
        ARTICLES,
        f"gen_trs_{n:02d}",
        page,
        url=page_url,
        charset=enc,
        content_type="text/html",
        expected=expected,
        encoding=enc,
    )


# ------------------------------------------------------------------ DedeCMS


def dede(
    n: int,
    story: Story,
    when: datetime,
    *,
    images: int,
    files: int,
    part: int = 0,
    charset: str = "gbk",
    header: str | None = "text/html",
) -> None:
    aid = 120 + n
    folder = f"http://www.kjxw.cn/a/kjyw/{when:%Y}/{when:%m%d}/"
    url = folder + (f"{aid}.html" if part <= 1 else f"{aid}_{part}.html")
    body = body_of(
        story,
        "1-230301144",
        images=images,
        files=files,
        abs_root="http://www.kjxw.cn/uploads/allimg/230301/",
        rel="/uploads/allimg/230301/",
    )
    pager = ""
    following = None
    if part:
        links = "".join(
            f'<li><a href="{aid}{"" if i == 1 else f"_{i}"}.html">{i}</a></li>'
            if i != part
            else f'<li class="thisclass"><a href="#">{i}</a></li>'
            for i in (1, 2)
        )
        nxt = f'<li><a href="{aid}_2.html">下一页</a></li>' if part == 1 else ""
        pager = (
            f'<div class="dede_pages"><ul class="pagelist"><li><a>共2页:</a></li>'
            f"{links}{nxt}</ul></div>"
        )
        following = folder + f"{aid}_2.html" if part == 1 else None
    author = f"<small>作者:</small>{story.author} " if story.author else ""
    page = (
        head(f"{story.title}_科技要闻_科技新闻网", charset)
        + f"""<body>
<div class="header"><div class="nav"><a href="/">主页</a> <a href="/a/kjyw/">科技要闻</a> <a href="/a/kjzc/">科技政策</a></div></div>
<div class="w960 center clear mt1"><div class="pleft">
<div class="place"><strong>当前位置:</strong> <a href="/">主页</a> &gt; <a href="/a/kjyw/">科技要闻</a> &gt; </div>
<div class="viewbox"><div class="title"><h2>{story.title}</h2></div>
<div class="info"><small>时间:</small>{show_date(when, "iso_min")}<small>来源:</small>{story.source or "未知"} {author}<small>点击:</small><script src="/plus/count.php?view=yes&amp;aid={aid}&amp;mid=1" type="text/javascript" language="javascript"></script>次</div>
<div class="content"><table width="100%"><tr><td>
{body.html("pe")}
<p>（责任编辑：{story.editor or "admin"}）</p>
</td></tr></table>{pager}</div>
<div class="boxoff"><strong>------分隔线----------------------------</strong></div>
<div class="handle"><div class="context"><ul><li>上一篇：<a href="/a/kjyw/{aid - 1}.html">上一篇的标题</a> </li><li>下一篇：没有了 </li></ul></div>
<div class="actbox"><ul><li id="act-fav"><a href="/plus/stow.php?aid={aid}" target="_blank">收藏</a></li><li id="act-err"><a href="/plus/erraddsave.php?aid={aid}" target="_blank">挑错</a></li><li id="act-pus"><a href="/plus/recommend.php?aid={aid}" target="_blank">推荐</a></li><li id="act-pnt"><a href="#" onClick="window.print();">打印</a></li></ul></div></div>
</div></div>
<div class="pright"><div class="commend"><dl class="tbox"><dt><strong>推荐内容</strong></dt><dd><ul class="d4">
<li><a href="/a/kjyw/2023/0228/110.html">我国科技论文数量连续多年居世界前列</a><p>2023-02-28</p></li>
<li><a href="/a/kjyw/2023/0227/108.html">科研经费管理改革释放创新活力</a><p>2023-02-27</p></li></ul></dd></dl></div></div></div>
<div class="footer w960 center mt1 clear"><p>Powered by DedeCMS &copy; 2004-2023 科技新闻网</p></div>
</body></html>"""
    )
    extra = {"next_part": following} if following else {}
    enc = "utf-8" if charset == "utf-8" else "gb18030"
    expected = article_json(
        url,
        story.title,
        when,
        "iso_min",
        story.source,
        story.author,
        story.editor or "admin",
        "科技要闻",
        body,
        **extra,
    )
    write_case(
        ARTICLES,
        f"gen_dede_{n:02d}",
        page,
        url=url,
        charset=enc,
        content_type=header,
        expected=expected,
        encoding=enc,
    )


def main() -> None:
    s = STORIES
    when = [
        datetime(2023, 3, 1 + i % 27, 8 + i % 10, (7 * i) % 60, (13 * i) % 60, tzinfo=TZ)
        for i in range(40)
    ]
    powereasy(1, s[0], when[0], "dash_date", default_info=True, images=1, files=0)
    powereasy(
        2, s[1], when[1], "cn_min", default_info=False, images=2, files=1, suffix="_中国科技创新网"
    )
    powereasy(
        3,
        s[2],
        when[2],
        "slash_date",
        default_info=True,
        images=0,
        files=2,
        header="text/html; charset=utf-8",
    )
    powereasy(
        4,
        s[3],
        when[3],
        "dash_sec",
        default_info=True,
        images=0,
        files=0,
        charset="gbk",
        header=None,
    )
    hanweb(1, s[4], when[4], with_meta=True, images=1, files=1)
    hanweb(2, s[5], when[5], with_meta=False, images=0, files=0)
    hanweb(3, s[6], when[6], with_meta=True, images=2, files=0)
    trs(1, s[7], when[7], "iso_min", images=1, files=0, base_href=False, charset="utf-8")
    trs(2, s[8], when[8], "iso_date", images=0, files=1, base_href=True, charset="utf-8")
    trs(3, s[9], when[9], "iso_sec", images=2, files=2, base_href=False, charset="gb18030")
    dede(1, s[10], when[10], images=1, files=0)
    dede(2, s[11], when[11], images=0, files=1, charset="utf-8")
    dede(3, s[12], when[12], images=0, files=0, part=1)
    import families

    families.main(s, when)


if __name__ == "__main__":
    main()
