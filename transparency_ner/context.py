"""Where a unit stands in its report: the heading of the section it is in.

A unit is labelled by its own content, but many say nothing on their own ("二是强化考核和
培训。" under 五、存在的主要问题及改进情况 is ISSUES as well as ORGANIZATION), and the scheme
lets the section decide then. The heading is kept in ``doc.user_data["section"]``; the
categories' bag of n-grams reads it (``transparency_ner.TextCatNormBOW.v2``). Gold docs
get it when the corpus is converted, reports when they are tagged; a single sentence
tagged on its own has none, and the model is trained to do without it too
(``transparency_ner.SectionContext.v1`` drops it from some training units).
"""
from __future__ import annotations

import random
import re
from typing import Callable, Iterable, Iterator, List

from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

from .tokenizer import to_simplified

SECTION = "section"
_TOP = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十]{1,3}部分)\s*")
_SUB = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]\s*")
# a short unit that ends in a colon introduces what follows (存在的不足： / 下步工作打算： /
# 2019年，我镇将重点做好以下工作：), often inside a section about something else
_LEAD = re.compile(r"^[^:：|]{2,30}[:：]$")
# ... or opens a longer unit that goes on with the first item (2018年，我区将……主要做好以下几方面
# 工作：一是…; 存在问题主要有：一是…): then the clause that announces the list is the lead-in
_INLINE_LEAD = re.compile(
    r"^([^:：|。；（）()]{2,60}?(?:以下[^:：，,。]{0,8}|如下|主要[是有]|表现在|包括|分为|不足|问题|打算|计划))[:：](?=\S)"
)
_MAX_HEADING = 40


def _heading(text: str, pattern: re.Pattern) -> str:
    """The heading's words if ``text`` is a heading of that level; table rows are not."""
    if "|" in text or len(text) > _MAX_HEADING:
        return ""
    found = pattern.match(text)
    return text[found.end():] if found else ""


class SectionTracker:
    """Reads a report's units in order and says which section each one is in: the
    top-level heading (一、… or 第一部分…), the sub-heading (（一）…) under it and the last
    lead-in ending in a colon under that, Simplified. Real reports put their problems and
    plans under any of the three."""

    def __init__(self) -> None:
        self.top = ""
        self.sub = ""
        self.lead = ""

    def update(self, text: str) -> str:
        text = text.strip()
        top = _heading(text, _TOP)
        sub = "" if top else _heading(text, _SUB)
        if top:
            self.top, self.sub, self.lead = top, "", ""
        elif sub:
            self.sub, self.lead = sub, ""
        elif _LEAD.match(text):
            self.lead = text.rstrip(":：")
        else:
            inline = _INLINE_LEAD.match(text)
            self.lead = inline.group(1) if inline else self.lead
        return to_simplified(" ".join(p for p in (self.top, self.sub, self.lead) if p))


def unit_doc(nlp, text: str, section: str) -> Doc:
    """The doc a unit is tagged as: its text, and the section it stands in."""
    doc = nlp.make_doc(text)
    doc.user_data[SECTION] = section
    return doc


def sections(texts: Iterable[str]) -> Iterator[str]:
    tracker = SectionTracker()
    return (tracker.update(text) for text in texts)


def set_sections(docs: List) -> List:
    """Give each doc of one report, in report order, its section."""
    for doc, section in zip(docs, sections(d.text for d in docs)):
        doc.user_data[SECTION] = section
    return docs


@registry.augmenters("transparency_ner.SectionContext.v1")
def create_section_context(drop: float = 0.0) -> Callable[..., Iterator[Example]]:
    """spaCy's corpus reader makes the predicted doc from the text alone; this copies the
    section over from the gold doc, and leaves it out with probability ``drop`` so the
    model also learns units that come without one."""

    def augment(nlp, example: Example) -> Iterator[Example]:
        section = example.reference.user_data.get(SECTION, "")
        if section and random.random() >= drop:
            example.predicted.user_data[SECTION] = section
        yield example

    return augment
