"""What ``syndicator check`` prints: the config read back as what would be watched and
who would be told, in the file's own notation, never showing a secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

from syndicator import models
from syndicator.config.schema import SMTP_PORTS, AppriseChannel, EmailChannel, WebhookChannel

if TYPE_CHECKING:
    from syndicator.config.load import Config


def describe(config: Config) -> str:
    """What ``syndicator check`` prints: what would be watched and who would be told."""
    f, s, feeds = config.fetch, config.server, config.feeds
    lines = [
        f"config    {config.source_path}",
        f"storage   {models.redact_database_url(config.database_url)}",
        f"server    http://{s.host}:{s.port}  public {s.public_url}  admin API "
        + ("enabled" if s.admin_token else "disabled"),
        f"fetch     timeout {_span(f.timeout)}, {_span(f.host_delay)} between requests "
        f"to a host, {f.retries} {'retry' if f.retries == 1 else 'retries'}, robots.txt "
        + ("honoured" if f.robots_txt else "ignored")
        + f", at most {f.max_bytes:,} bytes",
        f"feeds     {', '.join(feeds.formats)}; {feeds.max_items} items; "
        + ("full content" if feeds.full_content else "summaries")
        + (f"; WebSub hubs {', '.join(feeds.hubs)}" if feeds.hubs else ""),
    ]
    by_site: dict[str, list[models.CategorySpec]] = {}
    for spec in config.categories():  # once: per site it was quadratic in the sites
        by_site.setdefault(spec.site_id, []).append(spec)
    for site in config.sites:
        lines += ["", f"site {site.id}  {site.name}  {site.url}"]
        for spec in by_site.get(site.id, []):
            lines += _describe_category(config, spec)
    lines += ["", "channels" if config.notifications.channels else "channels  none"]
    lines += [f"  {_describe_channel(c)}" for c in config.notifications.channels]
    subs = config.notifications.subscriptions
    lines.append("subscriptions" if subs else "subscriptions  none")
    for sub in subs:
        extra = [f"keywords {', '.join(sub.keywords)}"] if sub.keywords else []
        extra += ["updates too"] if sub.on_update else []
        extra += ["operator alerts"] if sub.operator else []
        lines.append(
            f"  {sub.channel} <- {', '.join(sub.categories)}"
            + (f"  ({'; '.join(extra)})" if extra else "")
        )
    return "\n".join(lines) + "\n"


def _describe_category(config: Config, spec: models.CategorySpec) -> list[str]:
    sched = config.category_schedule(spec)
    if sched.kind == "cron":
        when = f'cron "{sched.cron}"'
    elif sched.kind == "auto":
        when = f"auto, between {_span(sched.min)} and {_span(sched.max)}"
    else:
        when = f"every {_span(sched.seconds or 0)}"
    chosen = [
        name for name in ("item", "title", "date", "body", "info") if getattr(spec.selectors, name)
    ]
    return [
        f"  {spec.key}  {spec.name}",
        f"    list       {spec.list_url}" + (f"  ({spec.pages} pages)" if spec.pages > 1 else ""),
        f"    schedule   {when}, {spec.timezone}",
        "    first poll " + ("notifies" if spec.notify_on_first_poll else "silent baseline"),
        "    selectors  " + (", ".join(chosen) if chosen else "automatic"),
    ]


def _describe_channel(channel: EmailChannel | WebhookChannel | AppriseChannel) -> str:
    """One line per channel; secrets, passwords and tokens are never printed."""
    if isinstance(channel, EmailChannel):
        smtp = channel.smtp
        how = "digest " + f'"{channel.digest}"' if channel.digest else "one mail per article"
        return (
            f"{channel.id}  email via {smtp.host}:{smtp.port or SMTP_PORTS[smtp.security]}"
            f" ({smtp.security}) to {', '.join(channel.to)}; {how}"
        )
    if isinstance(channel, WebhookChannel):
        private = "; private targets allowed" if channel.allow_private else ""
        return f"{channel.id}  webhook {models.redact_url(channel.url)}{private}"
    return f"{channel.id}  apprise {channel.url.split('://', 1)[0]}://…"


def _span(seconds: float) -> str:
    """Seconds back in the file's own notation (5400 -> 1h30m)."""
    if seconds != int(seconds) or seconds == 0:
        return f"{seconds:g}s"
    rest, out = int(seconds), ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            out += f"{rest // size}{unit}"
            rest %= size
    return out
