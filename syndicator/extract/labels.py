"""Label anchoring: "日期：… 来源：… 作者：…" lines split by the positions of their labels.

Separators between fields vary (runs of &nbsp;, U+3000, "|"), labels are padded
("作&nbsp;&nbsp;者", "日　期") and colons come in both widths, so the labels are the
only stable anchors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from syndicator.extract.text import Element, clean_value, elements, norm

# label -> field; "hits" and "other" only delimit the fields we keep.
_LABELS: dict[str, str] = {
    "发布日期": "date", "发布时间": "date", "更新时间": "date", "日期": "date", "时间": "date",
    "发表时间": "date", "发表日期": "date", "发文日期": "date", "成文日期": "date",
    "录入时间": "date", "添加时间": "date", "上传时间": "date", "来源": "source",
    "文章来源": "source", "信息来源": "source", "稿件来源": "source", "稿源": "source",
    "出处": "source", "作者": "author", "撰稿": "author", "撰稿人": "author", "文章作者": "author",
    "责任编辑": "editor", "责编": "editor", "编辑": "editor", "文章录入": "entry",
    "录入": "entry", "点击数": "hits", "点击": "hits", "浏览": "hits", "浏览次数": "hits",
    "阅读": "hits", "阅读数": "hits", "访问量": "hits", "字体": "other", "字号": "other",
    "评论": "other", "文章标题": "title", "标题": "title",
}
_NO_COLON = frozenset({"点击数", "浏览次数", "阅读数"})
_INFO_FIELDS = frozenset({"date", "source", "author"})
MAX_LINE = 200
# An unlabelled date before a single label ("2023-03-01 14:47 来源：X") is a field too.
_DATE_LEAD = re.compile(r"^\D{0,6}(?:19|20)\d{2}\s*[-年/.]\s*\d{1,2}")


def _label_pattern(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label)


_ORDERED = sorted(_LABELS, key=len, reverse=True)
_LABEL_RE = re.compile(
    r"(?<![\u4e00-\u9fffA-Za-z])(?:"
    + "|".join(
        f"(?P<l{i}>{_label_pattern(lab)})" + (r"\s*[:：]?" if lab in _NO_COLON else r"\s*[:：]")
        for i, lab in enumerate(_ORDERED))
    + ")")


@dataclass(frozen=True, slots=True)
class LabelLine:
    """Fields read from one label line, and the element that held it."""

    element: Element | None
    fields: dict[str, str | None]

    @property
    def is_info(self) -> bool:
        return bool(_INFO_FIELDS & self.fields.keys())


def split_labels(text: str) -> dict[str, str | None]:
    """Field -> value for every label found; the first occurrence of a field wins."""
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
        if field not in fields:
            fields[field] = clean_value(text[end:stop])
    return fields


def find_label_lines(root: Element) -> list[LabelLine]:
    """The smallest short elements holding two or more labels, or one editor label."""
    lines: list[LabelLine] = []
    chosen: list[Element] = []
    candidates = [el for el in elements(root) if el.tag not in ("html", "body", "head")]
    for el in reversed(candidates):
        text = spaced_text(el)
        if not text or len(text) > MAX_LINE or any(_contains(el, c) for c in chosen):
            continue
        if _is_prose(text):
            continue
        fields = split_labels(text)
        labelled = fields.keys() - {"lead"}
        if (len(labelled) >= 2 or (labelled & {"editor", "entry"} and _starts_with_label(text))
                or (labelled & _INFO_FIELDS and _DATE_LEAD.search(fields.get("lead") or ""))):
            chosen.append(el)
            lines.append(LabelLine(el, fields))
    lines.reverse()
    return lines


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
