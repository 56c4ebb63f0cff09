"""The configuration file format, as pydantic models.

Field validators check what one value can check on its own (units, URLs, cron, time
zones, secrets); checks that relate several values (duplicate ids, references, schedule
conflicts) live in ``config`` where the line of each offending key is known. The models
carry a description for every key because they are also the shipped JSON Schema.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import importlib.util
import ipaddress
import logging
import math
import re
import warnings
import zoneinfo
from email.utils import parseaddr
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)")
# Decimal units follow the SI and the models' defaults (5MB == 5_000_000); binary units
# are there for those who think in KiB.
_SIZES = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]*)")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
DEFAULT_MIN = 120.0
DEFAULT_MAX = 3600.0
DEFAULT_EVERY = 600.0
MAX_DURATION = 366 * 86400.0
MAX_SIZE = 10**12
SMTP_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


def parse_duration(value: Any) -> float:
    """Seconds from ``30s``, ``10m``, ``1h30m``, ``1d`` or a bare number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 30s or 10m, got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip().lower().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(
                f"bad duration {value!r} (use e.g. 30s, 10m, 2h, 1d, 1h30m or seconds)"
            )
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    else:
        raise ValueError(f"expected a duration such as 30s or 10m, got {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {value!r}")
    if not math.isfinite(seconds) or seconds > MAX_DURATION:
        raise ValueError(f"a duration must be at most 366d, got {value!r}")
    return seconds


def parse_size(value: Any) -> int:
    """Bytes from ``500KB``, ``5MB``, ``1GB`` (decimal), ``64KiB`` (binary) or a number."""
    if isinstance(value, bool):
        raise ValueError(f"expected a size such as 500KB or 5MB, got {value!r}")
    if isinstance(value, int):
        size = value
    elif isinstance(value, str):
        match = _SIZE.fullmatch(value.strip().lower())
        if not match or match.group(2) not in _SIZES:
            raise ValueError(f"bad size {value!r} (use e.g. 500KB, 5MB, 1GB or bytes)")
        amount = float(match.group(1)) * _SIZES[match.group(2)]
        if not math.isfinite(amount) or amount > MAX_SIZE:
            raise ValueError(f"a size must be at most 1TB, got {value!r}")
        size = int(amount)
    else:
        raise ValueError(f"expected a size such as 500KB or 5MB, got {value!r}")
    if size <= 0:
        raise ValueError(f"a size must be positive, got {value!r}")
    if size > MAX_SIZE:
        raise ValueError(f"a size must be at most 1TB, got {value!r}")
    return size


def parse_every(value: Any) -> float | str:
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError(f"a poll interval must be longer than 0s, got {value!r}")
    return seconds


def check_url(value: str) -> str:
    # A CR or LF would split the HTTP headers the URL is written into (Link, Location).
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        raise ValueError(f"a URL cannot hold spaces or control characters, got {value!r}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an absolute http(s) URL, got {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        raise ValueError(f"bad port in URL {value!r}") from None
    return value


_HOSTNAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


def check_host(value: str) -> str:
    """An address to listen on: an IP address, a host name, or empty for every interface
    (as ``bind`` reads it)."""
    if value == "":
        return value
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", value) or not _HOSTNAME.fullmatch(value):
        raise ValueError(f"expected an IP address or a host name, got {value!r}")
    return value


def check_cron(value: str) -> str:
    # Imported here: `check` of a config without cron or selectors, the common case,
    # then never loads APScheduler's triggers or soupsieve (a third of its start).
    from apscheduler.triggers.cron import CronTrigger

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            CronTrigger.from_crontab(value, timezone="UTC")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"bad cron expression {value!r}: {exc}") from None
    return value


def check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)") from None
    return value


def check_selector(value: str) -> str:
    import soupsieve

    try:
        soupsieve.compile(value)
    except soupsieve.SelectorSyntaxError as exc:
        reason = str(exc).splitlines()[0]
        raise ValueError(f"bad CSS selector {value!r}: {reason}") from None
    return value


def check_secret(value: str) -> str:
    """Standard Webhooks secrets are ``whsec_`` and the base64 of the signing key."""
    if not value.startswith("whsec_"):
        raise ValueError("a webhook secret must start with 'whsec_' (Standard Webhooks)")
    try:
        key = base64.b64decode(value[6:], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the part of the webhook secret after 'whsec_' is not base64") from None
    if not key:
        raise ValueError("the webhook secret holds no key after 'whsec_'")
    return value


def check_address(value: str) -> str:
    if "@" not in parseaddr(value)[1]:
        raise ValueError(f"expected an email address, got {value!r}")
    return value


def check_storage(value: str) -> str:
    if not value.startswith(("sqlite:///", "postgresql+psycopg://")):
        raise ValueError(
            f"storage must be a sqlite:///PATH or postgresql+psycopg:// URL, got {value!r}"
        )
    return value


def check_pattern(value: str) -> str:
    if value != "*" and not re.fullmatch(r"[A-Za-z0-9][\w-]*/(\*|[A-Za-z0-9][\w-]*)", value):
        raise ValueError(f"expected '*', 'SITE/*' or 'SITE/CATEGORY', got {value!r}")
    return value


def check_apprise(value: str) -> str:
    scheme = value.split("://", 1)[0]
    if "://" not in value:
        raise ValueError("expected an Apprise URL such as dingtalk://TOKEN/")
    if importlib.util.find_spec("apprise") is None:
        return value  # the missing [apprise] extra is reported on its own
    with warnings.catch_warnings():
        # Its plugins import modules deprecated in newer Pythons; not ours to report.
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        apprise_log = logging.getLogger("apprise")
        level = apprise_log.level
        apprise_log.setLevel(logging.CRITICAL)  # its own complaint would name the token
        try:
            understood = apprise.Apprise().add(value)
        finally:
            apprise_log.setLevel(level)
    if not understood:
        # The URL holds the token: only its scheme is named.
        raise ValueError(
            f"Apprise cannot use this {scheme}:// URL (an unknown service, or a token or "
            "part missing); see the Apprise wiki page of the service for its URL form"
        )
    return value


_DURATION_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^(\d+(\.\d+)?(ms|s|m|h|d))+$"},
        {"type": "number", "minimum": 0},
    ]
}
_SIZE_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d+(\.\d+)?\s*([KMG]i?B|B)?$"},
        {"type": "integer", "minimum": 1},
    ]
}
_EVERY_SCHEMA = {"anyOf": [{"const": "auto"}, *_DURATION_SCHEMA["anyOf"]]}

Duration = Annotated[float, BeforeValidator(parse_duration), WithJsonSchema(_DURATION_SCHEMA)]
Every = Annotated[float | str, BeforeValidator(parse_every), WithJsonSchema(_EVERY_SCHEMA)]
Size = Annotated[int, BeforeValidator(parse_size), WithJsonSchema(_SIZE_SCHEMA)]
Url = Annotated[str, AfterValidator(check_url)]
Cron = Annotated[str, AfterValidator(check_cron)]
TimeZone = Annotated[str, AfterValidator(check_timezone)]
Selector = Annotated[str, AfterValidator(check_selector)]
Ident = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


class ServerSection(_Model):
    host: Annotated[str, AfterValidator(check_host)] = Field(
        default="127.0.0.1", description="Address the HTTP server listens on."
    )
    port: int = Field(default=8080, ge=0, le=65535, description="TCP port of the HTTP server.")
    public_url: Url = Field(
        default="http://localhost:8080",
        description="Absolute base URL for links inside feeds and mails.",
    )
    admin_token: str = Field(
        default="", description="Bearer token for POST /api/*; empty disables them."
    )
    max_connections: int = Field(
        default=500,
        ge=1,
        le=100_000,
        description="Open connections served at once; past it, new requests get 503. Keep "
        "it under the process's file limit (1024 by default under systemd).",
    )


class FetchSection(_Model):
    user_agent: str = Field(
        default="syndicator/0.1 (+https://example.org/contact)",
        min_length=1,
        description="User-Agent sent with every request.",
    )
    timeout: Duration = Field(default=20.0, gt=0, description="Timeout of one HTTP request.")
    poll_deadline: Duration = Field(
        default=600.0,
        ge=10,
        description="Longest one poll may take: past it no further article is fetched "
        "and the rest come in the next poll, so hanging portals never hold a poll thread.",
    )
    concurrency: int = Field(
        default=100,
        ge=1,
        le=256,
        description="Categories polled at once, never two of one host: each host still "
        "gets one request at a time, host_delay apart, so a poll mostly waits and a "
        "thousand categories need about a hundred at once to be read in minutes.",
    )
    host_delay: Duration = Field(
        default=1.0, description="Minimum gap between two requests to one host."
    )
    retries: int = Field(
        default=3,
        ge=0,
        le=20,
        description="Retries on connection errors and 5xx; Retry-After honoured.",
    )
    robots_txt: bool = Field(default=True, description="Obey the site's robots.txt.")
    max_bytes: Size = Field(default=5_000_000, description="Largest response body accepted.")
    allow_private: bool = Field(
        default=False,
        description="Fetch from private, loopback and other non-global addresses for every "
        "site (a whole intranet deployment); sites can allow it one by one instead.",
    )


_EVERY_DOC = "Poll interval (30s, 10m, 2h) or 'auto' to adapt between min and max."
_CRON_DOC = "Cron expression for polls instead of 'every', e.g. '*/10 7-23 * * *'."
_MIN_DOC = "Shortest interval of 'every: auto' (default 2m)."
_MAX_DOC = "Longest interval of 'every: auto' (default 1h)."
_TZ_DOC = "Time zone of the portal's dates and of cron expressions."
_FIRST_DOC = "Notify on a category's first poll instead of keeping it as a silent baseline."
_MAX_NEW_DOC = (
    "Most new articles fetched in one poll; the rest, newest first, come in the next polls "
    "(a minute apart) so a list of thousands never holds a poll for hours."
)

_RECHECK_DOC = (
    "Re-read this many of a category's newest articles every 'recheck_every' (conditional "
    "GETs), so a corrected title, body or attachment updates the feeds and reaches "
    "'on_update' subscriptions; 0 (the default) costs nothing. An article whose list "
    "entry changes is re-read whatever this says."
)
_RECHECK_EVERY_DOC = "How often the newest articles are re-read (default 6h)."


class DefaultsSection(_Model):
    every: Every | None = Field(default=None, description=_EVERY_DOC + " Default 10m.")
    cron: Cron | None = Field(default=None, description=_CRON_DOC)
    min: Duration = Field(default=DEFAULT_MIN, gt=0, description=_MIN_DOC)
    max: Duration = Field(default=DEFAULT_MAX, gt=0, description=_MAX_DOC)
    timezone: TimeZone = Field(default="Asia/Shanghai", description=_TZ_DOC)
    notify_on_first_poll: bool = Field(default=False, description=_FIRST_DOC)
    max_new_per_poll: int = Field(default=50, ge=1, le=10_000, description=_MAX_NEW_DOC)
    recheck: int = Field(default=0, ge=0, le=500, description=_RECHECK_DOC)
    recheck_every: Duration = Field(default=6 * 3600.0, ge=60, description=_RECHECK_EVERY_DOC)


class SelectorsSection(_Model):
    item: Selector | None = Field(
        default=None, description="CSS selector of the article links on a list."
    )
    title: Selector | None = Field(default=None, description="CSS selector of the article title.")
    date: Selector | None = Field(default=None, description="CSS selector of the publish date.")
    body: Selector | None = Field(default=None, description="CSS selector of the article body.")
    info: Selector | None = Field(
        default=None, description="CSS selector of the 来源/作者/日期 line."
    )
    exclude: tuple[Selector, ...] = Field(
        default=(), description="CSS selectors removed from the body."
    )


class _Schedule(_Model):
    """Keys a site or a category may set to override ``defaults``."""

    every: Every | None = Field(default=None, description=_EVERY_DOC + " Inherited when absent.")
    cron: Cron | None = Field(default=None, description=_CRON_DOC)
    min: Duration | None = Field(default=None, gt=0, description=_MIN_DOC)
    max: Duration | None = Field(default=None, gt=0, description=_MAX_DOC)
    timezone: TimeZone | None = Field(default=None, description=_TZ_DOC + " Inherited when absent.")
    notify_on_first_poll: bool | None = Field(default=None, description=_FIRST_DOC)
    max_new_per_poll: int | None = Field(default=None, ge=1, le=10_000, description=_MAX_NEW_DOC)
    recheck: int | None = Field(default=None, ge=0, le=500, description=_RECHECK_DOC)
    recheck_every: Duration | None = Field(default=None, ge=60, description=_RECHECK_EVERY_DOC)


class CategorySection(_Schedule):
    id: Ident = Field(description="Short id, unique within the site; part of feed URLs.")
    name: str = Field(min_length=1, description="Display name, e.g. 科技要闻.")
    list_url: Url = Field(description="Absolute URL of the category's first list page.")
    pages: int = Field(default=1, ge=1, le=1000, description="List pages read per poll.")
    selectors: SelectorsSection = Field(
        default=SelectorsSection(),
        description="Optional CSS overrides; automatic detection when absent.",
    )


class SiteSection(_Schedule):
    id: Ident = Field(description="Short id of the portal, unique; part of feed URLs.")
    name: str = Field(min_length=1, description="Display name of the portal.")
    url: Url = Field(description="Absolute home page URL of the portal.")
    allow_private: bool = Field(
        default=False,
        description="The portal is on a private network (an intranet): its hosts may resolve "
        "to private or loopback addresses. Otherwise such addresses are refused.",
    )
    categories: tuple[CategorySection, ...] = Field(
        min_length=1, description="Sections of the portal to watch."
    )


class FeedsSection(_Model):
    formats: tuple[Literal["atom", "rss", "json"], ...] = Field(
        default=("atom", "rss", "json"), min_length=1, description="Feed formats to publish."
    )
    max_items: int = Field(
        default=50, ge=1, le=10000, description="Newest entries kept in each feed."
    )
    full_content: bool = Field(
        default=True, description="Whole article in feeds rather than a summary."
    )
    hubs: tuple[Url, ...] = Field(default=(), description="WebSub hubs to ping on every change.")


class SmtpSection(_Model):
    host: str = Field(min_length=1, description="SMTP server host name.")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="SMTP port; default 25, 587 or 465 by security."
    )
    security: Literal["none", "starttls", "ssl"] = Field(
        default="starttls", description="Connection security: none, starttls or ssl."
    )
    username: str | None = Field(default=None, description="Login name; no login when absent.")
    password: str | None = Field(default=None, description="Login password.")
    timeout: Duration = Field(default=30.0, gt=0, description="Timeout of one SMTP conversation.")


class EmailChannel(_Model):
    id: Ident = Field(description="Channel id named by subscriptions.")
    type: Literal["email"] = Field(description="Channel kind: email, webhook or apprise.")
    smtp: SmtpSection = Field(description="How to reach the SMTP server.")
    from_: Annotated[str, AfterValidator(check_address)] = Field(
        alias="from", description="Sender, e.g. '科技要闻 <alerts@example.org>'."
    )
    to: tuple[Annotated[str, AfterValidator(check_address)], ...] = Field(
        min_length=1, description="Recipients."
    )
    digest: Cron | None = Field(
        default=None, description="null for one mail per article, or a cron for one digest per run."
    )


class WebhookChannel(_Model):
    id: Ident = Field(description="Channel id named by subscriptions.")
    type: Literal["webhook"] = Field(description="Channel kind: email, webhook or apprise.")
    url: Url = Field(description="Absolute URL that receives the signed POST.")
    secret: Annotated[str, AfterValidator(check_secret)] = Field(
        description="Standard Webhooks signing secret, whsec_<base64>."
    )
    allow_private: bool = Field(
        default=False, description="Allow loopback and private-network targets."
    )
    timeout: Duration = Field(default=15.0, gt=0, description="Timeout of one webhook request.")


class AppriseChannel(_Model):
    id: Ident = Field(description="Channel id named by subscriptions.")
    type: Literal["apprise"] = Field(description="Channel kind: email, webhook or apprise.")
    url: Annotated[str, AfterValidator(check_apprise)] = Field(
        description="Apprise URL (dingtalk://, wecombot://, feishu://, tgram://, slack://…)."
    )


Channel = Annotated[EmailChannel | WebhookChannel | AppriseChannel, Field(discriminator="type")]


class Subscription(_Model):
    channel: str = Field(description="Id of the channel that delivers.")
    categories: tuple[Annotated[str, AfterValidator(check_pattern)], ...] = Field(
        default=("*",), min_length=1, description="'SITE/CATEGORY', 'SITE/*' or '*'."
    )
    keywords: tuple[str, ...] = Field(
        default=(),
        description="Only articles with any of these words in title or body; all if empty.",
    )
    on_update: bool = Field(default=False, description="Also notify when a stored article changes.")
    operator: bool = Field(
        default=False,
        description="Also receive operator alerts (category broken or recovered, dead deliveries).",
    )


class NotificationsSection(_Model):
    channels: tuple[Channel, ...] = Field(default=(), description="Where notifications go.")
    subscriptions: tuple[Subscription, ...] = Field(
        default=(), description="Which categories each channel receives."
    )


class ConfigFile(_Model):
    """The whole YAML file."""

    model_config = ConfigDict(title="syndicator configuration")

    storage: Annotated[str, AfterValidator(check_storage)] = Field(
        default="sqlite:///data/syndicator.db",
        description="SQLAlchemy URL: sqlite:///PATH (relative to the working directory) "
        "or postgresql+psycopg://USER:PASS@HOST/DB.",
    )
    server: ServerSection = Field(default=ServerSection(), description="HTTP server.")
    fetch: FetchSection = Field(default=FetchSection(), description="Polite HTTP fetching.")
    defaults: DefaultsSection = Field(
        default=DefaultsSection(), description="Inherited by every category unless it overrides."
    )
    sites: tuple[SiteSection, ...] = Field(min_length=1, description="Portals to watch.")
    feeds: FeedsSection = Field(default=FeedsSection(), description="Published feeds.")
    notifications: NotificationsSection = Field(
        default=NotificationsSection(), description="Email, webhook and Apprise alerts."
    )


# ---------------------------------------------------------------- checks across keys

Problem = tuple[str, tuple[str | int, ...]]


def cross_problems(conf: ConfigFile) -> list[Problem]:
    """What no single value shows: duplicates, conflicts, dangling references."""
    out: list[Problem] = []
    out += _duplicates([s.id for s in conf.sites], "site", ("sites",))
    for i, site in enumerate(conf.sites):
        if site.id == "all":
            out.append(("site id 'all' is reserved for the feed of every site", ("sites", i, "id")))
        out += _duplicates([c.id for c in site.categories], "category", ("sites", i, "categories"))
    out += _duplicates(
        [c.id for c in conf.notifications.channels], "channel", ("notifications", "channels")
    )
    out += _schedule_problems(conf)
    out += _subscription_problems(conf)
    out += _extra_problems(conf)
    return out


def missing_extra(module: str, extra: str) -> str | None:
    """Why a feature cannot run here: its optional extra is not installed."""
    if importlib.util.find_spec(module) is not None:
        return None
    return f"needs the [{extra}] extra, not installed here: pip install 'syndicator[{extra}]'"


def _extra_problems(conf: ConfigFile) -> list[Problem]:
    """``check`` refuses what ``run`` could not run for want of an optional package."""
    out: list[Problem] = []
    if conf.storage.startswith("postgresql"):
        why = missing_extra("psycopg", "postgres")
        if why:
            out.append((f"PostgreSQL storage {why}", ("storage",)))
    for i, channel in enumerate(conf.notifications.channels):
        if isinstance(channel, AppriseChannel):
            why = missing_extra("apprise", "apprise")
            if why:
                out.append((f"Apprise channels {why}", ("notifications", "channels", i, "url")))
    return out


def _duplicates(ids: list[str], what: str, prefix: tuple[str | int, ...]) -> list[Problem]:
    seen: dict[str, int] = {}
    out: list[Problem] = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(
                (
                    f"duplicate {what} id '{ident}' (also {what} #{seen[ident] + 1})",
                    (*prefix, i, "id"),
                )
            )
        seen.setdefault(ident, i)
    return out


def _schedule_problems(conf: ConfigFile) -> list[Problem]:
    out: list[Problem] = []
    levels: list[tuple[Any, tuple[str | int, ...]]] = [(conf.defaults, ("defaults",))]
    for i, site in enumerate(conf.sites):
        levels.append((site, ("sites", i)))
        levels += [(c, ("sites", i, "categories", j)) for j, c in enumerate(site.categories)]
    for level, path in levels:
        if level.every is not None and level.cron is not None:
            out.append(("set either 'every' or 'cron', not both", (*path, "cron")))
    for i, site in enumerate(conf.sites):
        for j, cat in enumerate(site.categories):
            chain = (
                (cat, ("sites", i, "categories", j)),
                (site, ("sites", i)),
                (conf.defaults, ("defaults",)),
            )
            low, low_at = next((lv.min, p) for lv, p in chain if lv.min is not None)
            high, high_at = next((lv.max, p) for lv, p in chain if lv.max is not None)
            if low > high:
                at = max((*low_at, "min"), (*high_at, "max"), key=len)
                out.append(
                    (f"min ({low:g}s) is longer than max ({high:g}s) for {site.id}/{cat.id}", at)
                )
    return out


def _subscription_problems(conf: ConfigFile) -> list[Problem]:
    out: list[Problem] = []
    channels = [c.id for c in conf.notifications.channels]
    sites = {s.id: {c.id for c in s.categories} for s in conf.sites}
    keys = [f"{s}/{c}" for s, cats in sites.items() for c in sorted(cats)]
    for i, sub in enumerate(conf.notifications.subscriptions):
        path: tuple[str | int, ...] = ("notifications", "subscriptions", i)
        if sub.channel not in channels:
            out.append(
                (
                    f"unknown channel '{sub.channel}'{hint(sub.channel, channels)}",
                    (*path, "channel"),
                )
            )
        for j, pattern in enumerate(sub.categories):
            site, _, cat = pattern.partition("/")
            if pattern == "*" or (site in sites and (cat == "*" or cat in sites[site])):
                continue
            what = "site" if site not in sites else "category"
            near = hint(pattern, keys) if what == "category" else hint(site, list(sites))
            out.append((f"unknown {what} in '{pattern}'{near}", (*path, "categories", j)))
    return out


def hint(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
