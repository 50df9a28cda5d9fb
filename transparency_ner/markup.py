"""A plain-text markup for writing annotated units fast, and its exact conversion.

One unit a line: ``<unit number>\\t<CAT,CAT>\\t<text with [span](LABEL) marks>``.
Only ``[...]`` directly followed by ``(AGENCY)``, ``(DATE)``, ``(COUNT)`` or
``(CHANNEL)`` is markup, so brackets and parentheses of the report itself stay text.
Offsets are computed here, never by hand.
"""
from __future__ import annotations

import re
from typing import List, Sequence, Tuple

from .scheme import CATEGORIES, ENT_LABELS

_MARK = re.compile(r"\[([^\[\]\n]+?)\]\((" + "|".join(ENT_LABELS) + r")\)")

Span = Tuple[int, int, str]


class MarkupError(ValueError):
    """A markup line that cannot be turned into a gold unit."""


def parse_markup(marked: str) -> Tuple[str, List[Span]]:
    """``'[区政府](AGENCY)公开[3条](COUNT)'`` -> ``('区政府公开3条', [(0, 3, 'AGENCY'), (5, 7, 'COUNT')])``."""
    parts: List[str] = []
    spans: List[Span] = []
    length = 0
    pos = 0
    for m in _MARK.finditer(marked):
        before = marked[pos : m.start()]
        parts.append(before)
        length += len(before)
        spans.append((length, length + len(m.group(1)), m.group(2)))
        parts.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
    parts.append(marked[pos:])
    return "".join(parts), spans


def to_markup(text: str, spans: Sequence[Sequence]) -> str:
    """The inverse of :func:`parse_markup` (spans must not overlap)."""
    out: List[str] = []
    pos = 0
    for start, end, label in sorted(spans, key=lambda s: s[0]):
        out.append(text[pos:start])
        out.append(f"[{text[start:end]}]({label})")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def parse_line(line: str) -> Tuple[int, List[str], str, List[Span]]:
    """One markup line -> (unit number, categories, text, spans)."""
    fields = line.rstrip("\n").split("\t")
    if len(fields) != 3:
        raise MarkupError(f"expected 3 tab-separated fields, found {len(fields)}")
    number, cats_field, marked = fields
    if not number.strip().isdigit():
        raise MarkupError(f"unit number {number!r} is not a number")
    cats = [c.strip() for c in cats_field.split(",") if c.strip()]
    unknown = [c for c in cats if c not in CATEGORIES]
    if unknown:
        raise MarkupError(f"unknown categories {unknown}")
    text, spans = parse_markup(marked)
    return int(number), cats, text, spans
