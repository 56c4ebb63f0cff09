"""Pure decisions of the update pipeline: no I/O, no clock, no database.

Given what a list page and an article page said, build the article to store and decide
whether it is new, changed or nothing to do. Kept apart from the pipeline so each rule is
tested with plain values.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import datetime, time, tzinfo

from syndicator.models import (
    Article,
    ArticleData,
    ArticleIntent,
    Attachment,
    CategorySpec,
    CategoryState,
    CategoryStatus,
    Change,
    ListItem,
    PollRecord,
    attachment_urls,
)

BROKEN_AFTER = 3

TRUNCATION_MARKS = ("…", "...")


def content_hash(
    title: str,
    content_text: str,
    source: str | None,
    author: str | None,
    editor: str | None,
    images: tuple[str, ...] = (),
    attachments: tuple[str, ...] = (),
) -> str:
    """What counts as "the content": a change here is an update (``updated`` moves in
    the feeds, ``on_update`` subscriptions hear of it).

    Made of what a reader sees: the text with its spacing folded, not the markup, so a
    portal re-rendering the same article (a new CSS class, a re-ordered attribute) is no
    update; images and attachments by address, so a replaced PDF is one.
    """
    digest = hashlib.sha256()
    parts = (title, " ".join(content_text.split()), source or "", author or "", editor or "")
    for part in (*parts, *images, "\x1e", *attachments):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def file_facts(file: Attachment, content_type: str | None, length: int | None) -> Attachment:
    """An attachment with what a HEAD request said of it. A type the server names wins
    over the one its extension implies, except an HTML answer (a download page or a
    login wall stands where the file should be, and its size is not the file's) and the
    say-nothing ``application/octet-stream``."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        return file
    named = "/" in media and " " not in media and media != "application/octet-stream"
    return replace(
        file,
        mime_type=media if named else file.mime_type or media or None,
        length=length,
    )


def list_signature(item: ListItem) -> str:
    """What a list says of an article, to notice when it says something else: a new
    title, date or link on the list is the portal's own sign of a correction."""
    day = item.published.date().isoformat() if item.published else ""
    text = "\x1f".join((item.url, one_line(item.title), day))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def resolve_published(
    page: datetime | None,
    page_date_only: bool,
    listed: datetime | None,
    listed_date_only: bool,
    first_seen: datetime,
    tz: tzinfo,
) -> tuple[datetime, bool]:
    """The publish time to show, and whether its time of day was made up.

    A time given by the portal wins (the article page first, then the list's tooltip when
    it is on the same day). When the portal gives only a date, the first-seen time is
    used if it falls on that date, else the start of that date: an article first seen
    days later (a backfill) must not look newer than it is.
    """
    if page is not None and not page_date_only:
        return page, False
    if (
        listed is not None
        and not listed_date_only
        and (page is None or listed.astimezone(tz).date() == page.astimezone(tz).date())
    ):
        return listed, False
    day_source = page if page is not None else listed
    if day_source is None:
        return first_seen, True
    day = day_source.astimezone(tz).date()
    seen_local = first_seen.astimezone(tz)
    if seen_local.date() == day:
        return seen_local.replace(microsecond=0), True
    return datetime.combine(day, time(0, 0), tzinfo=tz), True


def choose_title(page_title: str, listed_title: str) -> str:
    """The article page's title, unless it is missing or truncated and the list's is not."""
    page_title = page_title.strip()
    listed_title = listed_title.strip()
    if not page_title:
        return listed_title
    if (
        page_title.endswith(TRUNCATION_MARKS)
        and listed_title
        and not listed_title.endswith(TRUNCATION_MARKS)
    ):
        return listed_title
    return page_title


def build_article(
    spec: CategorySpec,
    key: str,
    item: ListItem,
    data: ArticleData,
    first_seen: datetime,
    tz: tzinfo,
    *,
    baseline: bool,
) -> Article:
    published, date_only = resolve_published(
        data.published, data.date_only, item.published, item.date_only, first_seen, tz
    )
    title = one_line(choose_title(data.title, item.title))
    source, author, editor = (
        one_line(v) if v is not None else None for v in (data.source, data.author, data.editor)
    )
    text = _CONTROL.sub("", data.content_text)
    return Article(
        site=spec.site_id,
        category=spec.id,
        key=key,
        url=item.url,
        title=title,
        published=published,
        date_only=date_only,
        first_seen=first_seen,
        updated=first_seen,
        source=source,
        author=author,
        editor=editor,
        category_name=spec.name,
        content_html=data.content_html,
        content_text=text,
        images=data.images,
        attachments=data.attachments,
        content_hash=content_hash(
            title, text, source, author, editor, data.images, attachment_urls(data.attachments)
        ),
        external_url=data.external_url,
        baseline=baseline,
        listed=list_signature(item),
    )


# C0 and C1 controls but tab and newline: a page's "&#1;" decodes to one, and it would
# reach mail subjects, webhook JSON and feeds.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """A field shown on one line (a title, a name): no control character, no line break."""
    return " ".join(_CONTROL.sub(" ", text).split())


def decide(candidate: Article, existing: Article | None, *, notify: bool) -> ArticleIntent | None:
    """New, changed (the content hash moved), relisted (only the list entry moved), or
    nothing to store.

    A change keeps the article's identity, first sighting and publish time; only the
    content, the list signature and ``updated`` move. ``notify`` says whether the event
    may be announced at all (never for a baseline or a backfill).
    """
    if existing is None:
        return ArticleIntent(article=candidate, change=Change.NEW, notify=notify)
    listed = candidate.listed or existing.listed
    if existing.content_hash == candidate.content_hash:
        if listed == existing.listed:
            return None
        return ArticleIntent(
            article=replace(existing, listed=listed), change=Change.RELISTED, notify=False
        )
    changed = replace(
        existing,
        title=candidate.title,
        updated=candidate.first_seen,
        source=candidate.source,
        author=candidate.author,
        editor=candidate.editor,
        content_html=candidate.content_html,
        content_text=candidate.content_text,
        images=candidate.images,
        attachments=candidate.attachments,
        content_hash=candidate.content_hash,
        external_url=candidate.external_url,
        listed=listed,
    )
    return ArticleIntent(article=changed, change=Change.CHANGED, notify=notify)


def is_baseline(polls_so_far: int, stored_in_category: int, notify_on_first_poll: bool) -> bool:
    """The first poll of a category records what is already there without alerting."""
    if notify_on_first_poll:
        return False
    return polls_so_far == 0 and stored_in_category == 0


def next_state(
    prev: CategoryState, record: PollRecord, *, broken_after: int = BROKEN_AFTER
) -> CategoryState:
    """The category's health after one poll.

    ``failing`` is about reaching the portal (it heals with the next good poll);
    ``broken`` is about its layout: the list yields nothing, or every new article fails
    extraction, ``broken_after`` polls in a row. A 304 repeats the previous answer, so it
    extends an empty streak and leaves the extraction streak alone (validators are not
    kept after a poll with failed articles, so those are retried, never hidden behind a
    304). A broken category stays broken through network failures
    until a good poll shows the layout works again.
    """
    empty, extract = prev.empty_polls, prev.extract_failures
    if record.ok and record.not_modified:
        # The same answer as last time: an empty list is still empty.
        empty = empty + 1 if empty else 0
    elif record.ok:
        empty = empty + 1 if record.items == 0 else 0
        if record.new > 0:
            extract = 0
        elif record.failed_articles > 0:
            extract += 1
    if not record.ok:
        status = (
            CategoryStatus.BROKEN
            if prev.status == CategoryStatus.BROKEN
            else CategoryStatus.FAILING
        )
    elif empty >= broken_after or extract >= broken_after:
        status = CategoryStatus.BROKEN
    else:
        status = CategoryStatus.OK
    return replace(
        prev,
        last_poll=record.finished,
        last_success=record.finished if record.ok else prev.last_success,
        last_error=None if record.ok else record.error,
        consecutive_failures=0 if record.ok else prev.consecutive_failures + 1,
        empty_polls=empty,
        extract_failures=extract,
        polls=prev.polls + 1,
        status=status,
        status_since=record.finished if status != prev.status else prev.status_since,
    )
