"""JSON Feed 1.1, written by hand: the format is small and no library keeps key order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from syndicator.feeds.meta import (
    FeedMeta,
    enclosure_type,
    entry_author,
    entry_html,
    entry_id,
    local_time,
    select_articles,
    summary,
)
from syndicator.models import Article, Attachment

VERSION = "https://jsonfeed.org/version/1.1"


def build_json(meta: FeedMeta, articles: Sequence[Article]) -> bytes:
    selected = select_articles(meta, articles)
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": meta.title,
        "home_page_url": meta.home_page_url,
        "feed_url": meta.url("json"),
        "description": meta.description or meta.title,
        "language": meta.language,
        "authors": [{"name": meta.author_name}],
    }
    if meta.hubs:
        feed["hubs"] = [{"type": "WebSub", "url": hub} for hub in meta.hubs]
    feed["items"] = [_item(meta, article) for article in selected]
    text = json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
    return text.encode("utf-8")


def _attachment(file: Attachment) -> dict[str, Any]:
    out: dict[str, Any] = {"url": file.url, "mime_type": enclosure_type(file)}
    if file.title:
        out["title"] = file.title
    if file.length is not None:
        out["size_in_bytes"] = file.length
    return out


def _item(meta: FeedMeta, article: Article) -> dict[str, Any]:
    item: dict[str, Any] = {"id": entry_id(article), "url": article.url}
    if article.external_url:
        item["external_url"] = article.external_url
    item["title"] = article.title
    item["content_html"] = entry_html(meta, article)
    item["content_text"] = article.content_text if meta.full_content else summary(article)
    item["summary"] = summary(article)
    if article.images:
        item["image"] = article.images[0]
    item["date_published"] = local_time(meta, article.published).isoformat()
    item["date_modified"] = local_time(meta, article.updated).isoformat()
    author = entry_author(article)
    if author:
        item["authors"] = [{"name": author}]
    if article.attachments:
        item["attachments"] = [_attachment(f) for f in article.attachments]
    if article.category_name:
        item["tags"] = [article.category_name]
    return item
