"""Machine-readable fields some templates carry: government <meta>, JSON-LD, Open Graph.

When present they are more reliable than anything read from the layout, so they are
consulted first, each family only for the fields it really states.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from syndicator.extract.dates import parse_date
from syndicator.extract.text import Element, clean_value

# "2007-08-20-23:59:59": TRS joins date and time with a hyphen.
_DASHED_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})-(\d{1,2}:\d{2})")


@dataclass(frozen=True, slots=True)
class MetaFields:
    title: str | None = None
    published: str | None = None
    source: str | None = None
    author: str | None = None
    category: str | None = None


def read_meta(root: Element) -> MetaFields:
    """Government meta first, then JSON-LD, then og:/article: tags, field by field."""
    # Each read once: the <meta> tags and the JSON-LD items serve every layer.
    metas = _metas(root)
    items = _ld_scripts(root)
    layers = (_government(metas), _json_ld(items), _open_graph(metas))
    sites = _site_names(metas, items)

    def first(name: str) -> str | None:
        for layer in layers:
            value = clean_value(layer.get(name))
            # The site or its publisher named as the author is no author (news sites
            # put their own name there when a story has no byline in the metas).
            if value and not (name == "author" and _norm_name(value) in sites):
                return value
        return None

    return MetaFields(
        first("title"), first("published"), first("source"), first("author"), first("category")
    )


def _norm_name(text: str) -> str:
    return "".join(text.split()).casefold()


def _site_names(metas: dict[str, str], items: list[dict[str, Any]]) -> set[str]:
    """The names a page gives its site: og:site_name, application-name, and the
    publisher (or an organisation as author) of its JSON-LD."""
    names = {metas.get(n, "") for n in ("og:site_name", "application-name", "twitter:site")}
    for item in items:
        for key in ("publisher", "author", "sourceOrganization"):
            value = item.get(key)
            for entry in value if isinstance(value, list) else [value]:
                if isinstance(entry, dict) and _organisation(entry):
                    names.add(str(entry.get("name") or ""))
                elif key == "publisher" and isinstance(entry, str):
                    names.add(entry)
    return {_norm_name(n) for n in names if n and n.strip()}


def _ld_scripts(root: Element) -> list[dict[str, Any]]:
    """The JSON-LD items of the page, every script parsed, in document order."""
    items: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data: Any = json.loads(script.text or "")
        except ValueError:
            continue
        items += _ld_items(data)
    return items


def _organisation(entry: dict[str, Any]) -> bool:
    kind = entry.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.endswith(("Organization", "Corporation")) for k in kinds)


def _metas(root: Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = meta.get("name") or meta.get("property") or ""
        content = meta.get("content")
        if name and content and name not in found:
            found[name] = content
    return found


# Article-level publish times: Hanweb and most provincial templates print PubDate,
# gov.cn's TRS templates firstpublishedtime ("2007-08-20-23:59:59").
_PUBLISHED_NAMES = ("PubDate", "firstpublishedtime")


def _government(metas: dict[str, str]) -> dict[str, str]:
    # Lower-case "author" is the generic HTML tag, often naming the site or its vendor;
    # these names are trusted only on templates that also carry ArticleTitle or a
    # publish time, and "author" only beside a publish time: then the metas are the
    # article's own, written by the CMS for this page.
    dated = any(name in metas for name in _PUBLISHED_NAMES)
    if not (dated or "ArticleTitle" in metas):
        return {}
    wanted = {
        "ArticleTitle": "title",
        "PubDate": "published",
        "firstpublishedtime": "published",
        "ContentSource": "source",
        "Author": "author",
        "ColumnName": "category",
    }
    if dated:
        wanted["author"] = "author"
    found: dict[str, str] = {}
    for name, field in wanted.items():
        if name in metas:
            found.setdefault(field, metas[name])
    return found


def _open_graph(metas: dict[str, str]) -> dict[str, str]:
    wanted = {
        "og:title": "title",
        "article:published_time": "published",
        "article:author": "author",
        "article:section": "category",
    }
    found = {field: metas[name] for name, field in wanted.items() if name in metas}
    if "://" in found.get("author", ""):
        del found["author"]
    return found


def _json_ld(items: list[dict[str, Any]]) -> dict[str, str]:
    for item in items:
        found = _ld_fields(item)
        if found:
            return found
    return {}


def _ld_items(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [x for x in data if isinstance(x, dict)]
    if isinstance(data, dict):
        graph = data.get("@graph")
        return _ld_items(graph) if isinstance(graph, list) else [data]
    return []


def _ld_fields(item: dict[str, Any]) -> dict[str, str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    if not any(isinstance(k, str) and k.endswith(("Article", "Posting")) for k in kinds):
        return {}
    found: dict[str, str] = {}
    for key, field in (
        ("headline", "title"),
        ("datePublished", "published"),
        ("articleSection", "category"),
    ):
        value = item.get(key)
        if isinstance(value, str):
            found[field] = value
    author = _ld_name(item.get("author"))
    if author:
        found["author"] = author
    return found


def _ld_name(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return "、".join(names) if names else None
    return None


def parse_meta_date(text: str, tz: tzinfo, now: datetime) -> tuple[datetime, bool] | None:
    """ISO 8601 with an offset is honoured; anything else is read as local time in ``tz``."""
    candidate = _DASHED_TIME.sub(r"\1 \2", text.strip())
    if "T" in candidate or "+" in candidate or candidate.endswith("Z"):
        try:
            value = datetime.fromisoformat(candidate.replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is not None and value.tzinfo is not None:
            return value.astimezone(tz), False
    return parse_date(candidate, tz, now)
