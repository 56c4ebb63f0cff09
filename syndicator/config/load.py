"""Load the YAML configuration once, validate it fully, hand out frozen settings.

The file is composed to YAML nodes first so that every value keeps its line: any problem,
from a YAML syntax error to a subscription naming an unknown category, becomes a
``ConfigError`` naming file, line and dotted key. Every problem of a phase (YAML, then
the shape of values, then cross-references) is reported at once, one line each in file
order, leaving out the "missing key" that another mistake on its line explains.

``${VAR}`` and ``${VAR:-default}`` are replaced in values (never in keys) before types are
resolved, so ``port: ${PORT:-8080}`` is still a number; ``$${`` writes a literal ``${``.
Top-level keys starting with ``x-`` are ignored, to hold YAML anchors for ``<<:`` merges.
A relative ``sqlite:///`` path is resolved against the working directory at load time;
the store creates the parent folder, this module only reads.
"""

from __future__ import annotations

import functools
import os
import re
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ValidationError

from syndicator import models
from syndicator.config.schema import (
    DEFAULT_EVERY,
    SMTP_PORTS,
    AppriseChannel,
    CategorySection,
    ConfigFile,
    EmailChannel,
    SiteSection,
    WebhookChannel,
    cross_problems,
    hint,
)
from syndicator.errors import ConfigError
from syndicator.models import ScheduleKind as Kind

KeyPath = tuple[str | int, ...]
# PyYAML's words for the mistakes people make, and what they mean in a config file.
_PLAIN_YAML = (
    ("found character '\\t'", "a tab: YAML indents with spaces only"),
    (
        "mapping values are not allowed here",
        "a ':' where no key can start: check this line's "
        "indentation, or quote a value that holds ': '",
    ),
    (
        "could not find expected ':'",
        "a line that is neither 'key: value' nor '- item': a "
        "missing ':' or a wrong indentation above",
    ),
    ("did not find expected key", "this line's indentation does not match the lines above"),
    (
        "expected <block end>",
        "this line is indented less than the lines above it, but more than the key they belong to",
    ),
    ("did not find expected '-' indicator", "a list item indented unlike the items above"),
    ("found unexpected end of stream", "the file ends inside a quoted value or a bracket"),
    ("found undefined alias", "an *alias with no &anchor before it"),
)
# A config of 10,000 categories takes about 1.3 MB; a file many times that is not one.
MAX_FILE_BYTES = 8_000_000
# Values built from the file, aliases expanded: a thousand categories take about 20,000;
# an alias bomb of a few hundred bytes would take billions.
MAX_VALUES = 500_000
MAX_DEPTH = 40
MAX_REPORTED = 20
_VAR = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``, composed by libyaml where it is built in (ten times
    faster: most of `check`'s time on a thousand categories), else by PyYAML. A file
    libyaml refuses is composed again by PyYAML, whose messages the plain-word
    explanations of syntax errors are written for."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            node: yaml.Node | None = yaml.compose(text, Loader=fast)
            return node
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


class Config(ConfigFile):
    """The validated file, plus where it came from and the resolved database URL."""

    source_path: Path
    database_url: str

    # Built once per loaded file: a thousand categories are looked up by key and by
    # schedule many times, and rebuilding every spec each time was quadratic.
    @functools.cached_property
    def _specs(self) -> dict[str, models.CategorySpec]:
        return {
            f"{site.id}/{cat.id}": self._spec(site, cat)
            for site in self.sites
            for cat in site.categories
        }

    @functools.cached_property
    def _sections(self) -> dict[str, tuple[Any, Any]]:
        return {
            f"{site.id}/{cat.id}": (site, cat) for site in self.sites for cat in site.categories
        }

    def categories(self) -> list[models.CategorySpec]:
        return list(self._specs.values())

    def find_category(self, key: str) -> models.CategorySpec:
        specs = self._specs
        if key in specs:
            return specs[key]
        raise ConfigError(
            f"unknown category '{key}'{hint(key, list(specs))}", file=str(self.source_path)
        )

    def category_schedule(self, key: str | models.CategorySpec) -> models.Schedule:
        spec = key if isinstance(key, models.CategorySpec) else self.find_category(key)
        site, cat = self._sections[spec.key]
        levels: tuple[Any, ...] = (cat, site, self.defaults)
        low = _first(level.min for level in levels)
        high = _first(level.max for level in levels)
        common = {"min": low, "max": high, "timezone": spec.timezone}
        for level in levels:
            if level.cron is not None:
                return models.Schedule(Kind.CRON, cron=level.cron, **common)
            if level.every == "auto":
                return models.Schedule(Kind.AUTO, **common)
            if level.every is not None:
                return models.Schedule(Kind.INTERVAL, seconds=float(level.every), **common)
        return models.Schedule(Kind.INTERVAL, seconds=DEFAULT_EVERY, **common)

    def fetch_settings(self) -> models.FetchSettings:
        f = self.fetch
        return models.FetchSettings(
            user_agent=f.user_agent,
            timeout=f.timeout,
            host_delay=f.host_delay,
            retries=f.retries,
            robots_txt=f.robots_txt,
            max_bytes=f.max_bytes,
            allow_private=f.allow_private,
            private_hosts=frozenset(
                (urlsplit(url).hostname or "").rstrip(".")
                for site in self.sites
                if site.allow_private
                for url in (site.url, *(c.list_url for c in site.categories))
            ),
        )

    def feed_settings(self) -> models.FeedSettings:
        f = self.feeds
        formats = tuple(models.FeedFormat(name) for name in f.formats)
        return models.FeedSettings(
            public_url=self.server.public_url,
            formats=formats,
            max_items=f.max_items,
            full_content=f.full_content,
            hubs=tuple(f.hubs),
        )

    def channels(self) -> list[models.Channel]:
        return [_channel(c) for c in self.notifications.channels]

    def subscriptions(self) -> list[models.Subscription]:
        return [
            models.Subscription(
                channel=s.channel,
                categories=tuple(s.categories),
                keywords=tuple(s.keywords),
                on_update=s.on_update,
                operator=s.operator,
            )
            for s in self.notifications.subscriptions
        ]

    def _spec(self, site: SiteSection, cat: CategorySection) -> models.CategorySpec:
        sel = cat.selectors
        levels: tuple[Any, ...] = (cat, site, self.defaults)
        return models.CategorySpec(
            site_id=site.id,
            site_name=site.name,
            site_url=site.url,
            id=cat.id,
            name=cat.name,
            list_url=cat.list_url,
            pages=cat.pages,
            timezone=_first(level.timezone for level in levels),
            notify_on_first_poll=_first(level.notify_on_first_poll for level in levels),
            max_new_per_poll=_first(level.max_new_per_poll for level in levels),
            recheck=_first(level.recheck for level in levels),
            recheck_every=_first(level.recheck_every for level in levels),
            poll_deadline=self.fetch.poll_deadline,
            selectors=models.Selectors(
                item=sel.item,
                title=sel.title,
                date=sel.date,
                body=sel.body,
                info=sel.info,
                exclude=tuple(sel.exclude),
            ),
        )


def _channel(c: EmailChannel | WebhookChannel | AppriseChannel) -> models.Channel:
    if isinstance(c, EmailChannel):
        security = models.SmtpSecurity(c.smtp.security)
        smtp = models.SmtpSettings(
            host=c.smtp.host,
            port=c.smtp.port or SMTP_PORTS[security],
            security=security,
            username=c.smtp.username,
            password=c.smtp.password,
            timeout=c.smtp.timeout,
        )
        return models.EmailChannel(
            id=c.id, smtp=smtp, sender=c.from_, to=tuple(c.to), digest=c.digest
        )
    if isinstance(c, WebhookChannel):
        return models.WebhookChannel(
            id=c.id, url=c.url, secret=c.secret, allow_private=c.allow_private, timeout=c.timeout
        )
    return models.AppriseChannel(id=c.id, url=c.url)


def _first(values: Iterator[Any]) -> Any:
    return next(v for v in values if v is not None)


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    file = str(path)
    try:
        with open(path, "rb") as handle:
            # Bounded: /dev/zero or a log file named by mistake must not fill memory.
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"larger than {MAX_FILE_BYTES // 1_000_000} MB: not a config", file=file)
    if b"\0" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\0")) + 1
        raise ConfigError("a NUL byte: not a text file", file=file, line=line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason})", file=file) from None
    reader = _Reader(file, os.environ if env is None else env)
    data = reader.read(text)
    try:
        parsed = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise reader.first(_pydantic_errors(exc, data, reader)) from None
    problems = [reader.error(message, where) for message, where in cross_problems(parsed)]
    if problems:
        raise reader.first(problems)
    fields = {name: getattr(parsed, name) for name in ConfigFile.model_fields}
    return Config.model_construct(
        **fields, source_path=Path(path), database_url=_database_url(parsed.storage)
    )


def _database_url(storage: str) -> str:
    if not storage.startswith("sqlite:///"):
        return storage
    rest = storage[len("sqlite:///") :]
    if not rest or rest.startswith(("/", ":memory:")):
        return storage
    return "sqlite:///" + str(Path.cwd() / rest)


# ---------------------------------------------------------------- YAML with line numbers


class _Reader:
    """Turns YAML text into plain data, remembering the line of every key and value."""

    def __init__(self, file: str, env: Mapping[str, str]) -> None:
        self.file = file
        self.env = env
        self.key_lines: dict[KeyPath, int] = {}
        self.value_lines: dict[KeyPath, int] = {(): 1}
        self.loader = yaml.SafeLoader("")
        self.built = 0

    def read(self, text: str) -> Any:
        deep = _too_deep(text)
        if deep is not None:
            raise ConfigError(
                f"brackets nested more than {MAX_DEPTH} levels deep", file=self.file, line=deep
            )
        try:
            root = _compose(text)
            if root is None:
                raise ConfigError("the file is empty", file=self.file, line=1)
            if not isinstance(root, yaml.MappingNode):
                raise self.error(
                    "the file must be a mapping of keys such as 'sites:'",
                    (),
                    line=root.start_mark.line + 1,
                )
            return self.build(root, ())
        except RecursionError:
            raise ConfigError("nested too deeply to be a config", file=self.file, line=1) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            what = " ".join(p for p in (exc.context, exc.problem) if p)
            plain = next((say for words, say in _PLAIN_YAML if words in what), None)
            message = f"{plain} (YAML: {what})" if plain else f"YAML syntax error: {what}"
            raise ConfigError(message, file=self.file, line=line) from None

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.built += 1
        if self.built > MAX_VALUES:
            # Named by its top-level key: an expanded alias's marks point at its anchor.
            raise self.error(
                f"more than {MAX_VALUES:,} values once aliases are expanded", path[:1], key=True
            )
        if len(path) > MAX_DEPTH:
            raise self.error(
                f"nested more than {MAX_DEPTH} levels deep", path, line=node.start_mark.line + 1
            )
        self.value_lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.build_scalar(node, path)

    def build_mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                # A list or mapping as a key is never a config key, and converting one
                # to text would expand any alias bomb inside it, uncounted.
                raise self.error(
                    "a key must be plain text, not a list or a mapping",
                    path,
                    line=key_node.start_mark.line + 1,
                )
            key = str(self.construct(key_node, path))
            child = (*path, key)
            if key in out:
                first = self.key_lines[child]
                self.key_lines[child] = key_node.start_mark.line + 1
                raise self.error(f"duplicate key '{key}' (first at line {first})", child, key=True)
            self.key_lines[child] = key_node.start_mark.line + 1
            if not path and key.startswith("x-"):
                continue  # a home for YAML anchors, as in Compose files
            out[key] = self.build(value_node, child)
        return out

    def build_scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        if isinstance(node, yaml.ScalarNode) and "$" in node.value:
            value = self.interpolate(node.value, path)
            if node.style is not None or not value:
                return value  # quoted, or `${VAR:-}`: a string, never null
            tag = self.loader.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
            node = yaml.ScalarNode(tag, value, node.start_mark, node.end_mark)
        return self.construct(node, path)

    def construct(self, node: yaml.Node, path: KeyPath) -> Any:
        """A plain value; a tag whose text cannot be that type (``!!int abc``,
        ``!!timestamp 2024-13-45``) is the one-line error at its line."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # PyYAML's constructors raise what they meet underneath
            # (ValueError, OverflowError, even AttributeError for "!!timestamp every").
            tag = node.tag.rsplit(":", 1)[-1]
            raise self.error(
                f"{node.value!r} is not a valid !!{tag} ({exc})"
                if isinstance(node.value, str)
                else f"not a valid !!{tag}",
                path,
                line=node.start_mark.line + 1,
            ) from None

    def interpolate(self, text: str, path: KeyPath) -> str:
        def replace(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name is None:
                return "${"
            value = self.env.get(name)
            if default is not None and not value:
                return default
            if value is None:
                raise self.error(
                    f"environment variable '{name}' is not set "
                    f"(write ${{{name}:-default}} to give a fallback)",
                    path,
                )
            return value

        if re.search(r"(?<!\$)\$\{(?![A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\})", text):
            raise self.error(f"malformed ${{...}} in {text!r}", path)
        return _VAR.sub(replace, text)

    def line(self, path: KeyPath, *, key: bool = False) -> int:
        """The line of a key (or its value); the nearest ancestor's when it is absent."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            found = self.key_lines.get(prefix) if key else None
            found = found or self.value_lines.get(prefix) or self.key_lines.get(prefix)
            if found:
                return found
        return 1

    def error(
        self, message: str, path: KeyPath, *, key: bool = False, line: int | None = None
    ) -> ConfigError:
        return ConfigError(
            message, file=self.file, line=line or self.line(path, key=key), key=dotted(path)
        )

    def first(self, errors: list[ConfigError]) -> ConfigError:
        """The earliest in the file, carrying the others (in file order, one per line, at
        most ``MAX_REPORTED``); a missing key only when nothing else is wrong there."""
        ordered = sorted(errors, key=lambda e: (e.line or 0, e.reason.startswith("missing")))
        lines = {(e.line, e.reason.startswith("missing")) for e in ordered}
        kept: list[ConfigError] = []
        seen: set[str] = set()
        for error in ordered:
            # A missing key is most often the consequence of another mistake on its line.
            cascade = error.reason.startswith("missing") and (error.line, False) in lines
            if str(error) in seen or cascade:
                continue
            seen.add(str(error))
            kept.append(error)
        head = kept[0] if kept else ordered[0]
        head.others = tuple(kept[1:MAX_REPORTED])
        return head


def _too_deep(text: str) -> int | None:
    """The line where ``[``/``{`` nesting passes ``MAX_DEPTH``, outside quotes and
    comments. Checked before parsing: PyYAML's scanner slows quadratically with flow
    depth (5,000 brackets took 16 s) before its recursion gives up."""
    depth, line, quote = 0, 1, ""
    comment = False
    for char in text:
        if char == "\n":
            line += 1
            comment = False
            quote = "" if quote == "'" else quote  # a single-quoted scalar may not fold here
        elif comment:
            continue
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


# ---------------------------------------------------------------- pydantic errors


def _pydantic_errors(exc: ValidationError, data: Any, reader: _Reader) -> list[ConfigError]:
    out = []
    errors = exc.errors()
    for err in errors:
        if err["type"] == "too_short" and _has_inner(err["loc"], errors):
            continue  # pydantic counts failed items as missing: the item's error says more
        if err["type"] == "missing" and _has_unknown(err["loc"][:-1], errors):
            continue  # most likely misspelt: the unknown key's error names it
        path = _data_path(err["loc"], data)
        kind = err["type"]
        if kind == "extra_forbidden":
            name = str(path[-1])
            message = f"unknown key '{name}'{hint(name, _known_keys(err['loc']))}"
            out.append(reader.error(message, path, key=True))
        elif kind == "missing":
            parent_line = reader.line(path[:-1], key=True)
            out.append(reader.error(f"missing required key '{path[-1]}'", path, line=parent_line))
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            path = (*path, "type")
            tag = (err.get("ctx") or {}).get("tag")
            what = f"unknown channel type '{tag}'" if tag else "missing channel type"
            out.append(reader.error(f"{what} (expected email, webhook or apprise)", path))
        else:
            out.append(reader.error(_message(err), path))
    return out


def _has_inner(loc: tuple[int | str, ...], errors: list[Any]) -> bool:
    return any(len(e["loc"]) > len(loc) and e["loc"][: len(loc)] == loc for e in errors)


def _has_unknown(parent: tuple[int | str, ...], errors: list[Any]) -> bool:
    return any(e["type"] == "extra_forbidden" and e["loc"][:-1] == parent for e in errors)


_PLAIN = {
    "model_type": "expected a mapping of keys",
    "dict_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "tuple_type": "expected a list",
    "list_type": "expected a list",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
}


def _message(err: Any) -> str:
    kind, value = err["type"], err.get("input")
    msg = _PLAIN.get(kind) or str(err["msg"]).removeprefix("Value error, ")
    msg = msg[0].lower() + msg[1:] if msg else msg
    if kind == "value_error":
        return msg
    if value is None:
        return msg + ", got an empty value"
    if isinstance(value, str | int | float | bool):
        return msg + f", got {value!r}"
    return msg


def _data_path(loc: tuple[int | str, ...], data: Any) -> KeyPath:
    """The pydantic location without union tags, as it stands in the file's data."""
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        in_dict = isinstance(current, dict) and part in current
        if in_dict or (isinstance(current, list) and isinstance(part, int) and part < len(current)):
            current = current[part]
        elif isinstance(current, dict) and i == len(loc) - 1:
            pass  # a missing key: keep its name
        else:
            continue
        path.append(part)
    return tuple(path)


def _known_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys allowed beside an unknown one, to suggest the closest."""
    candidates: list[type[BaseModel]] = [ConfigFile]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        inner = [
            m
            for c in candidates
            for name, f in c.model_fields.items()
            if (f.alias or name) == part
            for m in _models_in(f.annotation)
        ]
        tagged = [c for c in candidates if _tag_of(c) == part]
        candidates = inner or tagged or candidates
    return sorted({f.alias or n for c in candidates for n, f in c.model_fields.items()})


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _tag_of(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("type")
    return typing.get_args(field.annotation)[0] if field else None


# ---------------------------------------------------------------- schema and summary


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the file, for editor completion (``check --schema``)."""
    schema = ConfigFile.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
