"""Extraction: page text in, data out, no I/O.

A tiny public surface over private modules; callers decode bytes with
``decode_html`` and hand the resulting ``str`` to the extractors.
"""

from syndicator.extract.article import extract_article, join_parts
from syndicator.extract.dates import parse_date
from syndicator.extract.decode import decode_html
from syndicator.extract.listing import extract_list
from syndicator.extract.sanitize import sanitize_html, strip_control
from syndicator.extract.urls import article_key, canonical_url

__all__ = [
    "article_key",
    "canonical_url",
    "decode_html",
    "extract_article",
    "extract_list",
    "join_parts",
    "parse_date",
    "sanitize_html",
    "strip_control",
]
