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
from typing import Callable, Dict, Iterable, Iterator, List

from spacy.language import Language
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
# an attachment line (附表：…统计表 / 附件1：….pdf) ends the report's sections: what follows
# is a statistics table or page chrome, not more of the last section's problems and plans
_ATTACHMENT = re.compile(r"^附(?:表|件)?\s*[0-9０-９一二三四五六七八九十]*\s*(?:[:：]|$)")


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
    plans under any of the three. An attachment line (附表/附件) closes them all."""

    def __init__(self) -> None:
        self.top = ""
        self.sub = ""
        self.lead = ""

    def update(self, text: str) -> str:
        text = text.strip()
        if _ATTACHMENT.match(text):
            self.top, self.sub, self.lead = "", "", ""
            return ""
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


# The headings under which the gold gives a label to (nearly) every unit: ISSUES under
# 存在的主要问题及改进情况 / 下一步工作打算 / 2019年工作计划 … (956 of 963 such units of the
# train and dev reports; the rest are signatures and chrome, which the guards leave alone).
SECTION_PATTERNS: Dict[str, List[str]] = {
    "ISSUES": ["存在|不足|改进|打算|计划|下一步|下步|展望|思路|努力方向"],
}


class SectionCats:
    """Raises a category's score to at least ``floor`` for the units under a section whose heading
    matches one of its patterns, after ``textcat_multilabel``.

    The scheme lets the section decide for units that say nothing on their own, and the
    bag of section n-grams (``TextCatNormBOW.v2``) learns that only for headings it has
    seen: under 2019工作计划 or 2018年，我区将……主要做好以下几方面工作 the leave-one-seed-out
    models gave ISSUES 0.27 to 0.37 (README). Table rows (``|``) and units the model
    calls OTHER (page chrome, signatures) keep their scores."""

    def __init__(self, name: str, patterns: Dict[str, List[str]], floor: float = 0.99,
                 other_max: float = 0.5) -> None:
        self.name = name
        self.patterns = {label: re.compile("|".join(f"(?:{p})" for p in pats)) for label, pats in patterns.items()}
        # not ``self.score``: spaCy's evaluation calls a component's ``score`` method
        self.floor = floor
        self.other_max = other_max

    def __call__(self, doc: Doc) -> Doc:
        section = doc.user_data.get(SECTION, "")
        if not section or "|" in doc.text or doc.cats.get("OTHER", 0.0) >= self.other_max:
            return doc
        for label, pattern in self.patterns.items():
            if label in doc.cats and pattern.search(section):
                doc.cats[label] = max(doc.cats[label], self.floor)
        return doc


@Language.factory(
    "transparency_section_cats",
    default_config={"patterns": SECTION_PATTERNS, "floor": 0.99, "other_max": 0.5},
)
def make_section_cats(nlp: Language, name: str, patterns: Dict[str, List[str]], floor: float,
                      other_max: float) -> SectionCats:
    return SectionCats(name, patterns, floor, other_max)
