"""Label anchoring: "日期：… 来源：… 作者：…" lines split by the positions of their labels.

Separators between fields vary (runs of &nbsp;, U+3000, "|"), labels are padded
("作&nbsp;&nbsp;者", "日　期") and colons come in both widths, so the labels are the
only stable anchors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from syndicator.extract.text import Element, clean_value, elements, norm, text_floor

# label -> field; "hits" and "other" only delimit the fields we keep.
_LABELS: dict[str, str] = {
    "发布日期": "date",
    "发布时间": "date",
    "发布": "date",
    "更新时间": "date",
    "日期": "date",
    "时间": "date",
    "发表时间": "date",
    "发表日期": "date",
    "发文日期": "date",
    "成文日期": "date",
    "录入时间": "date",
    "添加时间": "date",
    "上传时间": "date",
    "来源": "source",
    "文章来源": "source",
    "信息来源": "source",
    "稿件来源": "source",
    "稿源": "source",
    "来源于": "source",
    "本文来源": "source",
    "本文来源于": "source",
    "出处": "source",
    "作者": "author",
    "撰稿": "author",
    "撰稿人": "author",
    "文章作者": "author",
    "原创": "author",
    "发布人": "other",
    "发布者": "other",
    "责任编辑": "editor",
    "责编": "editor",
    "编辑": "editor",
    "文章录入": "entry",
    "录入": "entry",
    "点击数": "hits",
    "点击": "hits",
    "浏览": "hits",
    "浏览次数": "hits",
    "阅读": "hits",
    "阅读数": "hits",
    "访问量": "hits",
    "访问次数": "hits",
    "点击率": "hits",
    "点击量": "hits",
    "浏览量": "hits",
    "阅读量": "hits",
    "查看": "hits",
    "人气": "hits",
    "字体": "other",
    "字号": "other",
    "评论": "other",
    "文章标题": "title",
    "标题": "title",
}
_NO_COLON = frozenset({"点击数", "浏览次数", "阅读数", "本文来源于"})
_INFO_FIELDS = frozenset({"date", "source", "author"})
MAX_LINE = 200
# An unlabelled date before a single label ("2023-03-01 14:47 来源：X") is a field too.
_DATE_LEAD = re.compile(r"^\D{0,6}(?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}")
# A value ends where an unlabelled date starts ("来源：未知 2015-02-06 22:16"): the
# date is a field of its own, printed bare by templates that label only some fields.
_BARE_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}")
# ... and where the row's action links start, which no source or name begins with.
_ACTION_WORDS = re.compile(
    r"(?:^|(?<=[\s|｜【\[（(]))(?:我要评论|发表评论|参与评论|网友评论|查看评论|打印(?:本页|此文|文章)?"
    r"|关闭(?:窗口|本页)?|收藏(?:本页|本文)?|分享到?|返回顶部|返回列表)"
)
_HAS_DIGIT = re.compile(r"\d")
# A closing credit line reads as a field only when its value is a name, not a sentence.
_MAX_CLOSING_LINE = 40
_MAX_CLOSING_NAME = 16
_CLOSING_FIELDS = frozenset({"author", "editor", "entry"})
# Fields whose value is a name: a date or an action link never continues one (a title can
# hold a date, so it is not cut).
_NAME_FIELDS = frozenset({"source", "author", "editor", "entry"})


def _label_pattern(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label)


_ORDERED = sorted(_LABELS, key=len, reverse=True)
_LABEL_RE = re.compile(
    r"(?<![\u4e00-\u9fffA-Za-z])(?:"
    + "|".join(
        f"(?P<l{i}>{_label_pattern(lab)})" + (r"\s*[:：]?" if lab in _NO_COLON else r"\s*[:：]")
        for i, lab in enumerate(_ORDERED)
    )
    + ")"
)


@dataclass(frozen=True, slots=True)
class LabelLine:
    """Fields read from one label line, and the element that held it."""

    element: Element | None
    fields: dict[str, str | None]

    @property
    def is_info(self) -> bool:
        """A row of fields about the article; a lone "来源：X" line is not one, its
        field only fills what the info line lacks."""
        return bool(_INFO_FIELDS & self.fields.keys()) and len(self.fields) >= 2


def split_labels(text: str) -> dict[str, str | None]:
    """Field -> value for every label found; the first occurrence of a field wins."""
    if ":" not in text and "：" not in text:
        squeezed = "".join(text.split())
        if not any(label in squeezed for label in _NO_COLON):
            return {}  # every other label ends in a colon
    text = norm(text.replace("\r", " ").replace("\n", " "))
    found: list[tuple[int, int, str]] = []
    for match in _LABEL_RE.finditer(text):
        label = next(_ORDERED[int(k[1:])] for k, v in match.groupdict().items() if v)
        found.append((match.start(), match.end(), _LABELS[label]))
    fields: dict[str, str | None] = {}
    if found and found[0][0] > 0:
        # PHPCMS and others print the date before the first label, without one.
        fields["lead"] = clean_value(text[: found[0][0]])
    for index, (_, end, field) in enumerate(found):
        stop = found[index + 1][0] if index + 1 < len(found) else len(text)
        value = text[end:stop]
        if field in _NAME_FIELDS:
            value, bare = _cut_value(value)
            if bare and "trail" not in fields:
                fields["trail"] = clean_value(bare)
        # A "发布：" naming the publisher leaves the date to a later date label.
        if field not in fields or (field == "date" and not _HAS_DIGIT.search(fields[field] or "")):
            fields[field] = clean_value(value)
    return fields


def _cut_value(value: str) -> tuple[str, str | None]:
    """The value up to a bare date or an action link, and that date if one follows."""
    action = _ACTION_WORDS.search(value)
    if action:
        value = value[: action.start()]
    date = _BARE_DATE.search(value)
    if date is None:
        return value, None
    return value[: date.start()], value[date.start() :]


def closing_fields(line: str) -> dict[str, str]:
    """Author, editor or entry credited by the body's last line ("作者:X", "(责任编辑：X)").

    Templates close the body with their own editor line, and prose sites sign a piece
    off with its author; a line that goes on like a sentence is text, not a credit.
    """
    text = norm(line)
    if not text or len(text) > _MAX_CLOSING_LINE or not _starts_with_label(text):
        return {}
    found: dict[str, str] = {}
    for key, value in split_labels(text.strip("（()）【】[] ")).items():
        if (
            key in _CLOSING_FIELDS
            and value
            and len(value) <= _MAX_CLOSING_NAME
            and not any(ch in value for ch in "，。；！？,;")
        ):
            found[key] = value
    return found


def find_label_lines(root: Element, floor: dict[Element, int] | None = None) -> list[LabelLine]:
    """The smallest short elements holding two or more labels or starting with an editor
    label, then lone "来源：X" lines outside those, in document order."""
    candidates = [el for el in elements(root) if el.tag not in ("html", "body", "head")]
    read: dict[int, tuple[str, dict[str, str | None]]] = {}
    floor = text_floor(root) if floor is None else floor
    for index, el in enumerate(candidates):
        if floor.get(el, 0) > MAX_LINE:
            read[index] = ("", {})  # too long to be a line, whatever its labels
    found = _smallest(candidates, _is_line, [], read)
    # Second, so that a "<i>来源：X</i>" inside a "发布时间：… 来源：…" row never hides the row.
    found += _smallest(candidates, _is_source_line, [line for _, line in found], read)
    return [line for _, line in sorted(found, key=lambda item: item[0])]


def _smallest(
    candidates: list[Element],
    accept: Callable[[str, dict[str, str | None]], bool],
    taken: list[LabelLine],
    read: dict[int, tuple[str, dict[str, str | None]]],
) -> list[tuple[int, LabelLine]]:
    """Accepted candidates, innermost first, none holding another or a ``taken`` line;
    ``read`` keeps each candidate's text and fields for the next pass."""
    chosen = [line.element for line in taken if line.element is not None]
    found: list[tuple[int, LabelLine]] = []
    for index in range(len(candidates) - 1, -1, -1):
        el = candidates[index]
        if any(_contains(el, c) or _contains(c, el) or c is el for c in chosen):
            continue
        if index not in read:
            text = spaced_text(el)
            short = bool(text) and len(text) <= MAX_LINE and not _is_prose(text)
            read[index] = (text, split_labels(text) if short else {})
        text, fields = read[index]
        if fields and accept(text, fields):
            chosen.append(el)
            found.append((index, LabelLine(el, fields)))
    return found


def _is_line(text: str, fields: dict[str, str | None]) -> bool:
    labelled = fields.keys() - {"lead"}
    return (
        len(labelled) >= 2
        or bool(labelled & {"editor", "entry"} and _starts_with_label(text))
        or bool(labelled & _INFO_FIELDS and _DATE_LEAD.search(fields.get("lead") or ""))
    )


def _is_source_line(text: str, fields: dict[str, str | None]) -> bool:
    return fields.keys() == {"source"} and _starts_with_label(text)


def spaced_text(el: Element) -> str:
    """Text with a space at every tag boundary: DedeCMS prints "<small>来源:</small>X
    <small>作者:</small>", and glued together the next label would read as part of X."""
    return norm(" ".join(el.itertext()))


def _is_prose(text: str) -> bool:
    """Sentences end in 。！？; an info line is a row of fields and holds at most one."""
    return sum(1 for ch in text if ch in "。！？") >= 2


def _starts_with_label(text: str) -> bool:
    """Also "（责任编辑：X）", the editor line news sites close a body with."""
    match = _LABEL_RE.match(text.lstrip("（(【[ "))
    return match is not None


def _contains(el: Element, other: Element) -> bool:
    return any(anc is el for anc in other.iterancestors())
