"""What every feed format shares: the feed's description, entry identity and entry text.

Kept apart from the serializers so that Atom, RSS and JSON Feed cannot drift: they all
take their ids, dates, authors, summaries and entry HTML from here.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from syndicator.errors import ConfigError
from syndicator.models import Article, Attachment, summarize

FORMATS: tuple[str, ...] = ("atom", "rss", "json")

CONTENT_TYPES: dict[str, str] = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}

# An empty feed still needs an `updated`; a fixed instant (not now()) keeps the bytes,
# and so the ETag, identical until the first article arrives.
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


# XML 1.0 allows only these; feedgen raises on anything else, and JSON readers choke too.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# RFC 4151 lets a tag's specific part hold pchar, "/" and "?"; everything else is escaped.
_TAG_SAFE = "/?:@!$&'()*+,;=-._~"
_LONE_PERCENT = re.compile("%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class FeedMeta:
    """One served feed: where it lives, what it is called, and how it renders."""

    path: str
    title: str
    description: str
    home_page_url: str
    public_url: str
    hubs: tuple[str, ...] = ()
    language: str = "zh-CN"
    max_items: int = 50
    full_content: bool = True
    timezone: str = "Asia/Shanghai"
    ttl_minutes: int | None = None
    author: str | None = None

    def url(self, fmt: str) -> str:
        check_format(fmt)
        return f"{self.public_url.rstrip('/')}/{self.path.strip('/')}.{fmt}"

    @property
    def feed_id(self) -> str:
        """Tied to the path, not the public URL, so moving the service keeps feed ids."""
        return f"tag:syndicator,2024:{quote(self.path.strip('/'), safe=_TAG_SAFE)}"

    @property
    def author_name(self) -> str:
        """Who a feed reader shows when an article names nobody (Atom requires someone)."""
        return self.author or self.title


def check_format(fmt: str) -> None:
    if fmt not in CONTENT_TYPES:
        raise ConfigError(
            f"unknown feed format {fmt!r}; use one of {', '.join(FORMATS)}", key="feeds.formats"
        )


def content_type(fmt: str) -> str:
    check_format(fmt)
    return CONTENT_TYPES[fmt]


def entry_id(article: Article) -> str:
    """The id readers deduplicate on; built only from site and key so it never changes.

    Escapes already present in a URL key are kept, so "a%20b" does not turn into
    "a%2520b"; a lone "%" is escaped itself.
    """
    site = quote(article.site, safe="-._~")
    key = _LONE_PERCENT.sub("%25", article.key)
    return f"tag:syndicator,2024:{site}/{quote(key, safe=_TAG_SAFE + '%')}"


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _clean_optional(text: str | None) -> str | None:
    return None if text is None else xml_safe(text)


def clean_article(article: Article) -> Article:
    """Drop characters no XML document may contain from every text the feeds show."""
    return dataclasses.replace(
        article,
        title=xml_safe(article.title),
        url=xml_safe(article.url),
        source=_clean_optional(article.source),
        author=_clean_optional(article.author),
        editor=_clean_optional(article.editor),
        category_name=xml_safe(article.category_name),
        content_html=xml_safe(article.content_html),
        content_text=xml_safe(article.content_text),
        images=tuple(xml_safe(i) for i in article.images),
        attachments=tuple(
            dataclasses.replace(f, url=xml_safe(f.url), title=xml_safe(f.title))
            for f in article.attachments
        ),
        external_url=_clean_optional(article.external_url),
    )


def enclosure_type(file: Attachment) -> str:
    """The media type a feed states for an attachment; every format requires one, and
    this is the type for "some file" when neither the server nor the name said."""
    return file.mime_type or "application/octet-stream"


def select_articles(meta: FeedMeta, articles: Sequence[Article]) -> list[Article]:
    """Newest first by published, one entry per id, at most max_items.

    first_seen and then key break ties so equal dates keep one order. An article handed
    in twice keeps only its latest version: readers silently drop all but one of a
    repeated id, and not necessarily the right one.
    """
    latest: dict[str, Article] = {}
    for candidate in articles:
        ident = entry_id(candidate)
        kept = latest.get(ident)
        if kept is None or (candidate.updated, candidate.published) > (
            kept.updated,
            kept.published,
        ):
            latest[ident] = candidate
    ordered = sorted(
        latest.values(), key=lambda a: (a.published, a.first_seen, a.key), reverse=True
    )
    return [clean_article(a) for a in ordered[: max(meta.max_items, 0)]]


def feed_updated(articles: Sequence[Article]) -> datetime:
    """The newest content change, never the build time: same data gives same bytes."""
    return max((a.updated for a in articles), default=EMPTY_FEED_UPDATED)


def local_time(meta: FeedMeta, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(meta.timezone))


def entry_author(article: Article) -> str | None:
    """The article's own author, else its 来源; None lets the feed-level author apply."""
    for name in (article.author, article.source):
        if name and name.strip():
            return name.strip()
    return None


def summary(article: Article) -> str:
    return summarize(article.content_text)


def _byline(article: Article) -> str:
    labels = (("来源", article.source), ("作者", article.author), ("责任编辑", article.editor))
    parts = [
        f"{label}：{html.escape(value.strip())}"
        for label, value in labels
        if value and value.strip()
    ]
    return f"<p>{'　'.join(parts)}</p>" if parts else ""


def _read_more(article: Article) -> str:
    return f'<p><a href="{html.escape(article.url, quote=True)}">阅读原文</a></p>'


def entry_html(meta: FeedMeta, article: Article) -> str:
    """The body readers see: who wrote it, the text (or its summary), and the way back."""
    short = f"<p>{html.escape(summary(article))}</p>"
    body = article.content_html if meta.full_content else short
    return _byline(article) + body + _read_more(article)
