"""One article page to ``ArticleData``, without relying on the template's class names.

Fields are read independently, each from the most explicit place that states it:
YAML selectors, then machine-readable metadata, then the layout (label lines, the
punctuation-dense body, the breadcrumb).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

import lxml.html
from lxml import etree

from syndicator.errors import NotAnArticle
from syndicator.extract import body as bodies
from syndicator.extract import page
from syndicator.extract.dates import closing_date, find_dates, parse_date
from syndicator.extract.decode import declared_encoding
from syndicator.extract.labels import LabelLine, closing_fields, find_label_lines, split_labels
from syndicator.extract.meta import MetaFields, parse_meta_date, read_meta
from syndicator.extract.sanitize import sanitize_html
from syndicator.extract.select import select
from syndicator.extract.text import (
    Element,
    base_url,
    block_text,
    clean_value,
    drop_noise,
    elements,
    norm,
    parse,
    text_floor,
    text_of,
)
from syndicator.models import ArticleData, Attachment, Selectors

_MAX_SIGN_OFF = 40
# The byline sits within a few dozen elements after the headline, and is short.
_MAX_BYLINE_SCAN = 60
_MAX_BYLINE = 60
# A news lead's reporter credit: only near the start of the text, names only.
_LEAD_CREDIT_SPAN = 60
_LEAD_LINES = 3
_NAMES = r"(?P<names>[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4}){0,3})"
_REPORTER = r"(?:本报|本報)?\s*(?:记者|記者|通讯员|通訊員)"
_REPORTED = r"\s*(?:[／/]\s*[\u4e00-\u9fff]{0,6}\s*)?(?:报道|報導|报导)"
_LEAD_CREDIT = re.compile(
    r"^(?:[^\n，。]{0,14}(?:讯|訊|电|電)\s*[:：]?\s*)?(?:"
    # （张三 报道）, （记者 张三 报道）
    r"[（(【\[]\s*(?:"
    + _REPORTER
    + r")?\s*"
    + _NAMES.replace("names", "bracketed")
    + _REPORTED
    + r"\s*[）)】\]]"
    # 记者张三报道, 記者林悅／台北報導: unbracketed, the word 记者 says it is a credit.
    r"|"
    + _REPORTER
    + r"\s*"
    + _NAMES.replace("names", "by")
    + _REPORTED
    # （记者 张三、李四）: a reporter named in brackets needs no 报道.
    + r"|[（(【\[]\s*"
    + _REPORTER
    + r"\s*"
    + _NAMES
    + r"\s*[）)】\]])"
)
_HEADLINE_TAGS = frozenset({"h1", "h2", "h3"})
_MIN_HEADLINE = 5
_MAX_HEADLINE = 100
_SITE_SEPARATOR = re.compile(r"^\s*[-_|｜–—－·:：]\s*\S")
# Characters of body text that make a page an article even beside a meta refresh.
_REAL_BODY = 80
Fields = dict[str, str | None]
_SENTENCE_END = re.compile(r"[。！？!?”」』…）)\]】]$")


@dataclass(frozen=True, slots=True)
class _Layout:
    """What the page's layout says, before any field is decided."""

    lines: list[LabelLine]
    body: Element | None
    title_el: Element | None
    crumb: Element | None
    summary: Element | None
    # A heading between the confirmed title's element and the body: the headline.
    headline: str | None = None


def extract_article(
    html: str,
    url: str,
    *,
    tz: tzinfo,
    now: datetime,
    selectors: Selectors | None = None,
    encoding: str | None = None,
) -> ArticleData:
    """Read one article page; raise NotAnArticle when it has no title or no body.

    ``encoding`` is the charset the page was decoded from (default: what its <meta>
    says); raw Chinese in its links' queries is percent-encoded in it.
    """
    sel = selectors or Selectors()
    codec = encoding or declared_encoding(html)
    root = parse(html)
    if root is None:
        raise NotAnArticle(url, "empty page")
    base = base_url(root, url)
    meta = read_meta(root)
    external = page.redirect_target(root, base)
    drop_noise(root)
    for pattern in sel.exclude:
        for el in select(root, pattern):
            el.drop_tree()
    # One pass sizes every element's text for the title and label-line searches.
    floor = text_floor(root)
    confirmed = page.confirmed_title(root, floor)
    layout = _layout(root, sel, confirmed, floor, redirect=False)
    if external is not None:
        # A refresh beside a whole article (a mobile-site hop, a page reload) is not
        # what the page is: its body wins. Only a page with no body of its own is the
        # redirect article some CMSs make for links to other sites.
        if layout.body is not None and len(norm(layout.body.text_content())) >= _REAL_BODY:
            external = None
        else:
            layout = _layout(root, sel, confirmed, floor, redirect=True)
    title = _title(root, sel, meta, layout, confirmed)
    if not title:
        raise NotAnArticle(url, "no title found")
    if layout.body is None and external is None:
        raise NotAnArticle(url, "no article body found")
    fields, others = _label_fields(root, sel, layout)
    published = _published(root, sel, meta, fields, tz, now)
    if published is None and not sel.date:
        published = _time_element_date(root, layout.body, tz, now)
    if published is None and not sel.date:
        published = _byline_date(root, layout, tz, now)
    content_html, text, following = "", "", None
    images: tuple[str, ...] = ()
    files: tuple[Attachment, ...] = ()
    closing: dict[str, str] = {}
    marked = _marked_author(root, layout)
    if layout.body is not None:
        following = bodies.next_part((layout.body, root), url, base, codec)
        drop = [ln.element for ln in layout.lines if ln.element is not None]
        drop += [el for el in (layout.title_el, layout.crumb, layout.summary) if el is not None]
        bodies.clean_body(layout.body, drop)
        closing = _closing_credit(layout.body)
        images, files = bodies.assets(layout.body, base, codec)
        content_html = tidy(sanitize_html(bodies.inner_html(layout.body), base, codec))
        text = html_to_text(content_html)
        if published is None and not sel.date:
            published = _sign_off_date(text, tz)
    return ArticleData(
        url=url,
        title=title,
        published=published[0] if published else None,
        date_only=published[1] if published else True,
        source=meta.source or fields.get("source") or others.get("source"),
        author=_person(meta.author)
        or _person(fields.get("author"))
        or _person(closing.get("author"))
        or marked
        or _lead_credit(text),
        editor=_first(fields, closing, others, keys=("editor", "entry")),
        category=(
            meta.category
            or _category(layout.crumb, title)
            or page.folder_link_name(root, url, base, title, layout.body)
        ),
        content_html=content_html,
        content_text=text,
        images=images,
        attachments=files,
        next_part=following,
        external_url=external,
    )


def _layout(
    root: Element,
    sel: Selectors,
    confirmed: str | None,
    floor: dict[Element, int],
    *,
    redirect: bool,
) -> _Layout:
    lines = find_label_lines(root, floor)
    title_el = _title_element(root, sel, lines, confirmed)
    crumb = page.find_breadcrumb(root)
    outside = [ln.element for ln in lines if ln.is_info and ln.element is not None]
    outside += [el for el in (title_el, crumb) if el is not None]
    chosen = select(root, sel.body) if sel.body else []
    summary = None if chosen or redirect else bodies.lead_summary(root)
    body = chosen[0] if chosen else (None if redirect else bodies.find_body(root, outside, summary))
    if title_el is not None and body is not None and not sel.title:
        heading = _heading_nearer_body(root, title_el, body)
        if heading is not None:
            return _Layout(lines, body, heading, crumb, summary, text_of(heading))
    return _Layout(lines, body, title_el, crumb, summary)


def _heading_nearer_body(root: Element, title_el: Element, body: Element) -> Element | None:
    """A page whose <title> names only the site or the column shows that name in its
    header too, which then passes for the title; the headline is the heading that
    stands between that element and the body."""
    found: Element | None = None
    after = False
    for el in elements(root):
        if el is body:
            return found
        if el is title_el:
            after = True
            continue
        if not after or el.tag not in _HEADLINE_TAGS or title_el in el.iterancestors():
            continue
        text = text_of(el)
        if not _MIN_HEADLINE <= len(text) <= _MAX_HEADLINE or el.find(".//a") is not None:
            continue
        if not split_labels(text):  # an info line set as a heading is no headline
            found = el
    return None


def _title_element(
    root: Element, sel: Selectors, lines: list[LabelLine], confirmed: str | None
) -> Element | None:
    if sel.title:
        found = select(root, sel.title)
        if found:
            return found[0]
    text = confirmed
    if text:
        for el in elements(root.find("body") if root.find("body") is not None else root):
            if text_of(el) == text and el.tag != "a":
                return bodies.outermost_same_text(el)
    info = next((ln.element for ln in lines if ln.is_info and ln.element is not None), None)
    return page.title_before(info) if info is not None else None


def _title(
    root: Element, sel: Selectors, meta: MetaFields, layout: _Layout, confirmed: str | None
) -> str | None:
    if sel.title and layout.title_el is not None:
        return clean_value(text_of(layout.title_el))
    if meta.title:
        return _without_site_suffix(meta.title, root, layout, confirmed)
    if layout.headline:
        return layout.headline
    if confirmed:
        return confirmed
    if layout.title_el is not None:
        return clean_value(page.own_text(layout.title_el))
    return page.head_title(root)


def _without_site_suffix(title: str, root: Element, layout: _Layout, confirmed: str | None) -> str:
    """og:title often carries the site's name after the headline ("标题 - 频道 - 站名"):
    when a heading on the page is the part before a separator, the heading is the title."""
    heads = [confirmed, *(text_of(h) for h in root.iter("h1", "h2"))]
    if layout.title_el is not None:
        heads.insert(0, text_of(layout.title_el))
    for head in heads:
        fits = head and len(head) < len(title) and title.startswith(head)
        if fits and _SITE_SEPARATOR.match(title[len(head or "") :]):
            return head or title
    return title


def _label_fields(root: Element, sel: Selectors, layout: _Layout) -> tuple[Fields, Fields]:
    """Fields of the info line nearest before the body, and what the other label lines
    add: editor and entry (the last line inside the body first: a template closes the
    text with its own, after any pasted with the text), and a lone source line."""
    if sel.info:
        found = select(root, sel.info)
        fields: Fields = {}
        for el in found:
            for key, value in split_labels(text_of(el)).items():
                fields.setdefault(key, value)
        return fields, {}
    order = {el: i for i, el in enumerate(elements(root))}
    limit = order.get(layout.body, len(order)) if layout.body is not None else len(order)
    infos = [ln for ln in layout.lines if ln.is_info and ln.element is not None]
    before = [ln for ln in infos if order.get(ln.element, 0) <= limit]
    info = (before[-1] if before else infos[0]) if infos else None
    body = layout.body
    in_body = [
        ln
        for ln in layout.lines
        if body is not None and ln.element is not None and bodies.inside(ln.element, body)
    ]
    others: Fields = {}
    for line in reversed(in_body):
        for key in ("editor", "entry"):
            if others.get(key) is None and line.fields.get(key):
                others[key] = line.fields[key]
    for line in layout.lines:
        keys = ("editor", "entry") if line.is_info else ("editor", "entry", "source")
        for key in keys:
            if others.get(key) is None and line.fields.get(key):
                others[key] = line.fields[key]
    return (dict(info.fields) if info else {}), others


def _first(*layers: Mapping[str, str | None], keys: tuple[str, ...]) -> str | None:
    """The first value of ``keys`` in order, each key looked up through every layer."""
    for key in keys:
        for layer in layers:
            value = layer.get(key)
            if value:
                return value
    return None


def _closing_credit(body: Element) -> dict[str, str]:
    """Author, editor or entry that the body's last line credits; an editor or entry
    line is the template's, not the article's text, and leaves the body."""
    lines = block_text(body).rsplit("\n", 1)
    found = closing_fields(lines[-1])
    if found.keys() & {"editor", "entry"}:
        bodies.drop_closing_text(body, lines[-1])
    return found


def _published(
    root: Element,
    sel: Selectors,
    meta: MetaFields,
    fields: dict[str, str | None],
    tz: tzinfo,
    now: datetime,
) -> tuple[datetime, bool] | None:
    if sel.date:
        # The configured element overrides every automatic source, even when it
        # holds no date: a broken selector must show, not be papered over.
        for el in select(root, sel.date):
            found = parse_date(text_of(el), tz, now)
            if found:
                return found
        return None
    if meta.published:
        found = parse_meta_date(meta.published, tz, now)
        if found:
            return found
    for key in ("date", "lead", "trail"):
        value = fields.get(key)
        found = parse_date(value, tz, now) if value else None
        if found:
            return found
    return None


def _time_element_date(
    root: Element, body: Element | None, tz: tzinfo, now: datetime
) -> tuple[datetime, bool] | None:
    """A bare date in an element the template names for it (``span#p_publishtime``).

    Only ahead of the body's end and outside list rows: sidebars list other articles
    with their own dates, and a list row's date is that article's.
    """
    order = {el: i for i, el in enumerate(elements(root))}
    last = (
        max((order.get(el, 0) for el in elements(body)), default=len(order))
        if body is not None
        else len(order)
    )
    for el in page.publish_time_elements(root):
        if order.get(el, len(order)) > last:
            break
        found = parse_date(text_of(el), tz, now)
        if found:
            return found
    return None


# Markup that says "the author's name is here": a class or itemprop naming the
# author (author, postauthor, post-author, entry-author), a link with rel="author", or
# a person icon whose text follows it.
_AUTHOR_CLASS = re.compile(r"author", re.IGNORECASE)
_PERSON_ICON = frozenset({"fa-user", "icon-user", "glyphicon-user", "fa-user-o", "fa-user-circle"})
_BY = re.compile(
    r"^(?:(?:作者|文|发布者|發布者|发布人|by)\s*[:：/／]?\s*)?"
    r"(?P<name>[\w·.\-]{2,20}(?: [\w·.\-]{1,20})?)"
    r"(?:\s+(?:posted|发表于|發表於|发布于|發佈於)\b.*)?$",
    re.IGNORECASE,
)
_MAX_MARKED = 60
_MARK_INTO_BODY = 30
_POSTED = re.compile(
    r"由\s*(?P<name>[^\s，,：:]{2,20})\s*(?:发布|發布|发表|發表)"
    r"|^(?P<name2>[\w·.\-]{2,20})\s+(?:posted|发表于|發表於)\b"
    r"|\bposted by\s+(?P<name3>[\w·.\-]{2,20})",
    re.IGNORECASE,
)


def _marked_author(root: Element, layout: _Layout) -> str | None:
    """An author the markup marks before the text (blogs, forums, news templates that
    print a name with no 作者 label): the first such mark from the page's start to a
    little way into the body (whose container may hold the post's header), when what
    it holds reads as a name; else a byline such as "由 X 发布" or "X Posted on …"
    between the headline and the body."""
    if layout.body is None:
        return None
    body = layout.body
    into_body = -1
    for el in elements(root):
        if el is body:
            into_body = 0
        elif into_body >= 0:
            into_body += 1
            if into_body > _MARK_INTO_BODY or body not in el.iterancestors():
                break
        name = _mark(el)
        if name is not None:
            return name
    return _posted_by(root, layout)


def _mark(el: Element) -> str | None:
    classes = (el.get("class") or "").lower().split()
    if any("comment" in token or "reply" in token for token in classes):
        return None  # a commenter, not the author
    if any(token in _PERSON_ICON for token in classes):
        return _name_in(el.tail or "")
    if not (
        any(_AUTHOR_CLASS.search(token) for token in classes)
        or (el.get("itemprop") or "").lower() == "author"
        or (el.tag == "a" and (el.get("rel") or "").lower() == "author")
    ):
        return None
    name = _name_in(el.text_content())
    if name is not None:
        return name
    # A forum's author box holds the name in its first link, beside ranks and counts.
    for inner in el.iter("a", "cite", "strong", "b"):
        if inner is not el:
            return _name_in(inner.text_content())
    return None


def _posted_by(root: Element, layout: _Layout) -> str | None:
    if layout.title_el is None:
        return None
    after = False
    for el in elements(root):
        if el is layout.body:
            return None
        if el is layout.title_el:
            after = True
            continue
        if not after or layout.title_el in el.iterancestors():
            continue
        text = norm(el.text_content())
        if text and len(text) <= _MAX_MARKED:
            found = _POSTED.search(text)
            if found is not None:
                return _name_in(found.group("name") or found.group("name2") or found.group("name3"))
    return None


def _name_in(text: str) -> str | None:
    text = norm(text)
    if not text or len(text) > _MAX_MARKED:
        return None
    found = _BY.match(text)
    if found is None:
        return None
    name = found.group("name").strip()
    # A count, a date or a time is no name; nor is a placeholder such as 佚名 or admin.
    if sum(ch.isdigit() for ch in name) > 2 or clean_value(name) != name:
        return None
    return name


# A wire story's dateline, "澎湖縣28日電", "北京3月1日电": where and when, never who.
_DATELINE = re.compile(r"\d{1,2}\s*日\s*[电電]$")


def _person(value: str | None) -> str | None:
    return None if value is None or _DATELINE.search(value) else value


def _lead_credit(text: str) -> str | None:
    """The reporter a news text names at its start: "（李东生 报道）", "记者 王五 报道",
    "記者林悅／台北報導", after an optional "X网讯：" dateline. The credit may start
    one of the first lines: a photo caption ("▲…（圖／記者X翻攝）") often comes first."""
    for line in text.split("\n", _LEAD_LINES)[:_LEAD_LINES]:
        found = _LEAD_CREDIT.search(line.strip()[:_LEAD_CREDIT_SPAN])
        if found is not None:
            names = found.group("bracketed") or found.group("by") or found.group("names")
            return norm(names) if names else None
    return None


def _byline_date(
    root: Element, layout: _Layout, tz: tzinfo, now: datetime
) -> tuple[datetime, bool] | None:
    """A bare full date printed between the headline and the body (a byline with no
    label, no meta, no ``<time>``): only a short text counts, so prose never does."""
    if layout.title_el is None or layout.body is None:
        return None
    after = -1
    for el in elements(root):
        if el is layout.body or after > _MAX_BYLINE_SCAN:
            return None
        if el is layout.title_el:
            after = 0
            continue
        if after < 0 or layout.title_el in el.iterancestors():
            continue
        after += 1
        text = norm("".join(el.xpath("text()")))
        if text and len(text) <= _MAX_BYLINE:
            found = find_dates(text, tz, now, year_less=False)
            if found:
                return found[0]
    return None


def _sign_off_date(text: str, tz: tzinfo) -> tuple[datetime, bool] | None:
    """The date of a body that closes with one (落款日期), when the page states no other.

    Chinese notices end with the issuer and the date, on one line or two; only a short
    last line that ends in a full date counts, so a date quoted in prose never does.
    """
    last = text.rsplit("\n", 1)[-1].strip()
    if not last or len(last) > _MAX_SIGN_OFF:
        return None
    return closing_date(last, tz)


def _category(crumb: Element | None, title: str) -> str | None:
    return page.breadcrumb_category(crumb, title) if crumb is not None else None


_BETWEEN_TAGS = re.compile(r">[ \t\r\n]+<")
_BEFORE_CLOSE = re.compile(r"[ \t\r\n]+(</(?:p|div|li|td|th|h[1-6]|blockquote|figcaption)>)")


def tidy(html: str) -> str:
    """Layout whitespace between tags becomes one newline: same meaning, stable bytes."""
    html = _BEFORE_CLOSE.sub(r"\1", html.strip())
    return _BETWEEN_TAGS.sub(">\n<", html)


def html_to_text(html: str) -> str:
    """Plain text of sanitized HTML, one paragraph per line."""
    if not html.strip():
        return ""
    try:
        wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    return block_text(wrapper)


def join_parts(parts: Sequence[ArticleData]) -> ArticleData:
    """One article from its parts: bodies joined without breaking a cut sentence."""
    if not parts:
        raise NotAnArticle("", "no parts to join")
    first = parts[0]
    html = first.content_html
    for part in parts[1:]:
        html = _join_html(html, part.content_html)
    images = dict.fromkeys(img for p in parts for img in p.images)
    files: dict[str, Attachment] = {}
    for part in parts:
        for f in part.attachments:
            files.setdefault(f.url, f)
    content_html = tidy(sanitize_html(html, first.url))
    return replace(
        first,
        content_html=content_html,
        content_text=html_to_text(content_html),
        images=tuple(images),
        attachments=tuple(files.values()),
        next_part=None,
    )


_BLOCK_START = re.compile(r"<(?:p|div|table|ul|ol|h[1-6]|blockquote|pre|figure|hr)\b", re.I)


def _join_html(left: str, right: str) -> str:
    """Glue two part bodies; when the left one stops mid-sentence, continue its paragraph."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right or _SENTENCE_END.search(html_to_text(left)):
        return left + right
    if not left.endswith("</p>"):
        return left + right
    left = left[: -len("</p>")]
    if right.startswith("<p>"):
        return left + right[len("<p>") :]
    block = _BLOCK_START.search(right)
    if block is None:
        return left + right + "</p>"
    return left + right[: block.start()] + "</p>" + right[block.start() :]
