"""What the replica portal holds: its categories and articles, as the CMS database would.

The catalog is the single source of truth for both the rendered pages and the test
oracle (``PortalArticle``). Initial content is generated from a seed over a fixed window
(December 2022 to March 2023, so year-less list dates cross a year boundary); article
2603 is always the real seed page's article, split over two parts.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from syndicator.demo import content

SHANGHAI = ZoneInfo("Asia/Shanghai")
EDITOR = "zgkjcx"
SEED_ARTICLE_ID = 2603
SEED_PUBLISHED = datetime(2023, 3, 1, 14, 47, tzinfo=SHANGHAI)
WINDOW_START = datetime(2022, 12, 5, tzinfo=SHANGHAI)
WINDOW_DAYS = 105
PLACEHOLDER_AUTHORS = frozenset({"佚名", "未知"})
PLACEHOLDER_SOURCES = frozenset({"本站原创"})


@dataclass(frozen=True, slots=True)
class Category:
    """A class (栏目). ``customised`` classes are generated as static HTML with the
    portal's own templates; the others stay dynamic ASP with stock SiteWeaver markup."""

    slug: str
    name: str
    class_id: int
    customised: bool
    show_type: int  # list layout: 2 table rows, 5 div rows, 1 <br /> lines


CATEGORIES: tuple[Category, ...] = (
    Category("kjyw", "科技要闻", 1, True, 2),
    Category("dfkj", "地方科技", 2, True, 2),
    Category("kjcg", "科技成果", 3, False, 1),
    Category("kjrw", "科技人物", 5, False, 5),
)


@dataclass(frozen=True, slots=True)
class Image:
    after: int  # index of the paragraph the image follows
    path: str  # below /Article/, e.g. "UploadFiles_7788/202303/20230301144701.jpg"


@dataclass(frozen=True, slots=True)
class Entry:
    """An article as the CMS stores it, placeholders included."""

    id: int
    slug: str
    title: str
    published: datetime
    modified: datetime
    source: str
    author: str
    paragraphs: tuple[str, ...]
    images: tuple[Image, ...] = ()
    part_starts: tuple[int, ...] = (0,)  # first paragraph index of each part
    hits: int = 0
    elite: bool = False


@dataclass(frozen=True, slots=True)
class PortalArticle:
    """What a correct extractor should find for one article (the tests' oracle).

    ``author``/``source`` are None where the CMS holds a placeholder (佚名, 未知,
    本站原创). The customised article page prints no author (only list tooltips do),
    and stock pages print only the date (``date_only``). ``paragraphs`` are the body's
    text paragraphs without the "　　" indent, all parts joined; ``images`` are absolute.
    """

    id: int
    url: str
    category_slug: str
    category: str
    title: str
    published: datetime
    date_only: bool
    source: str | None
    author: str | None
    editor: str | None
    paragraphs: tuple[str, ...]
    images: tuple[str, ...]
    parts: int
    modified: datetime


def category(slug: str) -> Category:
    for cat in CATEGORIES:
        if cat.slug == slug:
            return cat
    raise KeyError(f"unknown category {slug!r}")


def category_by_class(class_id: int) -> Category | None:
    return next((c for c in CATEGORIES if c.class_id == class_id), None)


def article_path(entry: Entry, part: int = 1) -> str:
    """Generated pages for customised classes, ShowArticle.asp for the others."""
    if category(entry.slug).customised:
        suffix = "" if part == 1 else f"_{part}"
        return f"/Article/{entry.slug}/{entry.published:%Y%m}/{entry.id}{suffix}.html"
    page = "" if part == 1 else f"&Page={part}"
    return f"/Article/ShowArticle.asp?ArticleID={entry.id}{page}"


def to_public(entry: Entry, base_url: str) -> PortalArticle:
    cat = category(entry.slug)
    root = base_url.rstrip("/")
    return PortalArticle(
        id=entry.id,
        url=root + article_path(entry),
        category_slug=entry.slug,
        category=cat.name,
        title=entry.title,
        published=entry.published,
        date_only=not cat.customised,
        source=None if entry.source in PLACEHOLDER_SOURCES else entry.source,
        author=None if entry.author in PLACEHOLDER_AUTHORS else entry.author,
        editor=EDITOR,
        paragraphs=entry.paragraphs,
        images=tuple(f"{root}/Article/{img.path}" for img in entry.images),
        parts=len(entry.part_starts),
        modified=entry.modified,
    )


def to_shanghai(moment: datetime) -> datetime:
    """Portal times are Shanghai wall-clock minutes; naive input is taken as Shanghai."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI).replace(second=0, microsecond=0)


class Catalog:
    """Thread-safe article store. Hold ``lock`` while reading several things at once."""

    def __init__(self, *, seed: int, per_category: int, now: Callable[[], datetime]) -> None:
        self.lock = threading.RLock()
        self._now = now
        self._rng = random.Random(f"portal-{seed}-live")
        self._entries: dict[int, Entry] = {}
        self._order: dict[str, list[int]] = {c.slug: [] for c in CATEGORIES}
        self._empty: set[str] = set()
        for entry in _initial_entries(seed, per_category):
            self._add(entry)
        self._next_id = max(self._entries, default=SEED_ARTICLE_ID - 1) + 1

    def _add(self, entry: Entry) -> None:
        self._entries[entry.id] = entry
        ids = self._order[entry.slug]
        ids.append(entry.id)
        ids.sort(key=lambda i: (self._entries[i].published, i), reverse=True)

    def get(self, article_id: int) -> Entry | None:
        with self.lock:
            return self._entries.get(article_id)

    def newest_first(self, slug: str) -> list[Entry]:
        with self.lock:
            return [self._entries[i] for i in self._order[slug]]

    def listed(self, slug: str) -> list[Entry]:
        """What the list pages show: nothing while the class is set empty."""
        with self.lock:
            return [] if slug in self._empty else self.newest_first(slug)

    def all_entries(self) -> list[Entry]:
        with self.lock:
            return sorted(self._entries.values(), key=lambda e: (e.published, e.id), reverse=True)

    def neighbours(self, entry: Entry) -> tuple[Entry | None, Entry | None]:
        """(older, newer) within the class: PowerEasy's 上一篇 and 下一篇."""
        with self.lock:
            ids = self._order[entry.slug]
            at = ids.index(entry.id)
            newer = self._entries[ids[at - 1]] if at > 0 else None
            older = self._entries[ids[at + 1]] if at + 1 < len(ids) else None
            return older, newer

    def publish(
        self,
        slug: str,
        *,
        title: str | None,
        paragraphs: tuple[str, ...] | None,
        source: str | None,
        author: str | None,
        when: datetime | None,
    ) -> Entry:
        cat = category(slug)
        with self.lock:
            rng = self._rng
            moment = to_shanghai(when if when is not None else self._now())
            entry = Entry(
                id=self._next_id,
                slug=slug,
                title=title or content.make_title(rng, people=slug == "kjrw"),
                published=moment,
                modified=moment,
                source=source or rng.choice(content.SOURCES[:-1]),
                author=author or ("佚名" if cat.customised else rng.choice(content.PEOPLE)),
                paragraphs=paragraphs or content.make_paragraphs(rng),
                hits=rng.randint(0, 30),
            )
            self._next_id += 1
            self._add(entry)
            return entry

    def edit(
        self, article_id: int, *, title: str | None, paragraphs: tuple[str, ...] | None
    ) -> Entry:
        with self.lock:
            old = self._entries.get(article_id)
            if old is None:
                raise KeyError(f"no article {article_id}")
            new = replace(
                old,
                title=title or old.title,
                paragraphs=paragraphs or old.paragraphs,
                part_starts=(0,) if paragraphs else old.part_starts,
                images=tuple(i for i in old.images if i.after < len(paragraphs or old.paragraphs)),
                modified=max(to_shanghai(self._now()), old.modified),
            )
            self._entries[article_id] = new
            return new

    def set_empty(self, slug: str, empty: bool) -> None:
        category(slug)
        with self.lock:
            if empty:
                self._empty.add(slug)
            else:
                self._empty.discard(slug)


def _initial_entries(seed: int, per_category: int) -> list[Entry]:
    """Generated history; ids follow publish order with the seed article at 2603."""
    rng = random.Random(f"portal-{seed}")
    drafts: list[Entry] = []
    for cat in CATEGORIES:
        stamps = sorted(_random_stamp(rng) for _ in range(per_category))
        for i, stamp in enumerate(stamps):
            drafts.append(_draft(rng, cat, stamp, i, per_category))
        if cat.slug == "kjyw" and drafts and per_category > 0:
            drafts[-1] = _seed_entry(drafts[-1])
    drafts.sort(key=lambda e: (e.published, CATEGORIES.index(category(e.slug))))
    seed_at = next((i for i, e in enumerate(drafts) if e.id == SEED_ARTICLE_ID), 0)
    base = SEED_ARTICLE_ID - seed_at
    return [replace(e, id=base + i) for i, e in enumerate(drafts)]


def _random_stamp(rng: random.Random) -> datetime:
    day = WINDOW_START + timedelta(days=rng.randrange(WINDOW_DAYS))
    stamp = day.replace(hour=rng.randint(8, 20), minute=rng.randrange(60))
    return stamp if stamp != SEED_PUBLISHED else stamp + timedelta(minutes=1)


def _draft(rng: random.Random, cat: Category, stamp: datetime, index: int, total: int) -> Entry:
    people = cat.slug == "kjrw"
    title = content.make_title(rng, people=people)
    if cat.slug == "kjyw" and index == total - 2:
        title = content.TRICKY_TITLE
    paragraphs = content.make_paragraphs(rng, byline=index % 3 == 0)
    images = _images(rng, stamp, len(paragraphs))
    parts: tuple[int, ...] = (0,)
    if cat.slug == "kjcg" and index == total - 2 and len(paragraphs) >= 2:
        parts = (0, len(paragraphs) // 2)
    author = "佚名" if cat.customised or rng.random() < 0.25 else rng.choice(content.PEOPLE)
    return Entry(
        id=0,
        slug=cat.slug,
        title=title,
        published=stamp,
        modified=stamp,
        source=rng.choice(content.SOURCES),
        author=author,
        paragraphs=paragraphs,
        images=images,
        part_starts=parts,
        hits=rng.randint(10, 5000),
        elite=rng.random() < 0.15,
    )


def _images(rng: random.Random, stamp: datetime, paragraphs: int) -> tuple[Image, ...]:
    images = []
    for n in range(rng.choice((0, 0, 1, 2))):
        folder = "UploadFiles_7788" if (n + stamp.day) % 2 else "UploadFiles"
        name = f"{stamp:%Y%m%d%H%M}{n:02d}.jpg"
        images.append(Image(after=min(n, paragraphs - 1), path=f"{folder}/{stamp:%Y%m}/{name}"))
    return tuple(images)


def _seed_entry(like: Entry) -> Entry:
    stamp = SEED_PUBLISHED
    return replace(
        like,
        id=SEED_ARTICLE_ID,
        title=content.SEED_TITLE,
        published=stamp,
        modified=stamp,
        source=content.SEED_SOURCE,
        author="佚名",
        paragraphs=content.SEED_PARAGRAPHS,
        images=(
            Image(0, "UploadFiles_7788/202303/20230301144701.jpg"),
            Image(3, "UploadFiles/202303/20230301144702.jpg"),
        ),
        part_starts=(0, 3),
        hits=1234,
        elite=True,
    )
