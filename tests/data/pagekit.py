"""Pieces shared by the corpus builders: body blocks, date styles, writing a case.

A page is rendered from the same data its expected JSON is written from, so the
expectation states what the page says, not what the extractor happens to return.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
NOW = "2026-11-26T12:00:00+08:00"
_CN = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Block:
    """One piece of an article body: a paragraph, an image or an attachment link."""

    kind: str  # "p", "img", "file"
    text: str = ""  # paragraph text, image alt or file name
    href: str = ""  # as written in the page (maybe relative)
    absolute: str = ""  # as expected after resolution


@dataclass
class Body:
    blocks: list[Block] = field(default_factory=list)

    def html(self, para: str = "pe") -> str:
        out = []
        for b in self.blocks:
            if b.kind == "p":
                out.append(_para(b.text, para))
            elif b.kind == "img":
                out.append(
                    f'<p align="center"><img src="{b.href}" border="0" alt="{b.text}" /></p>'
                )
            else:
                out.append(f'<p>附件：<a href="{b.href}" target="_blank">{b.text}</a></p>')
        return "\n".join(out)

    def expected_html(self, para: str = "pe") -> str:
        out = []
        for b in self.blocks:
            if b.kind == "p":
                indent = "\u3000\u3000" if para == "pe" else ""
                out.append(f"<p>{indent}{b.text}</p>")
            elif b.kind == "img":
                out.append(f'<p><img src="{b.absolute}" alt="{b.text}"></p>')
            else:
                out.append(f'<p>附件：<a href="{b.absolute}">{b.text}</a></p>')
        return "\n".join(out)

    def expected_text(self) -> str:
        lines = []
        for b in self.blocks:
            if b.kind == "p":
                lines.append(b.text)
            elif b.kind == "file":
                lines.append(f"附件：{b.text}")
        return "\n".join(lines)

    @property
    def images(self) -> list[str]:
        return [b.absolute for b in self.blocks if b.kind == "img"]

    @property
    def files(self) -> list[str]:
        return [b.absolute for b in self.blocks if b.kind == "file"]


def _para(text: str, style: str) -> str:
    if style == "pe":
        return f"<p>\u3000\u3000{text}</p>"
    if style == "indent":
        return f'<p style="text-indent: 2em; line-height: 1.75em;">{text}</p>'
    if style == "justify":
        return f'<p align="justify" class="MsoNormal">{text}</p>'
    return f"<p>{text}</p>"


def show_date(when: datetime, style: str) -> str:
    """The date as a template prints it."""
    y, m, d, hh, mm, ss = when.year, when.month, when.day, when.hour, when.minute, when.second
    forms = {
        "cn_min": f"{y}年{m:02d}月{d:02d}日 {hh:02d}:{mm:02d}",
        "dash_sec": f"{y}-{m}-{d} {hh}:{mm:02d}:{ss:02d}",
        "dash_date": f"{y}-{m}-{d}",
        "slash_sec": f"{y}/{m}/{d} {hh}:{mm:02d}:{ss:02d}",
        "slash_date": f"{y}/{m}/{d}",
        "iso_min": f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}",
        "iso_sec": f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}",
        "iso_date": f"{y}-{m:02d}-{d:02d}",
        "cn_date": f"{y}年{m}月{d}日",
        "cn_numeral": "".join(_CN[int(c)] for c in str(y)) + f"年{_cn_num(m)}月{_cn_num(d)}日",
        "fullwidth": "".join(
            chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in f"{y}-{m:02d}-{d:02d}"
        ).replace("-", "－"),
        "bracket": f"[{y}-{m:02d}-{d:02d}]",
    }
    return forms[style]


def _cn_num(n: int) -> str:
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def expected_date(when: datetime, style: str) -> tuple[str, bool]:
    """The ISO time the extractor must report for a date shown in ``style``."""
    if style in ("cn_min", "iso_min"):
        return when.replace(second=0).isoformat(), False
    if style in ("dash_sec", "slash_sec", "iso_sec"):
        return when.isoformat(), False
    return when.replace(hour=0, minute=0, second=0).isoformat(), True


def write_case(
    folder: Path,
    name: str,
    html: str,
    *,
    url: str,
    charset: str,
    content_type: str | None,
    expected: dict[str, Any],
    encoding: str = "gb18030",
    now: str = NOW,
) -> None:
    """The page bytes and its JSON: ``charset`` encodes, ``encoding`` is what decoding
    must conclude (GB labels all decode as gb18030)."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.joinpath(f"{name}.html").write_bytes(html.encode(charset))
    meta = {
        "url": url,
        "now": now,
        "content_type": content_type,
        "encoding": encoding,
        "expected": expected,
    }
    folder.joinpath(f"{name}.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def article_json(
    url: str,
    title: str,
    when: datetime | None,
    style: str,
    source: str | None,
    author: str | None,
    editor: str | None,
    category: str | None,
    body: Body,
    para: str = "pe",
    **extra: Any,
) -> dict[str, Any]:
    published, date_only = expected_date(when, style) if when else (None, True)
    data: dict[str, Any] = {
        "url": url,
        "title": title,
        "published": published,
        "date_only": date_only,
        "source": source,
        "author": author,
        "editor": editor,
        "category": category,
        "content_html": body.expected_html(para),
        "content_text": body.expected_text(),
        "images": body.images,
        "attachments": body.files,
    }
    data.update(extra)
    return data
