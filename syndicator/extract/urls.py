"""Absolute links, canonical URLs and the identity of an article.

An article's key must survive http/https switches, reordered or tracking query
parameters and part suffixes (``2603_2.html``), because it becomes the feed entry id.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

_STRIP = (
    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15"
    "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \u00a0\u3000\ufeff"
)
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_WEB_SCHEMES = frozenset({"http", "https"})
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/%:@!$&'()*+,;=-._~?"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRACKING = frozenset(
    {
        "spm",
        "from",
        "fbclid",
        "gclid",
        "msclkid",
        "isappinstalled",
        "scene",
        "share_token",
        "sharer_shareid",
        "clicktime",
        "_hsenc",
    }
)

_QUERY_ID = re.compile(r"(?:^|&)(?:articleid|aid)=0*(\d+)(?:&|$)", re.I)
_FILE_IDS = (
    re.compile(r"^art_\d+_(\d+)$", re.I),  # Hanweb art_<col>_<id>
    re.compile(r"^t\d{8}_(\d+)$", re.I),  # TRS t20230301_<id>
    re.compile(r"^\d{14}_(\d+)(?:_\d+)?$"),  # PowerEasy yyyymmddhhmmss_<id>
    re.compile(r"^(\d+)(?:_\d+)?$"),  # <id>.html, <id>_2.html, 14 digits
)
_FILE_NAME = re.compile(r"/([^/]+)\.(?:s?html?|shtm|aspx?|php|jsp)$", re.I)


def absolutize(href: str, base: str, encoding: str = "utf-8") -> str | None:
    """Resolve a link found in a page; None for non-web links (javascript:, mailto:…).

    Raw non-ASCII in the query is percent-encoded in the page's ``encoding``: an ASP
    page served as GBK reads ``SourceName=%D5%E3…``, not the UTF-8 bytes.
    """
    href = href.strip(_STRIP).replace("\t", "").replace("\n", "").replace("\r", "")
    if not href or href.startswith("#"):
        return None
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(1).lower() not in _WEB_SCHEMES:
        return None
    try:
        joined = urljoin(base, href.replace("\\", "/"))
        parts = urlsplit(joined)
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
        return None
    return _encode(
        parts.scheme.lower(),
        parts.netloc,
        parts.path,
        parts.query,
        parts.fragment,
        _codec(encoding),
    )


def _codec(encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return "utf-8"
    return encoding


def _encode(
    scheme: str, netloc: str, path: str, query: str, fragment: str, encoding: str = "utf-8"
) -> str:
    """Percent-encode raw spaces and non-ASCII characters, leaving existing escapes."""
    try:
        netloc.encode("ascii")
    except UnicodeEncodeError:
        netloc = _idna(netloc)
    return urlunsplit(
        (
            scheme,
            netloc,
            quote(path or "/", safe=_PATH_SAFE),
            quote(query, safe=_QUERY_SAFE, encoding=encoding, errors="strict")
            if _encodable(query, encoding)
            else quote(query, safe=_QUERY_SAFE),
            quote(fragment, safe=_QUERY_SAFE),
        )
    )


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _idna(netloc: str) -> str:
    host, sep, port = netloc.rpartition(":") if "]" not in netloc else (netloc, "", "")
    if not sep or not port.isdigit():
        host, sep, port = netloc, "", ""
    try:
        return host.encode("idna").decode("ascii") + sep + port
    except UnicodeError:
        return quote(host, safe=".-") + sep + port


def canonical_url(url: str) -> str:
    """The URL with lowercase host, no default port, no fragment, sorted clean query."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    pairs = [p for p in parts.query.split("&") if p and not _is_tracking(p)]
    query = "&".join(sorted(pairs))
    return _encode(scheme, host, parts.path, query, "")


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in _TRACKING


def article_key(url: str) -> str:
    """The portal's article id when the URL carries one, else the scheme-less canonical URL."""
    canonical = canonical_url(url)
    parts = urlsplit(canonical)
    found = _QUERY_ID.search(parts.query)
    if found:
        return str(int(found.group(1)))
    name = _FILE_NAME.search(parts.path)
    if name:
        for pattern in _FILE_IDS:
            match = pattern.match(name.group(1))
            if match:
                return str(int(match.group(1)))
    return canonical[len(parts.scheme) + 1 :] if parts.scheme else canonical


# Month and day fill two digits when glued ("/20230301/"), one or two when separated
# ("/2020/7/2-<hash>.html", "/2023-3-1/").
_DATED_PATH = re.compile(r"/(?:19|20)\d{2}(?:[-/_]\d{1,2}|\d{2})(?:[-/_]\d{1,2}|\d{2})?(?:/|_)")
_ID_QUERY = re.compile(
    r"(?:^|&)(?:id|aid|artid|articleid|newsid|infoid|contentid|docid|itemid)=\d+(?:&|$)", re.I
)


def looks_like_article(url: str) -> bool:
    """An article-shaped link: a numeric id, a dated folder (/202303/, /2023-03-01/,
    /2023/0301/, /2020/7/) or an ``id=N`` query (show.asp?id=, PHPCMS ``&id=``)."""
    if article_id(url):
        return True
    parts = urlsplit(url)
    if _ID_QUERY.search(parts.query):
        return True
    return bool(_DATED_PATH.search(parts.path)) and not parts.path.endswith("/")


def article_id(url: str) -> str | None:
    """Just the numeric id, or None when the URL has none (used to spot article links)."""
    key = article_key(url)
    return key if key.isdigit() else None
