"""Bytes to text, with the charset chosen by us rather than by the parser.

lxml silently truncates a gb2312-declared page at the first GBK-only character
(镕, 堃, 喆…), and servers often send no charset or a wrong one, so the parser only
ever sees a ``str`` decoded here.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Every label of the GB family decodes as gb18030, its superset (as WHATWG does):
# a page declared gb2312 routinely carries GBK-only characters.
_GB_LABELS = frozenset(
    {
        "gb2312",
        "gbk",
        "xgbk",
        "gb231280",
        "gb2312080",
        "cp936",
        "ms936",
        "windows936",
        "chinese",
        "csgb2312",
        "isoir58",
        "csiso58gb231280",
        "xgb2312",
        "euccn",
        "xeuccn",
        "gb18030",
        "gb23121980",
    }
)
# WHATWG treats these labels as windows-1252; several of them decode any byte string,
# so a header naming them proves nothing about the bytes.
_LATIN_LABELS = frozenset(
    {"iso88591", "latin1", "l1", "cp1252", "windows1252", "cp819", "ibm819", "iso885915"}
)

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([^\s;\"',]+)", re.I)
_XML_DECLARATION = re.compile(rb"\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_:.\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.\-]+)", re.I)
_HEAD_END = re.compile(rb"</head\s*>|<body\b", re.I)
_MAX_HEAD = 256 * 1024
_DETECT_BYTES = 64 * 1024


def normalize_charset(label: str) -> str | None:
    """Python codec name for a charset label, or None when the label is unknown."""
    compact = re.sub(r"[^a-z0-9]", "", label.strip().lower())
    if not compact:
        return None
    if compact in _GB_LABELS or compact.startswith(("gb2312", "gbk")):
        return "gb18030"
    if compact in _LATIN_LABELS:
        return "cp1252"
    if compact in {"ascii", "usascii", "ansix3.41968", "ansix341968"}:
        return "utf-8"
    if compact in {"big5", "big5hkscs", "cnbig5", "xxbig5"}:
        return "big5hkscs"
    try:
        return codecs.lookup(label.strip()).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page: BOM, then a header charset that fits, then <meta>, then detection."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), name
    meta = _meta_charset(body)
    header = _header_charset(content_type)
    if header and not (header == "cp1252" and meta and meta != header):
        text = _strict(body, header)
        if text is not None:
            return text, header
    if meta:
        text = _strict(body, meta)
        if text is not None:
            return text, meta
    detected = _detect(body)
    if detected:
        text = _strict(body, detected)
        if text is not None:
            return text, detected
    fallback = meta or "utf-8"
    return body.decode(fallback, errors="replace"), fallback


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_charset(match.group(1)) if match else None


def _meta_charset(body: bytes) -> str | None:
    """The charset of an XML declaration opening the document (Hanweb's dataproxy.jsp
    answers are XML, often GBK and served without a header charset), else the first one
    named by a <meta> in the head, however long the head is."""
    declared = _XML_DECLARATION.match(body)
    if declared:
        codec = normalize_charset(declared.group(1).decode("ascii", errors="ignore"))
        if codec:
            return codec
    head = body[:_MAX_HEAD]
    end = _HEAD_END.search(head)
    if end:
        head = head[: end.start()]
    for match in _META_CHARSET.finditer(head):
        codec = normalize_charset(match.group(1).decode("ascii", errors="ignore"))
        if codec:
            return codec
    return None


def _detect(body: bytes) -> str | None:
    best = from_bytes(body[:_DETECT_BYTES]).best()
    if best is None:
        return None
    return normalize_charset(best.encoding)


_META_TEXT = re.compile(r"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.\-]+)", re.I)
_XML_TEXT = re.compile(r"\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_:.\-]+)", re.I)


def declared_encoding(html: str) -> str:
    """The codec the page's own XML declaration or <meta> names (links in it were written
    in that charset)."""
    match = _XML_TEXT.match(html) or _META_TEXT.search(html[:_MAX_HEAD])
    codec = normalize_charset(match.group(1)) if match else None
    return codec if codec and codec != "cp1252" else "utf-8"
