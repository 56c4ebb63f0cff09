"""What a notification says: the webhook body, mail subjects and bodies (Jinja2
templates under ``templates/``), and the Apprise title and text.

Everything here is a pure function of the delivery's stored payload, so a retry sends
exactly what the first attempt sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from syndicator.feeds import entry_id
from syndicator.models import Article, Delivery, EventType

_env = Environment(
    loader=PackageLoader("syndicator.notify", "templates"),
    autoescape=select_autoescape(["html"]),
    keep_trailing_newline=True,
)


def file_size(size: object) -> str:
    """A file size as people read it ("182 KB", "3.4 MB"); empty when unknown."""
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return ""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


_env.filters["file_size"] = file_size


def describer(public_url: str, fmt: str = "atom") -> Callable[[Article], dict[str, Any]]:
    """The payload of an article event (SPEC §7 ``data``), with the feeds' own entry id
    and the category feed's URL; ``runtime.service`` hands it to the poll's planner."""
    base = public_url.rstrip("/")

    def describe(article: Article) -> dict[str, Any]:
        feed = f"{base}/feeds/{article.site}/{article.category}.{fmt}"
        return article.event_data(entry_id(article), feed)

    return describe


def zulu(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def webhook_body(delivery: Delivery) -> dict[str, Any]:
    """SPEC §7: ``{"type", "timestamp", "data"}``; the timestamp is when the event
    happened, the same on every retry."""
    return {"type": delivery.event, "timestamp": zulu(delivery.created), "data": delivery.data}


_ALERT_SUBJECTS = {
    EventType.BROKEN: "[syndicator] 栏目失效：{site}/{category} {category_name}",
    EventType.RECOVERED: "[syndicator] 栏目恢复：{site}/{category} {category_name}",
    EventType.DEAD: "[syndicator] 通知投递失败：{channel}",
    EventType.TEST: "[syndicator] 测试消息（{channel}）",
}


def subject(delivery: Delivery) -> str:
    data = delivery.data
    if delivery.event == EventType.PUBLISHED:
        return f"[{data['category_name']}] {data['title']}"
    if delivery.event == EventType.UPDATED:
        return f"[{data['category_name']}] {data['title']}（已更新）"
    template = _ALERT_SUBJECTS.get(delivery.event, "[syndicator] {event}")
    fields = {
        "site": "",
        "category": "",
        "category_name": "",
        "channel": delivery.channel,
        **data,
        "event": delivery.event,
    }
    return template.format(**fields)


def _template(delivery: Delivery) -> str:
    return "article" if delivery.event in (EventType.PUBLISHED, EventType.UPDATED) else "alert"


def bodies(delivery: Delivery) -> tuple[str, str]:
    """Plain text and HTML of one notification."""
    name = _template(delivery)
    context = {
        "d": delivery.data,
        "event": delivery.event,
        "channel": delivery.channel,
        "subject": subject(delivery),
        "created": zulu(delivery.created),
    }
    return (
        _env.get_template(f"{name}.txt").render(context),
        _env.get_template(f"{name}.html").render(context),
    )


def digest_subject(deliveries: Sequence[Delivery]) -> str:
    names = list(dict.fromkeys(str(d.data.get("category_name", "")) for d in deliveries))
    return f"[{'、'.join(n for n in names if n) or 'syndicator'}] {len(deliveries)} 篇新文章"


def digest_bodies(deliveries: Sequence[Delivery]) -> tuple[str, str]:
    context = {"items": [d.data for d in deliveries], "subject": digest_subject(deliveries)}
    return (
        _env.get_template("digest.txt").render(context),
        _env.get_template("digest.html").render(context),
    )
