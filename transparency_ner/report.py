"""Docs -> a Report: the report's agency and year, its units with categories, every
entity with a normalised value, and the figures of its statistics tables.

``iter_tagged_units`` streams (a 100 MB page never sits in memory as Docs), ``tag_report``
collects the stream into one JSON-serialisable Report for the Python API.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple, Union

from spacy.language import Language
from spacy.tokens import Doc, Span

from .context import SectionTracker, unit_doc
from .evaluate import cats_threshold
from .reader import ReadResult, read_report, stream_report
from .scheme import predicted_categories
from .tables import Check, Figure, check_figures, extract_figures
from .tokenizer import to_simplified
from .units import Unit, split_units
from .values import normalize

DEFAULT_MODEL = "zh_transparency"

if not Span.has_extension("value"):
    Span.set_extension("value", getter=lambda span: normalize(span.label_, span.text))
if not Doc.has_extension("report"):
    Doc.set_extension("report", default=None)


@dataclass
class Entity:
    label: str
    text: str
    start: int  # offsets into the report's cleaned text
    end: int
    unit: int
    value: Dict


@dataclass
class TaggedUnit:
    index: int
    start: int
    text: str
    categories: List[str]
    entities: List[Entity] = field(default_factory=list)


@dataclass
class Report:
    """Everything tagged in one report; ``to_dict()`` is what the CLI writes as JSON."""

    source: str
    encoding: str
    html: bool
    agency: Optional[str] = None
    year: Optional[int] = None
    units: List[TaggedUnit] = field(default_factory=list)
    figures: List[Figure] = field(default_factory=list)
    checks: List[Check] = field(default_factory=list)

    @property
    def entities(self) -> List[Entity]:
        return [e for u in self.units for e in u.entities]

    @property
    def flagged(self) -> bool:
        return any(not c.ok for c in self.checks)

    def to_dict(self) -> Dict:
        data = asdict(self)
        data["flagged"] = self.flagged
        return data


def load_pipeline(model: Optional[Union[str, Path, Language]] = None) -> Language:
    """The given pipeline, else the installed package, with a one-line error if absent."""
    import spacy

    if isinstance(model, Language):
        return model
    name = str(model) if model else DEFAULT_MODEL
    try:
        return spacy.load(name)
    except OSError:
        raise ValueError(f"no pipeline {name!r}: install the packaged wheel or pass --model DIR") from None


_TITLE = re.compile(r"(年度报告|年报|工作报告)")
_YEAR = re.compile(r"(\d{4})")
# A report title: [year] agency [year] 政府信息公开/政务公开 ... 报告. The agency part ends in
# a level or body word, so a breadcrumb's 各区县市 or a sentence never passes.
_TITLE_AGENCY = re.compile(
    r"^(?:\d{4}年度?)?(?P<agency>[\u4e00-\u9fff]{2,30}?(?:省|市|区|县|旗|镇|乡|街道|办事处|政府|厅|局|委员会|委|办))"
    r"(?:\d{4}年度?)?(?:政府信息公开|政府资讯公开|政务公开|信息公开|资讯公开)"
)


def _title_agency(simple: str) -> Optional[str]:
    """The agency a report title names, read from the title itself: the fallback when the
    model tags none there (a bare division name such as 和平区 is the hard case)."""
    if len(simple) > 60 or ">" in simple or "»" in simple or not _TITLE.search(simple):
        return None
    m = _TITLE_AGENCY.match(simple.strip())
    if m is None or m.group("agency").startswith(("各", "本", "我")):
        return None
    return m.group("agency")


def _about_report(simple: str) -> bool:
    """A sentence about the report itself, not a 发布日期 line (posted the next year)."""
    return ("报告" in simple or "年报" in simple) and "日期" not in simple and "时间" not in simple


def _guess_header(units: List[TaggedUnit]) -> Tuple[Optional[str], Optional[int]]:
    """The report's own agency and year: from its title first, then a 发布机构/来源 line
    (often the office that posted it), else the most frequent full agency name; the year
    from the title, else the first year in a sentence about the report, else the first."""
    agency = year = None
    head = [(u, to_simplified(u.text)) for u in units[:15]]
    for u, simple in head:
        titled = _title_agency(simple)
        if not titled:
            continue
        agencies = [e.value["name"] for e in u.entities if e.label == "AGENCY"]
        agency = agency or (agencies[0] if agencies else titled)
        found = _YEAR.search(simple)
        if year is None and found:
            year = int(found.group(1))
        if agency and year:
            break
    for u, simple in head:
        if agency is None and ("发布机构" in simple or "来源" in simple):
            agency = next((e.value["name"] for e in u.entities if e.label == "AGENCY"), None)
    if agency is None:
        names = Counter(e.value["name"] for u in units for e in u.entities if e.label == "AGENCY" and len(e.text) > 4)
        agency = names.most_common(1)[0][0] if names else None
    if year is None:
        years, about_report = [], []
        for u in units[:30]:
            found = [e.value["year"] for e in u.entities if e.label == "DATE" and e.value.get("year")]
            years += found
            if found and _about_report(to_simplified(u.text)):
                about_report += found
        year = (about_report or years or [None])[0]
    return agency, year


def _tag_units(nlp: Language, units: Iterable[Unit], batch_size: int = 64) -> Iterator[TaggedUnit]:
    threshold = cats_threshold(nlp)
    units_iter = iter(units)
    pending: List[Unit] = []
    tracker = SectionTracker()

    def run(batch: List[Unit]) -> Iterator[TaggedUnit]:
        docs = [unit_doc(nlp, u.text, tracker.update(u.text)) for u in batch]
        for unit, doc in zip(batch, nlp.pipe(docs, batch_size=batch_size)):
            cats = predicted_categories(doc.cats, threshold)
            ents = [
                Entity(e.label_, e.text, unit.start + e.start_char, unit.start + e.end_char, unit.index, e._.value)
                for e in doc.ents
            ]
            yield TaggedUnit(unit.index, unit.start, unit.text, cats, ents)

    for unit in units_iter:
        pending.append(unit)
        if len(pending) >= batch_size * 4:
            yield from run(pending)
            pending = []
    if pending:
        yield from run(pending)


def _finish(report: Report, units: List[Unit]) -> Report:
    """Resolve agencies and dates against the report's own, and read its tables."""
    agency, year = _guess_header(report.units)
    report.agency, report.year = agency, year
    for u in report.units:
        for e in u.entities:
            if e.label in ("AGENCY", "DATE"):
                e.value = normalize(e.label, e.text, agency, year)
    report.figures = extract_figures(units)
    report.checks = check_figures(report.figures)
    return report


def tag_units(nlp: Language, units: Iterable[Unit], source: str = "<text>", encoding: str = "utf-8", html: bool = False) -> Report:
    report = Report(source, encoding, html)
    read: List[Unit] = []  # every unit, as read: the tables decide for themselves what is a cell

    def keep(stream: Iterable[Unit]) -> Iterator[Unit]:
        for unit in stream:
            read.append(unit)
            yield unit

    report.units.extend(_tag_units(nlp, keep(units)))
    return _finish(report, read)


def tag_report(path_or_text: Union[str, Path, bytes], nlp: Optional[Union[Language, str, Path]] = None) -> Report:
    """Tag a whole report: a path, raw bytes, or the report's text itself.

    >>> report = tag_report("corpus/raw/000_cdb2113075a9b1ff.txt", "training/model-final")  # doctest: +SKIP
    >>> report.agency, report.year                                                      # doctest: +SKIP
    ('黑林铺街道办事处', 2017)
    """
    pipeline = load_pipeline(nlp)
    if isinstance(path_or_text, (bytes, bytearray)) or (isinstance(path_or_text, Path)) or (
        isinstance(path_or_text, str) and "\n" not in path_or_text and len(path_or_text) < 4096 and Path(path_or_text).exists()
    ):
        if isinstance(path_or_text, (str, Path)) and Path(path_or_text).stat().st_size > 8 * 2**20:
            result, units = stream_report(Path(path_or_text))
            return tag_units(pipeline, units, result.source, result.encoding, result.html)
        result = read_report(path_or_text)
    else:
        from .units import clean_text

        result = ReadResult(clean_text(str(path_or_text)), "str", False, "<text>")
    return tag_units(pipeline, split_units(result.text), result.source, result.encoding, result.html)
