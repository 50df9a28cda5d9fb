"""The rules-only pipeline: the bar the trained model has to clear.

Regexes for DATE and COUNT, lexicons for CHANNEL and AGENCY suffixes, keyword rules
for the categories. Everything inside 《…》 titles and 〔…〕 document numbers is masked
first, as the scheme says nothing there is tagged. Lexicons live in the config, so
the component serialises with the pipeline and can be tuned without code.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import filter_spans

from .scheme import CATEGORIES
from .tokenizer import to_simplified

_CN_DIGIT = "零〇一二两三四五六七八九十百千万"
_UNITS = (
    "人次|万元|元|条|件|次|个|类|项|名|人|份|篇|期|场|块|家|例|批|处|本|张|幅|部|套|台|户|所|处|天次|余条"
)
DATE_PATTERNS: List[str] = [
    r"\d{4}-\d{1,2}-\d{1,2}(?: \d{1,2}:\d{2}(?::\d{2})?)?",
    r"(?:\d{4}|[〇零一二三四五六七八九]{4})年(?:度)?(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?)?(?:上半年|下半年)?",
    r"\d{1,2}月\d{1,2}日",
]
COUNT_PATTERNS: List[str] = [
    rf"(?:\d+(?:\.\d+)?|[{_CN_DIGIT}]+)(?:余|多)?(?:万|千|百)?[{_CN_DIGIT}]*(?:余|多)? ?(?:{_UNITS})",
]
CHANNELS: List[str] = [
    "政府门户网站", "门户网站", "政府网站", "政务网站", "为民服务中心", "办事大厅", "政务服务网", "政府信息公开网", "政务微博", "政务微信", "微信公众号", "公众号", "微博", "微信",
    "政府公报", "公开栏", "宣传栏", "公示栏", "电子显示屏", "政府信息公开查询一体机", "查询一体机",
    "政府信息查阅场所", "查阅场所", "查阅点", "新闻发布会", "在线访谈", "微访谈", "热线", "便民手册",
    "宣传单", "当面", "信函", "网络", "网上", "传真", "电子邮件", "网站", "服务中心", "服务大厅", "展板",
]
AGENCY_SUFFIXES: List[str] = [
    "人民政府办公室", "人民政府", "政府办公室", "政府办", "政府", "办事处", "领导小组办公室", "领导小组", "人社局",
    "档案馆", "档案局", "党政办", "党政办公室", "委员会", "局", "委",
]
# Stand-alone short forms that need no division name in front.
AGENCY_SHORT_FORMS: List[str] = [
    "区政府办", "区政府", "市政府", "县政府", "镇政府", "乡政府", "区委", "市委", "县委", "镇党委",
    "行政办公室", "行政办", "党政办", "国务院办公厅", "区档案馆",
]
# One or two division names (2-4 chars + level word) in front of an office suffix.
AGENCY_PREFIX = r"(?:[\u4e00-\u9fff]{2,4}?(?:省|市|区|县|镇|乡|街道)){1,2}"
_OWNER = r"(?:区政府|市政府|县政府|镇政府|街道|镇|区|县|市)?"
CATEGORY_KEYWORDS: Dict[str, List[str]] = {
    "PROACTIVE": ["主动公开", "公开信息", "发布信息", "公开了", "重点领域", "公开政府信息"],
    "REQUEST": ["依申请", "申请公开", "公开申请", "申请数", "答复", "收费", "减免"],
    "APPEAL": ["行政复议", "行政诉讼", "举报", "投诉"],
    "INTERPRETATION": ["解读", "回应", "舆情", "关切", "发布会", "访谈", "留言"],
    "PLATFORM": ["网站", "微博", "微信", "公开栏", "查阅", "平台", "公众号", "服务中心", "大厅"],
    "ORGANIZATION": ["领导小组", "制度", "培训", "考核", "保密", "审查", "机构", "人员", "监督"],
    "ISSUES": ["问题", "不足", "改进", "下一步", "今后", "加强", "进一步"],
}
_MASK = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]|[0-9０-９]{3,4}-?[0-9]{7,8}|\d+%|第[\d一二三四五六七八九十]+[条项号届]")
_TABLE_NUMBER = re.compile(r"(?:(?<=\|)|^) ?([+\-]?\d+(?:\.\d+)?) ?(?=\|)")


def mask(text: str) -> str:
    """Simplified text with titles, document numbers and the like blanked out.

    Patterns are written in Simplified; the conversion and the blanking keep every
    offset, so matches index the original text.
    """
    return _MASK.sub(lambda m: "\x00" * len(m.group()), to_simplified(text))


def char_spans(doc: Doc, found: Iterable[Tuple[int, int, str]]) -> List:
    """Character offsets -> spans, shrunk to whole tokens; empty ones dropped."""
    spans = []
    for start, end, label in found:
        span = doc.char_span(start, end, label=label, alignment_mode="contract")
        if span is not None and len(span):
            spans.append(span)
    return spans


class RulesAnnotator:
    """Sets ``doc.ents`` and ``doc.cats`` from patterns; no training, no weights."""

    def __init__(
        self,
        name: str,
        date_patterns: Sequence[str],
        count_patterns: Sequence[str],
        channels: Sequence[str],
        agency_suffixes: Sequence[str],
        category_keywords: Dict[str, List[str]],
    ) -> None:
        self.name = name
        self.date_re = re.compile("|".join(f"(?:{p})" for p in date_patterns))
        self.count_re = re.compile("|".join(f"(?:{p})" for p in count_patterns))
        channel_words = "|".join(re.escape(c) for c in sorted(channels, key=len, reverse=True))
        self.channel_re = re.compile(rf"{_OWNER}(?:{channel_words})")
        suffixes = "|".join(re.escape(s) for s in sorted(agency_suffixes, key=len, reverse=True))
        short = "|".join(re.escape(s) for s in sorted(AGENCY_SHORT_FORMS, key=len, reverse=True))
        self.agency_re = re.compile(rf"{AGENCY_PREFIX}(?:{suffixes})|{short}")
        self.category_keywords = dict(category_keywords)

    def find(self, text: str) -> List[Tuple[int, int, str]]:
        masked = mask(text)
        found: List[Tuple[int, int, str]] = []
        for label, regex in (("DATE", self.date_re), ("COUNT", self.count_re),
                             ("CHANNEL", self.channel_re), ("AGENCY", self.agency_re)):
            found.extend((m.start(), m.end(), label) for m in regex.finditer(masked) if m.end() > m.start())
        if "|" in text:
            found.extend((m.start(1), m.end(1), "COUNT") for m in _TABLE_NUMBER.finditer(masked))
        return found

    def categorize(self, text: str) -> List[str]:
        text = to_simplified(text)
        cats = [c for c, words in self.category_keywords.items() if any(w in text for w in words)]
        return cats or ["OTHER"]

    def __call__(self, doc: Doc) -> Doc:
        doc.ents = filter_spans(char_spans(doc, self.find(doc.text)))
        cats = set(self.categorize(doc.text))
        doc.cats = {c: float(c in cats) for c in CATEGORIES}
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory(
    "transparency_rules",
    default_config={
        "date_patterns": DATE_PATTERNS,
        "count_patterns": COUNT_PATTERNS,
        "channels": CHANNELS,
        "agency_suffixes": AGENCY_SUFFIXES,
        "category_keywords": CATEGORY_KEYWORDS,
    },
)
def make_rules(
    nlp: Language,
    name: str,
    date_patterns: List[str],
    count_patterns: List[str],
    channels: List[str],
    agency_suffixes: List[str],
    category_keywords: Dict[str, List[str]],
) -> RulesAnnotator:
    return RulesAnnotator(name, date_patterns, count_patterns, channels, agency_suffixes, category_keywords)


class DateRules:
    """Puts DATE in the model pipeline from the date patterns, after ``ner``.

    Dates are a closed, regular class: the patterns score higher than a model trained
    on a few hundred examples (README, per-label table), above all on reports unlike
    the training ones. The patterns' dates replace the model's: a model entity that
    overlaps one is dropped, and so is a model DATE the patterns do not find.
    """

    def __init__(self, name: str, date_patterns: Sequence[str]) -> None:
        self.name = name
        self.date_re = re.compile("|".join(f"(?:{p})" for p in date_patterns))

    def __call__(self, doc: Doc) -> Doc:
        dates = char_spans(doc, ((m.start(), m.end(), "DATE") for m in self.date_re.finditer(mask(doc.text))))
        kept = [
            e for e in doc.ents
            if e.label_ != "DATE" and not any(e.start < d.end and d.start < e.end for d in dates)
        ]
        doc.ents = sorted(kept + filter_spans(dates), key=lambda s: s.start)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


@Language.factory("transparency_dates", default_config={"date_patterns": DATE_PATTERNS})
def make_dates(nlp: Language, name: str, date_patterns: List[str]) -> DateRules:
    return DateRules(name, date_patterns)


def rules_pipeline() -> Language:
    """A blank pipeline with the tokenizer and the rules component."""
    from .tokenizer import blank_pipeline

    nlp = blank_pipeline()
    nlp.add_pipe("transparency_rules")
    return nlp
