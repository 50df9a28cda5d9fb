"""Clean text -> annotation units, exactly as ``shared/annotation-scheme.md`` defines them.

The split is the contract between the corpus, the model and every evaluation, so it
lives in one place and keeps each unit's offset into the cleaned text: entities found
in a unit can always be mapped back to the report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Iterator, List

# CJK ideographs (basic, extension A, compatibility) and the supplementary planes.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿê"
# A run of (pinyin) or （pinyin） groups right after a CJK character: 號(hào), 和(he)(he).
PINYIN_GLOSS = re.compile(
    rf"(?<=[{_CJK}])(?:[(（][{_PINYIN_LETTERS}]+[)）])+"
)
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
# Split after every sentence-final mark and at every line break.
_SPLIT = re.compile(r"(?<=[。！？；;!?])|\n")


@dataclass(frozen=True)
class Unit:
    """One annotation unit: its text and where it starts in the cleaned report.

    ``blank_lines`` counts the empty lines right before it: where a page flattens a table
    a cell per line, an empty cell is an empty line, and only that keeps the columns."""

    text: str
    start: int
    index: int
    blank_lines: int = 0

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def clean_text(text: str) -> str:
    """Normalise line endings, drop pinyin glosses and collapse horizontal space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = PINYIN_GLOSS.sub("", text)
    return _SPACES.sub(" ", text)


def iter_units(clean: str, first_index: int = 0, offset: int = 0) -> Iterator[Unit]:
    """Split already-cleaned text into units (stripped, non-empty pieces)."""
    index = first_index
    pos = 0
    blank = 0
    line_start = True  # the piece begins a line, so an empty one is an empty line
    for match in _SPLIT.finditer(clean + "\n"):
        piece = clean[pos : match.start()] if match.start() <= len(clean) else clean[pos:]
        lead = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        if stripped:
            yield Unit(stripped, offset + pos + lead, index, blank)
            index += 1
            blank = 0
        elif line_start and match.group() == "\n":
            blank += 1
        line_start = match.group() == "\n"
        pos = match.end()


def split_units(text: str) -> List[Unit]:
    """Raw report text -> its units, with offsets into ``clean_text(text)``."""
    return list(iter_units(clean_text(text)))


def unit_texts(text: str) -> List[str]:
    return [u.text for u in split_units(text)]


def iter_lines_units(lines: Iterable[str]) -> Iterator[Unit]:
    """Stream units from an iterable of raw lines without holding the whole report.

    Each line is cleaned on its own (glosses and spaces never cross a line break), so
    the result is the same as ``split_units("".join(lines))``.
    """
    index = 0
    offset = 0
    blank = 0
    for line in lines:
        clean = clean_text(line)
        body = clean[:-1] if clean.endswith("\n") else clean
        if not body.strip():
            blank += 1
        for unit in iter_units(body, index, offset):
            index = unit.index + 1
            yield replace(unit, blank_lines=blank) if blank else unit
            blank = 0
        offset += len(clean)
