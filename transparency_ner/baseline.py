"""The rules-only pipeline: the bar the trained model has to clear.

Regexes for DATE and COUNT; for AGENCY an owner (a named division or a level word)
followed by a body word, the scheme's internal offices and standing bodies, and a
division standing for its body where it opens a clause; for CHANNEL the channel words
with their owner, quoted account names and hotlines; keyword rules for the categories.
Everything inside 《…》 titles, “…” quotes and 〔…〕 document numbers is masked first, as
the scheme says nothing there is tagged (a quoted account name is found apart). The
lexicons live in the config, so the component serialises with the pipeline and can be
tuned without code. The model pipeline reads the same rules (``default_rules``).
"""
from __future__ import annotations

import re
from functools import lru_cache
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
    r"\d{4}年第?[一二三四]季度",
    r"\d{4}-\d{1,2}-\d{1,2}(?: \d{1,2}:\d{2}(?::\d{2})?)?",
    r"(?:\d{4}|[〇零一二三四五六七八九]{4})年(?:度)?(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?)?(?:上半年|下半年)?",
    r"\d{1,2}月(?:\d{1,2}日|份)?",
    r"(?<=至)\d{1,2}日",
]
COUNT_PATTERNS: List[str] = [
    rf"(?:\d+(?:\.\d+)?|[{_CN_DIGIT}]+)(?:余|多)?(?:万|千|百)?[{_CN_DIGIT}]*(?:余|多)? ?(?:{_UNITS})",
]
CHANNELS: List[str] = [
    "政府门户网站", "门户网站", "政府网站", "政务网站", "政府网", "网站", "政务服务网", "政府信息公开网", "政府信息公开平台",
    "政务微博", "政务微信", "官方微博", "官方微信", "微信公众号", "公众号", "微博", "微信", "抖音号", "手机客户端", "微博客户端", "客户端", "APP",
    "政府公报", "公报", "日报", "电视台", "广播电台", "广播", "电视", "报纸", "报刊",
    "政务公开栏", "村务公开栏", "校务公开栏", "公开栏", "宣传栏", "公示栏", "公告栏", "公示牌", "电子显示屏",
    "政府信息公开查询一体机", "查询一体机", "查询电脑", "查阅电脑", "查询终端", "查询设备",
    "政府信息公开查阅点", "政府信息查阅点", "政府信息公开查阅室", "政府信息查阅室", "政府信息查阅场所", "查阅场所", "查阅点", "查阅室",
    "政府信息公开专区", "政务公开专区", "图书馆",
    "为民服务中心", "便民服务中心", "政务服务中心", "行政服务中心", "党群服务中心", "政务服务大厅", "便民服务大厅", "服务大厅", "办事大厅",
    "新闻发布会", "发布会", "在线访谈", "微访谈", "热线", "便民手册", "宣传手册", "手册", "宣传单", "传单", "宣传资料", "宣传画", "广告", "明白纸", "展板", "图板", "入户告知书",
    "当面", "信函", "信件", "网络", "网上", "传真", "电子邮件", "网页", "政务服务网上大厅",
]
# Words that follow an owner to name a body: 东湖区 + 人民政府, 市 + 政府办, 县 + 档案馆.
AGENCY_SUFFIXES: List[str] = [
    "人民政府办公厅", "人民政府办公室", "人民政府", "政府办公厅", "政府办公室", "政府新闻办公室", "政府新闻办", "政府信息公开办公室", "政府信息公开办", "政府办", "政府", "办事处",
    "党工委", "党委", "纪委", "人大常委会", "人大", "政协", "人民法院", "法院", "人民检察院", "检察院",
    "档案馆", "档案局", "党校", "委党校", "委组织部", "委宣传部", "委办公室", "委办", "委员会", "委",
    "政府信息公开工作领导小组办公室", "政府信息公开工作领导小组", "政务公开工作领导小组", "政务公开领导小组",
    "政务公开办公室", "政务公开办", "办公室", "法制办", "新闻办", "党组",
]
# Bodies written without an owner (the scheme's own short forms and internal offices).
AGENCY_SHORT_FORMS: List[str] = [
    "国务院办公厅", "国务院", "党中央", "中共中央", "全国人大常委会",
    "政府信息公开工作领导小组办公室", "政府信息公开工作领导小组", "政府信息公开领导小组", "信息公开领导小组",
    "政务公开工作领导小组", "政务公开领导小组", "政务公开监督小组", "政务公开办公室",
    "党政综合办公室", "党政办公室", "党政办", "行政办公室", "行政办", "综合办公室", "综合办",
]
# Characters that never sit in a division's own name: particles, prepositions and the
# verbs that most often stand right before one ("共上传区政府", "参加了在市委").
_NOT_NAME = "的了在与及或对向由于为是将把被从经据按照通过共全各本我该其此每并以后等所年月日度报交请参加到给至即已均须需应可能会要让使传刊登提准时整承办积极推围绕培训现认真落实委布除完馆心设依托纳入"
_NAME = rf"[^\W\d_A-Za-z{_NOT_NAME}]"
_DEPT_CHAR = r"[^\W\d_A-Za-z的了在与及或对向由于为是将把被从共各本我该其此每并等所年月日度]"
_LEVEL = r"(?:自治区|自治州|自治县|街道|省|市|州|盟|区|县|旗|镇|乡)"
# One or two named divisions: 南昌市东湖区, 黑林铺街道.
DIVISION = rf"(?:{_NAME}{{2,5}}?{_LEVEL}){{1,2}}"
# A level word standing for its own division (区政府, 县档案馆), not after 我/本/全/各.
_ABBR = r"(?<![我本全各该每])(?:省|市|区|县|州|镇|乡)"
# A named department: 公安局, 人力资源和社会保障局, 民政厅.
_DEPT = rf"{_DEPT_CHAR}{{1,10}}?(?:局|厅|委员会)(?:办公室|新闻办)?"
# A division named alone stands for its government where it opens a line or a clause and
# acts or is dated (新陶街道收到…, 上一篇：永发街道2018年…), the scheme's decided case.
_BARE_BEFORE = r"(?:^|(?<=[：:>|，,、。 年度向由除为]))"
_BARE_AFTER = (
    r"(?= ?\d{4}|在|共|以|坚持|依托|通过|按照|聚焦|紧紧|重点|未|收到|人大|政府信息公开|作为|认真|结合|编制|主动|依申请|积极"
    r"|严格|全面|进一步|不断|切实|深入|制定|建立|成立|开展|召开|组织|印发|申请|$)"
)
_OWNER_CHANNEL = rf"(?:(?:{DIVISION}|{_ABBR}|街道|社区|乡镇)(?:人民政府|政府|{_DEPT})?|厅|局|政府)?"
CATEGORY_KEYWORDS: Dict[str, List[str]] = {
    "PROACTIVE": ["主动公开", "公开信息", "发布信息", "公开了", "重点领域", "公开政府信息"],
    "REQUEST": ["依申请", "申请公开", "公开申请", "申请数", "答复", "收费", "减免"],
    "APPEAL": ["行政复议", "行政诉讼", "举报", "投诉"],
    "INTERPRETATION": ["解读", "回应", "舆情", "关切", "发布会", "访谈", "留言"],
    "PLATFORM": ["网站", "微博", "微信", "公开栏", "查阅", "平台", "公众号", "服务中心", "大厅"],
    "ORGANIZATION": ["领导小组", "制度", "培训", "考核", "保密", "审查", "机构", "人员", "监督"],
    "ISSUES": ["问题", "不足", "改进", "下一步", "今后", "加强", "进一步"],
}
_MASK = re.compile(r"《[^》]*》|“[^”]*”|[上下]一[篇条]|〔[^〕]*〕|\[[^\]]*\]|[0-9０-９]{3,4}-?[0-9]{7,8}|\d+%|第[\d一二三四五六七八九十]+[条项号届]")
_TABLE_NUMBER = re.compile(r"(?:(?<=\|)|^) ?([+\-]?\d+(?:\.\d+)?) ?(?=\|)")


def mask(text: str) -> str:
    """Simplified text with titles, document numbers and the like blanked out.

    Patterns are written in Simplified; the conversion and the blanking keep every
    offset, so matches index the original text.
    """
    return _blank(to_simplified(text))


def _blank(simple: str) -> str:
    return _MASK.sub(lambda m: "\x00" * len(m.group()), simple)


def char_spans(doc: Doc, found: Iterable[Tuple[int, int, str]]) -> List:
    """Character offsets -> spans, shrunk to whole tokens; empty ones dropped."""
    spans = []
    for start, end, label in found:
        span = doc.char_span(start, end, label=label, alignment_mode="contract")
        if span is not None and len(span):
            spans.append(span)
    return spans


class _PerDoc:
    """``pipe`` for components that work one doc at a time."""

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)


def _overlaps(span, others) -> bool:
    return any(span.start < other.end and other.start < span.end for other in others)


class RulesAnnotator(_PerDoc):
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
        # the owner written before a channel is part of its name; a quoted account name
        # before a channel word is a channel of its own, quotes left out
        self.quoted_re = re.compile(rf"(?<=“)[^”《》]{{2,12}}(?=”(?:{channel_words}))")
        hotline = r"\d{5,6}[\u4e00-\u9fff]{0,8}?热线|\d{5,6}(?=[和、]\d{5})|微[\u4e00-\u9fff]{1,4}?公众号"
        self.channel_re = re.compile(rf"{_OWNER_CHANNEL}(?:{channel_words})(?![：:]|标识)|{hotline}")
        suffixes = "|".join(re.escape(s) for s in sorted(agency_suffixes, key=len, reverse=True))
        short = "|".join(re.escape(s) for s in sorted(AGENCY_SHORT_FORMS, key=len, reverse=True))
        # 政府 is not a body in 政府信息公开 or 政府常务会议, nor 政协 in 政协委员, nor 人大 in 人大代表
        body = rf"(?:{suffixes}|{_DEPT})(?!信息|常务|员(?!会)|委员(?!会)|代表|常委|书记)"
        owned = rf"(?:中共)?(?:{DIVISION}|{_ABBR})(?:{body})(?:党政办公室|党政办)?"
        office = rf"(?:{DIVISION}|{_ABBR}|街道|办事处|厅|局)?(?:{short})|(?:^|(?<=[{_NOT_NAME}，,、：: ]))(?:厅|局)办公室"
        bare = rf"{_BARE_BEFORE}{DIVISION}{_BARE_AFTER}"
        self.agency_re = re.compile(rf"{owned}|{office}|{bare}")
        self.category_keywords = dict(category_keywords)

    def find(self, text: str) -> List[Tuple[int, int, str]]:
        simple = to_simplified(text)
        masked = _blank(simple)
        found: List[Tuple[int, int, str]] = []
        found.extend((m.start(), m.end(), "CHANNEL") for m in self.quoted_re.finditer(simple))
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


class DateRules(_PerDoc):
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
            if e.label_ != "DATE" and not _overlaps(e, dates)
        ]
        doc.ents = sorted(kept + filter_spans(dates), key=lambda s: s.start)
        return doc


@Language.factory("transparency_dates", default_config={"date_patterns": DATE_PATTERNS})
def make_dates(nlp: Language, name: str, date_patterns: List[str]) -> DateRules:
    return DateRules(name, date_patterns)


# The characters a body's name ends with (室 府 办 局 …, the last character of every body
# word of the scheme and of every AGENCY span in the gold), in Simplified.
AGENCY_END_CHARS = "室府办局厅委组处馆道科镇县股所区会院部协乡市队站校团省央门旗州盟"


class RuleFill(_PerDoc):
    """Adds the rules' entities of ``labels`` where the model found nothing, after ``ner``.

    The rules know the scheme's lexicons (every internal office, owner and channel word it
    names); a model trained on a few thousand written units misses names it never saw.
    On spans it did find, the model is kept: it knows context the patterns do not (a
    division that is only an address, 网络 that is not a medium). README, *Results*.

    A model AGENCY that does not end the way a body's name ends (``社区人员信息公开工``,
    ``区政府政务公开工作作出批示``: the ner ran past the name) is dropped first, so the
    rules' name fills its place."""

    def __init__(self, name: str, labels: Sequence[str], agency_end_chars: str = AGENCY_END_CHARS) -> None:
        self.name = name
        self.labels = list(labels)
        self.agency_end_chars = set(agency_end_chars)

    def __call__(self, doc: Doc) -> Doc:
        ents = [e for e in doc.ents if not self._ragged(e)]
        found = [s for s in default_find(doc.text) if s[2] in self.labels]
        added = [s for s in filter_spans(char_spans(doc, found)) if not _overlaps(s, ents)]
        doc.ents = sorted(ents + added, key=lambda s: s.start)
        return doc

    def _ragged(self, span) -> bool:
        return (span.label_ == "AGENCY" and bool(self.agency_end_chars)
                and to_simplified(span.text[-1]) not in self.agency_end_chars)


@Language.factory("transparency_rule_fill", default_config={"labels": ["AGENCY"], "agency_end_chars": AGENCY_END_CHARS})
def make_rule_fill(nlp: Language, name: str, labels: List[str], agency_end_chars: str) -> RuleFill:
    return RuleFill(name, labels, agency_end_chars)


@lru_cache(maxsize=None)
def default_rules() -> RulesAnnotator:
    """The rules with the package's own lexicons: what the model pipeline reads (its
    rule-tag features and ``RuleFill``), so retrain after changing them."""
    return rules_pipeline().get_pipe("transparency_rules")


@lru_cache(maxsize=4096)
def default_find(text: str) -> Tuple[Tuple[int, int, str], ...]:
    """``default_rules().find``, remembered: the tok2vec's rule tags and ``RuleFill`` read
    the same unit within one batch, so the rules run once for both."""
    return tuple(default_rules().find(text))


def rules_pipeline() -> Language:
    """A blank pipeline with the tokenizer and the rules component."""
    from .tokenizer import blank_pipeline

    nlp = blank_pipeline()
    nlp.add_pipe("transparency_rules")
    return nlp
