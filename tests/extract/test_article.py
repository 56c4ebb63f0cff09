"""Article extraction beyond the corpus: parts, selectors, metadata, other templates."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from syndicator.errors import NotAnArticle
from syndicator.extract import decode_html, extract_article, join_parts
from syndicator.models import ArticleData, Selectors

from .conftest import page, read_case

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=TZ)
SPEC_FIELDS = [
    "url",
    "title",
    "published",
    "date_only",
    "source",
    "author",
    "editor",
    "category",
    "content_html",
    "content_text",
    "images",
    "attachments",
]


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
    chosen = article(
        "zgkjcx_custom", Selectors(title="td.info", body="td.title", info="td.info", date="td.info")
    )
    assert chosen.title.startswith("日期:")
    assert chosen.content_text == "浙江:全省科技系统“创新深化 实干争先”动员部署会召开"
    assert chosen.source == "浙江省科技厅"


def test_exclude_selector_removes_body_parts() -> None:
    plain = article("zgkjcx_custom")
    trimmed = article("zgkjcx_custom", Selectors(exclude=("td#content img",)))
    assert plain.images and not trimmed.images


GOV = page("hanweb_gov_meta.html")


def test_government_meta_tags_come_first() -> None:
    got = extract_article(
        GOV, "http://kjt.zj.gov.cn/art/2023/3/1/art_1229_5889.html", tz=TZ, now=NOW
    )
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
    assert got.content_text == (
        "科研人员研制出一种新型复合材料，强度提高三成。\n该材料有望用于航空领域。"
    )


def test_meta_refresh_redirect() -> None:
    html = (
        '<html><head><meta http-equiv="refresh" content="0; url=http://example.org/x.html">'
        "<title>外部文章</title></head><body></body></html>"
    )
    got = extract_article(html, "http://www.zgkjcx.com/Article/kjyw/1.html", tz=TZ, now=NOW)
    assert got.external_url == "http://example.org/x.html"
    assert got.title == "外部文章"
    assert got.content_html == ""


BODY = "".join(
    f"<p>第{n}段：科研人员研制出一种新型复合材料，强度提高三成，有望用于航空领域。</p>"
    for n in range(1, 5)
)


@pytest.mark.parametrize(
    ("meta", "where"),
    [
        ('<meta http-equiv="refresh" content="0; url=http://m.example.org/1.html">', "head"),
        ('<meta http-equiv="Refresh" content="300; url=/Article/kjyw/1.html">', "head"),
        ('<meta http-equiv="refresh" content="300">', "head"),
        ('<noscript><meta http-equiv="refresh" content="0;url=/nojs.html"></noscript>', "body"),
        ('<meta http-equiv="refresh" content="2;url=/index.html">', "body"),
    ],
)
def test_a_meta_refresh_beside_an_article_keeps_its_body(meta: str, where: str) -> None:
    head, body = (meta, "") if where == "head" else ("", meta)
    html = (
        f"<html><head><title>新型复合材料问世</title>{head}</head><body>{body}"
        f'<h1>新型复合材料问世</h1><div class="content">{BODY}</div></body></html>'
    )
    got = extract_article(html, "http://www.zgkjcx.com/Article/kjyw/1.html", tz=TZ, now=NOW)
    assert got.external_url is None
    assert "第1段" in got.content_text and "第4段" in got.content_text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html></html>",
        "<html><head><title>只有标题</title></head><body>导航</body></html>",
        "<?xml version='1.0' encoding='gb2312'?><p>无标题。</p>",
    ],
)
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
    got = extract_article(
        page("hanweb_jiangxi_article.html"),
        "http://kjt.jiangxi.gov.cn/art/2024/5/8/art_26_101.html",
        tz=ZoneInfo("Asia/Shanghai"),
        now=datetime(2026, 11, 26, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    assert got.title == "我省出台支持科技型中小企业发展十条措施"
    assert got.published is not None and got.published.isoformat() == "2024-05-08T09:30:00+08:00"
    assert (got.source, got.category) == ("省科技厅高新处", "通知公告")
    assert [(f.url, f.mime_type) for f in got.attachments] == [
        (
            "http://kjt.jiangxi.gov.cn/module/download/downfile.jsp?filename=abc.pdf&classid=0",
            "application/pdf",
        )
    ]
    assert "打印" not in got.content_text and "微信" not in got.content_text
    assert got.content_text.endswith("确保各项措施落地见效。")


def test_article_after_an_include_that_closes_the_document() -> None:
    # A header include ending in </body></html>: the parser parks the rest of the page
    # outside the root, where a browser still shows it as the body.
    got = extract_article(
        page("ssi_early_close.html"), "http://kjj.example.cn/kjdt/2024/0612/35.html", tz=TZ, now=NOW
    )
    assert got.title == "高新区发布人才新政"
    assert got.published == datetime(2024, 6, 12, 9, 30, tzinfo=TZ)
    assert got.source == "高新区管委会"
    assert got.content_text == (
        "高新区日前发布人才新政，对引进的高层次人才给予安家补贴。\n"
        "新政还提出，为青年科技人员提供租房优惠，并简化落户手续。"
    )


def test_lone_source_line_and_topic_after_a_space_in_the_title() -> None:
    got = extract_article(
        page("topic_after_space.html"), "http://news.example.cn/kpzt/88123.html", tz=TZ, now=NOW
    )
    assert got.title == "市科协举办青少年科技节"
    assert got.source == "市科协"
    # The date and editor line below the body is still the info line.
    assert got.published == datetime(2024, 5, 10, tzinfo=TZ) and got.date_only
    assert got.editor == "李明"
    assert "来源于" not in got.content_text


TRS_GOV = page("title_broken_heading.html")
TRS_GOV_URL = "https://www.example.gov.cn/gongbao/content/2024/content_5501.htm"


def test_trs_publish_time_and_author_metas() -> None:
    got = extract_article(TRS_GOV, TRS_GOV_URL, tz=TZ, now=NOW)
    assert got.published == datetime(2024, 6, 20, 16, 5, 30, tzinfo=TZ)
    assert got.date_only is False
    assert got.author == "王芳"


def test_author_meta_without_a_publish_time_is_not_the_article_author() -> None:
    undated = TRS_GOV.replace('<meta name="firstpublishedtime" content="2024-06-20-16:05:30">', "")
    got = extract_article(undated, TRS_GOV_URL, tz=TZ, now=NOW)
    assert got.author is None and got.published is None


def test_title_broken_differently_in_head_and_heading_loses_the_layout_spaces() -> None:
    got = extract_article(TRS_GOV, TRS_GOV_URL, tz=TZ, now=NOW)
    # The hidden share copy repeats <title>'s spacing but is not shown, so not evidence.
    assert got.title == "关于公布2024年度省级重点实验室名单的通知"


SIGN_OFF = page("signoff_date.html")
SIGN_OFF_URL = "http://www.example-it.cn/news/tzgg/7.html"


def test_dated_sign_off_closing_the_body_is_the_date_when_nothing_else_is() -> None:
    got = extract_article(SIGN_OFF, SIGN_OFF_URL, tz=TZ, now=NOW)
    assert got.published == datetime(2021, 3, 5, tzinfo=TZ) and got.date_only
    assert got.content_text.endswith("某信息技术公司客户服务部\n二〇二一年三月五日")


def test_a_date_inside_the_last_sentence_is_no_sign_off() -> None:
    html = SIGN_OFF.replace("二〇二一年三月五日", "自二〇二一年三月五日起执行")
    got = extract_article(html, SIGN_OFF_URL, tz=TZ, now=NOW)
    assert got.published is None


def test_a_label_date_beats_the_sign_off() -> None:
    heading = "<h2>关于暂停办理业务的通知</h2>"
    html = SIGN_OFF.replace(heading, heading + "<div>发布时间：2021-03-04 来源：客服部</div>")
    got = extract_article(html, SIGN_OFF_URL, tz=TZ, now=NOW)
    assert got.published == datetime(2021, 3, 4, tzinfo=TZ)


def test_reprint_note_is_not_part_of_the_body() -> None:
    got = extract_article(SIGN_OFF, SIGN_OFF_URL, tz=TZ, now=NOW)
    assert "转载" not in got.content_text and "转载" not in got.content_html


def test_spacer_paragraphs_are_dropped_from_the_body() -> None:
    spacers = "<p><br></p><p>&nbsp;<span> </span></p>"
    html = SIGN_OFF.replace("<p>升级完成后", spacers + "<p>升级完成后")
    got = extract_article(html, SIGN_OFF_URL, tz=TZ, now=NOW)
    assert "<br>" not in got.content_html
    assert got.content_html.startswith("<p>因系统升级，")
    assert "</p>\n<p>升级完成后" in got.content_html


SUMMARY_BOX = page("summary_box.html")
SUMMARY_BOX_URL = "http://127.0.0.1/a/whdt/2024/0308/24.html"


def test_a_summary_box_repeating_the_opening_does_not_widen_the_body() -> None:
    # The intro box repeats the description; counted, it holds a third of the page's
    # punctuation and the body would climb to the page wrapper with menus and form.
    got = extract_article(SUMMARY_BOX, SUMMARY_BOX_URL, tz=TZ, now=NOW)
    assert got.content_text == (
        "市图书馆自本月起推出夜间阅读服务，周一至周五开放至晚上九点，方便上班族下班后借阅。\n"
        "馆方表示，夜间开放期间，自助借还机和电子阅览室照常使用。"
    )


def test_a_text_own_first_paragraph_is_not_its_summary() -> None:
    # No box above the text, a teaser copy below it, and a description that is exactly
    # the first paragraph: that paragraph stays in the body, the teaser is the summary.
    first = "市图书馆自本月起推出夜间阅读服务，周一至周五开放至晚上九点，方便上班族下班后借阅。"
    start = SUMMARY_BOX.index('<div class="intro">')
    intro = SUMMARY_BOX[start : SUMMARY_BOX.index("</div>", start) + len("</div>")]
    described = re.sub(r'(<meta name="description" content=")[^"]*', rf"\g<1>{first}", SUMMARY_BOX)
    html = described.replace(intro, "").replace(
        '<div class="comment">', f'<div class="related">{first}</div><div class="comment">'
    )
    got = extract_article(html, SUMMARY_BOX_URL, tz=TZ, now=NOW)
    assert got.content_text.startswith(first + "\n馆方表示，")


def test_closing_editor_text_is_the_editor_and_leaves_the_body() -> None:
    got = extract_article(SUMMARY_BOX, SUMMARY_BOX_URL, tz=TZ, now=NOW)
    assert got.editor == "admin"
    assert "责任编辑" not in got.content_html


def test_the_template_closing_editor_beats_one_pasted_with_the_text() -> None:
    pasted = "<span>(责任编辑：某商会秘书处)</span>"
    html = SUMMARY_BOX.replace('<p align="center"> </p>', pasted)
    got = extract_article(html, SUMMARY_BOX_URL, tz=TZ, now=NOW)
    assert got.editor == "admin"
    assert "责任编辑" not in got.content_text


INLINE_BODY = page("inline_wrapped_body.html")
INLINE_BODY_URL = "http://www.example.com/cn/jishu/2020/1124/44.html"


def test_a_text_wrapped_in_one_span_keeps_the_block_around_it() -> None:
    got = extract_article(INLINE_BODY, INLINE_BODY_URL, tz=TZ, now=NOW)
    assert got.images == ("http://www.example.com/uploads/allimg/lead.jpg",)
    assert got.content_text.startswith("一、尺寸：")
    assert got.content_text.endswith("，欢迎来电咨询")


def test_a_span_beside_much_other_text_stays_the_body() -> None:
    # A block holding much unpunctuated text besides the span is a layout block.
    other = "<div>相关产品 光栅板 立体广告画 三维装饰画 背景墙 光栅立体画 变画 UV打印</div>"
    html = INLINE_BODY.replace(" ，欢迎来电咨询", other)
    got = extract_article(html, INLINE_BODY_URL, tz=TZ, now=NOW)
    assert "相关产品" not in got.content_text and got.images == ()


def test_fabu_label_is_the_publish_time() -> None:
    got = extract_article(INLINE_BODY, INLINE_BODY_URL, tz=TZ, now=NOW)
    assert got.published == datetime(2020, 11, 25, 11, 27, tzinfo=TZ)
    assert got.date_only is False


BARE_TIME = page("bare_publish_time.html")
BARE_TIME_URL = "http://www.example.gov.cn/news/xwyw/2012-09-05/1843.html"


def test_a_bare_date_in_an_element_named_for_the_publish_time() -> None:
    got = extract_article(BARE_TIME, BARE_TIME_URL, tz=TZ, now=NOW)
    # The sidebar row's pubtime is that row's article's; the article's own comes next.
    assert got.published == datetime(2012, 9, 4, tzinfo=TZ) and got.date_only
    assert (got.source, got.editor) == ("某县新闻网", "刘明")


def test_a_publish_time_element_after_the_body_is_not_the_date() -> None:
    moved = '<span id="p_publishtime">2012-09-04</span>'
    html = BARE_TIME.replace(moved, "").replace("</body>", f"<div>{moved}</div></body>")
    got = extract_article(html, BARE_TIME_URL, tz=TZ, now=NOW)
    assert got.published is None


def test_closing_author_line_names_the_author_and_stays_in_the_text() -> None:
    got = extract_article(BARE_TIME, BARE_TIME_URL, tz=TZ, now=NOW)
    assert got.author == "李华"
    assert got.content_text.endswith("作者:李华")


ARTICLE_BOX = page("article_box.html")
ARTICLE_BOX_URL = "http://127.0.0.1/a/view/opinion/2015/0206/23.html"


def test_the_text_block_beside_summary_and_rules_boxes_is_the_body() -> None:
    got = extract_article(ARTICLE_BOX, ARTICLE_BOX_URL, tz=TZ, now=NOW)
    assert got.content_text == (
        "春节将至，各家支付工具纷纷推出红包活动，用户规模再上台阶。\n"
        "业内人士认为，移动支付的竞争已从补贴转向场景，线下商户成为新的争夺点。\n"
        "与此同时，监管也在完善，备付金集中存管将逐步推开。"
    )


def test_a_bare_time_after_the_source_is_the_date_not_part_of_the_source() -> None:
    got = extract_article(ARTICLE_BOX, ARTICLE_BOX_URL, tz=TZ, now=NOW)
    assert got.published == datetime(2015, 2, 6, 22, 16, tzinfo=TZ)
    assert got.source is None and got.author == "admin"


BLOG_POST = """<html><head><meta charset="utf-8"><title>{title} - 某某的博客</title>
<meta property="og:title" content="{title} - 某某的博客"></head><body>
<header><a href="/">某某的博客</a></header>
<article><h1 class="post-title">{title}</h1><div class="meta">May 20, 2019</div>
<div class="post-content">
<p>我来成都有半个月了。住了两天青旅，用了一周的时间找了份程序员的工作。</p>
<p>在这之前，我唯一的工作经验就是毕业时的实习经验了，面试官只问了几个很简单的基础题。</p>
<p>Prev: 上一篇文章的标题</p>
<div class="related">相关文章 <a href="/a/1.html">另一篇文章的标题很长很长</a>
<a href="/a/2.html">再一篇文章的标题也很长</a></div></div></article></body></html>"""


def test_a_blog_post_without_labels() -> None:
    got = extract_article(
        BLOG_POST.format(title="蓉城杂谈"), "https://blog.example.com/archives/57/", tz=TZ, now=NOW
    )
    # The og:title's site suffix goes when the headline is its head.
    assert got.title == "蓉城杂谈"
    # A bare date between the headline and the body, with no label, meta or <time>.
    assert got.published == datetime(2019, 5, 20, tzinfo=TZ)
    # What follows the article inside its element: neighbours and related links.
    assert got.content_text.endswith("几个很简单的基础题。")


def test_a_bare_date_inside_the_prose_is_not_the_byline() -> None:
    html = (
        BLOG_POST.format(title="蓉城杂谈")
        .replace('<div class="meta">May 20, 2019</div>', "")
        .replace(
            "我来成都有半个月了。", "2019年5月20日我来成都有半个月了，这是一段很长的正文内容。"
        )
    )
    got = extract_article(html, "https://blog.example.com/archives/57/", tz=TZ, now=NOW)
    assert got.published is None


def test_a_title_naming_only_the_site_gives_way_to_the_headline() -> None:
    html = (
        "<html><head><title>公司动态-某某土工材料有限公司</title></head><body>"
        "<div class='logo'>某某土工材料有限公司</div>"
        "<div class='nav'><a href='/'>首页</a><a href='/list/'>公司动态</a></div>"
        "<h3>发布日期：2019-09-23 作者： 点击：</h3>"
        "<h1 class='tit'> 单向土工格栅以塑料单向最为出色</h1>"
        "<div class='content'><p>单向土工格栅是以高分子聚合物为主要原料，经挤出、拉伸而成的。"
        "它具有很高的抗拉强度，在工程中得到了广泛的应用。</p>"
        "<p>在堤防工程中，土工格栅可以提高堤身的稳定性，减少沉降。</p></div></body></html>"
    )
    got = extract_article(html, "http://www.example.cn/news/12.html", tz=TZ, now=NOW)
    assert got.title == "单向土工格栅以塑料单向最为出色"


@pytest.mark.parametrize(
    ("lead", "author"),
    [
        ("工会网讯：（李东生 报道）在两会召开的喜庆日子里，我们迎来了国际劳动妇女节。", "李东生"),
        ("新华社北京3月1日电（记者张三、李四）全国科技工作会议今天在京召开。", "张三、李四"),
        ("本报讯 记者王五报道 今天上午，市科技局召开新闻发布会。", "王五"),
        ("據媒體報導，今年以來全市的研發投入持續增長。", None),
        ("据媒体报道，2016年以来，全市的研发投入持续增长。", None),
    ],
)
def test_a_news_lead_names_its_reporter(lead: str, author: str | None) -> None:
    html = (
        "<html><head><title>科技要闻</title></head><body><h1>全市研发投入持续增长</h1>"
        f"<div class='content'><p>{lead}</p><p>会议指出，要进一步加大科技投入，推动成果转化。"
        "与会人员围绕重点任务进行了交流。</p></div></body></html>"
    )
    got = extract_article(html, "http://www.example.cn/a/1.html", tz=TZ, now=NOW)
    assert got.author == author


def test_a_qr_box_after_the_text_is_not_the_article() -> None:
    html = (
        "<html><head><title>公司新闻</title></head><body><h1>公司新增无刷电机生产线</h1>"
        "<div class='content'><p>近日，公司新增一条无刷电机生产线，产能提升三成。"
        "新产线采用自动化装配工艺，进一步提高了产品质量。</p><p>让我们携手并进，共创美好未来！</p>"
        "<div class='qr'><h2>工业大吊扇订货微信客服</h2><p>直接添加客服微信：13500000000</p>"
        "<img src='/qr.jpg'></div></div></body></html>"
    )
    got = extract_article(html, "http://www.example.cn/xwzx/59.html", tz=TZ, now=NOW)
    assert got.content_text.endswith("共创美好未来！")


@pytest.mark.parametrize(
    "files",
    [
        '<a href="/up/guide.pdf">申报指南.pdf</a> <a href="/up/form.docx">申报书.docx</a>',
        '<a href="/down.jsp?id=3">附件1：项目汇总表.xls</a><br><a href="/down.jsp?id=4">附件2</a>',
    ],
)
def test_a_notice_keeps_its_attachment_list(files: str) -> None:
    html = (
        "<html><head><title>通知公告</title></head><body><h1>关于申报2024年度项目的通知</h1>"
        "<div class='content'><p>各有关单位：为做好2024年度科技计划项目申报工作，"
        "现将有关事项通知如下，请按要求组织申报。</p><p>联系人：王老师，电话：0571-00000000。</p>"
        f"<p>附件：{files}</p></div>"
        "<div class='share'><a href='/a'>上一篇</a> <a href='/b'>下一篇</a></div></body></html>"
    )
    got = extract_article(html, "http://kjt.example.cn/tzgg/7.html", tz=TZ, now=NOW)
    assert "附件：" in got.content_text and "下一篇" not in got.content_text
    assert got.attachments and all(f.mime_type for f in got.attachments)


_NEWS_BODY = (
    "<p>市政府今天召開記者會，宣布新的交通改善計畫，預計明年上半年完工。</p>"
    "<p>交通局長表示，計畫將分三階段推動，並邀請市民參與意見徵集。</p>"
)


_LD = '<script type="application/ld+json">{"@type": "NewsArticle", %s}</script>'
_SITE_AS_AUTHOR = [
    '<meta property="og:site_name" content="某某新聞網"><meta name="author" content="某某新聞網">'
    '<meta name="PubDate" content="2024-05-08 09:30">',
    _LD % '"author": {"@type": "Organization", "name": "某某新聞網"}',
    _LD % '"author": {"@type": "Person", "name": "某某新聞網"},'
    ' "publisher": {"@type": "Organization", "name": "某某 新聞網"}',
]


@pytest.mark.parametrize("head", _SITE_AS_AUTHOR)
def test_the_site_named_as_author_is_no_author(head: str) -> None:
    html = (
        f"<html><head><title>交通改善計畫公布</title>{head}</head><body>"
        f"<h1>交通改善計畫公布</h1><div class='content'>{_NEWS_BODY}</div></body></html>"
    )
    got = extract_article(html, "https://news.example.tw/a/1.html", tz=TZ, now=NOW)
    assert got.author is None


def test_a_reporter_credit_after_a_photo_caption_is_the_author() -> None:
    body = "<p>▲交通局長說明計畫內容。（圖／記者林悅攝）</p><p>記者林悅／台南報導</p>" + _NEWS_BODY
    html = (
        "<html><head><title>交通改善計畫公布</title></head><body><h1>交通改善計畫公布</h1>"
        f"<div class='content'>{body}</div></body></html>"
    )
    got = extract_article(html, "https://news.example.tw/a/2.html", tz=TZ, now=NOW)
    assert got.author == "林悅"


@pytest.mark.parametrize("dateline", ["澎湖縣28日電", "北京3月1日电"])
def test_a_wire_dateline_is_no_author(dateline: str) -> None:
    html = (
        "<html><head><title>交通改善計畫公布</title></head><body><h1>交通改善計畫公布</h1>"
        f"<div class='info'>作者：{dateline}</div>"
        f"<div class='content'>{_NEWS_BODY}</div></body></html>"
    )
    got = extract_article(html, "https://news.example.tw/a/3.html", tz=TZ, now=NOW)
    assert got.author is None


_POST = (
    "<p>今天把博客从旧主机迁到了新主机，顺便升级了程序版本，记录一下过程。</p>"
    "<p>迁移之前先备份数据库和附件目录，然后在新主机上恢复，最后修改域名解析。</p>"
)


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("<span class='post-author'>老鲫鱼</span>", "老鲫鱼"),
        ("<span><i class='fa fa-user'></i>老鲫鱼</span>", "老鲫鱼"),
        ("<a href='/author/1/' rel='author'> jrcloud</a>", "jrcloud"),
        ("<span itemprop='author'>Rose Ou</span>", "Rose Ou"),
        (
            "<div class='postauthor'><cite><a href='space.php?uid=7'>观棋不语</a></cite>"
            "<p>帖子 1234 积分 5678 注册 2008-1-1</p></div>",
            "观棋不语",
        ),
        ("<h5>于 <time>2020-04-19</time> 由 安言 发布</h5>", "安言"),
        ("<p class='postinfo'>MiMi Posted on 2010.07.02 10:25</p>", "MiMi"),
        ("<span class='author'>佚名</span>", None),
        ("<span class='author'>2024-05-08 10:31</span>", None),
    ],
)
def test_an_author_the_markup_marks_before_the_text(byline: str, author: str | None) -> None:
    html = (
        "<html><head><title>博客迁移记录</title></head><body><h1>博客迁移记录</h1>"
        f"<div class='meta'>{byline}</div><div class='entry-content'>{_POST}</div></body></html>"
    )
    got = extract_article(html, "https://blog.example.cn/archives/9/", tz=TZ, now=NOW)
    assert got.author == author


def test_a_commenter_is_not_the_author() -> None:
    html = (
        "<html><head><title>博客迁移记录</title></head><body><h1>博客迁移记录</h1>"
        f"<div class='entry-content'>{_POST}</div><div class='comments'>"
        "<div class='comment-author'><cite class='fn' itemprop='name'>老张</cite></div>"
        "<p>写得很清楚，谢谢！</p></div></body></html>"
    )
    got = extract_article(html, "https://blog.example.cn/archives/9/", tz=TZ, now=NOW)
    assert got.author is None
