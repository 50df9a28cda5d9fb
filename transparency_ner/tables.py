"""Statistics tables flattened into ``a | b |`` text -> figures, with cross-checks.

Web pages flatten tables in several shapes (a row per line, a cell per line, empty cells
as runs of bars, header words broken by spaces, row labels split from their numbers).
All of them are read the same way: the table is a stream of cells; a label followed by
values is a row, labels followed by labels are group or column heads. Columns come from
the national standard forms where the section is known, else from the header row.
Checks never change a figure: a report that fails one is flagged, not fixed.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence

from .tokenizer import to_simplified
from .units import Unit

REQUEST_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
_APPEAL_GROUPS = ["行政复议", "行政诉讼·未经复议直接起诉", "行政诉讼·复议后起诉"]
_APPEAL_OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
APPEAL_COLUMNS = [f"{g}·{o}" for g in _APPEAL_GROUPS for o in _APPEAL_OUTCOMES]
# the national-form tables whose columns are fixed by the form, not by a header row
_FIXED_COLUMNS = {"requests": REQUEST_COLUMNS, "appeals": APPEAL_COLUMNS}
UNIT_WORDS = {"条", "件", "次", "篇", "个", "项", "人", "人次", "名", "份", "万元", "元", "场", "期", "家", "处", "块", "本", "户", "天", "个工作日", "工作日", "%"}
_NUMBER = re.compile(r"^[+\-＋－]?\d+(?:[.,]\d+)*$")
_NA = {"/", "—", "——", "-", "－", "无", "\\", "／"}
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass
class Figure:
    """One number from a statistics table, with where it came from."""

    section: str
    row: str
    column: str
    value: float
    unit: Optional[str]
    start: int
    end: int
    table: str = "table"

    def to_dict(self) -> Dict:
        return asdict(self)


@dataclass
class Check:
    """A cross-check the figures must satisfy; ``ok`` False flags the report."""

    name: str
    ok: bool
    detail: str


@dataclass
class _Cell:
    text: str
    start: int
    end: int


def _cells(unit: Unit) -> List[_Cell]:
    parts = unit.text.split("|")
    if unit.text.rstrip().endswith("|"):
        parts = parts[:-1]
    cells, pos = [], unit.start
    for part in parts:
        lead = len(part) - len(part.lstrip())
        text = part.strip()
        cells.append(_Cell(text, pos + lead, pos + lead + len(text)))
        pos += len(part) + 1
    return cells


def _squash(label: str) -> str:
    return re.sub(r"\s+", "", label)


def _is_value(text: str) -> bool:
    return text == "" or text in _NA or bool(_NUMBER.match(text))


def _number(text: str) -> Optional[float]:
    if not _NUMBER.match(text):
        return None
    value = float(text.replace(",", "").replace("＋", "+").replace("－", "-"))
    return int(value) if value.is_integer() else value


def _table_kind(section: str) -> str:
    s = to_simplified(section)
    if "收到和处理" in s or ("申请" in s and "处理" in s and "情况" in s and s.startswith("三")):
        return "requests"
    if "行政复议" in s and "行政诉讼" in s:
        return "appeals"
    if "主动公开" in s:
        return "proactive"
    return "table"


def extract_figures(units: Sequence[Unit]) -> List[Figure]:
    """Every numeric table cell of a report, as figures with section, row and column."""
    figures: List[Figure] = []
    section = ""
    kind = _table_kind(section)  # of the section, found once per heading
    stream: List[_Cell] = []
    bare: List[_Cell] = []  # cells of a table flattened a cell per line without bars

    def flush() -> None:
        if stream:
            figures.extend(_read_table(section, stream))
        elif sum(_number(c.text) is not None for c in bare) >= _MIN_BARE_VALUES:
            figures.extend(_read_table(section, bare))
        stream.clear()
        bare.clear()

    previous: Optional[List[_Cell]] = None  # the plain line before: labels whose values may follow
    # a column header line (`统计指标 单位 统计数`) above a table copied as text: its group
    # heads (`一、主动公开情况`) end the stream, so each new stream of such rows takes it again
    header: Optional[List[_Cell]] = None
    for unit in units:
        if "|" in unit.text:
            stream.extend(_cells(unit))
            previous = None
            continue
        if bare:  # empty lines after a cell are empty cells, also the last ones of a table
            bare.extend(_Cell("", unit.start, unit.start) for _ in range(unit.blank_lines))
        if kind != "table" and (_is_value(unit.text) or (_is_label_line(unit.text) and " " not in unit.text)):
            bare.append(_Cell(unit.text, unit.start, unit.end))
        spaced = _spaced_cells(unit)
        if spaced is not None and (len(spaced) >= 2 or stream):  # a lone number needs a table around it
            if _is_value(spaced[0].text) and previous:
                stream.extend(previous)
            elif not stream and header and kind not in _FIXED_COLUMNS:
                stream.extend(header)
            stream.extend(spaced)
            previous = None
            continue
        heading = _HEADING.match(unit.text) and not (kind == "requests" and _is_request_row_head(unit.text))
        if heading or not stream:
            if heading or not bare:
                flush()
            if heading:
                section, kind = unit.text, _table_kind(unit.text)
        previous = _words(unit) if _is_label_line(unit.text) else None
        if previous and _looks_like_header(previous, 0):
            header = previous
    flush()
    return figures


# the rows of the request table that are numbered like the report's own sections
_REQUEST_ROW_HEADS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")
_MIN_BARE_VALUES = 2


def _is_request_row_head(text: str) -> bool:
    return any(h in text for h in _REQUEST_ROW_HEADS)


def _is_label_line(text: str) -> bool:
    """Short and not a sentence: a table label (or cells) rather than prose. In a
    national-form section with no bars, such a line or a lone value is one cell."""
    return len(text) <= 60 and not _SENTENCE_END.search(text)


_SENTENCE_END = re.compile(r"[。；;！!？?：:]\s*$")


def _words(unit: Unit) -> List[_Cell]:
    return [_Cell(m.group(), unit.start + m.start(), unit.start + m.end()) for m in re.finditer(r"\S+", unit.text)]


def _spaced_cells(unit: Unit) -> Optional[List[_Cell]]:
    """Cells of a row whose cells are separated by whitespace (tables copied as text with
    tabs): label words, then at least two values, or a unit word and a value, or a line
    of values alone. None for anything else, prose above all."""
    tokens = _words(unit)
    if not tokens or len(unit.text) > 160:
        return None
    n_values = 0
    for tok in reversed(tokens):
        if not (tok.text in _NA or _NUMBER.match(tok.text)):
            break
        n_values += 1
    if n_values == len(tokens) or (n_values >= 2 and not _SENTENCE_END.search(tokens[-n_values - 1].text)):
        return tokens
    # the narrative-era form copied as text: label, unit word, one value (`（一）收到申请数 件 6`)
    if n_values >= 1 and len(tokens) > n_values + 1 and _squash(tokens[-n_values - 1].text) in UNIT_WORDS:
        return tokens
    return None


def _read_table(section: str, cells: List[_Cell]) -> List[Figure]:
    kind = _table_kind(section)
    fixed = _FIXED_COLUMNS.get(kind)
    columns: List[str] = list(fixed or [])
    unit_col: Optional[int] = None
    figures: List[Figure] = []
    groups: Dict[int, str] = {}
    header_mode = False
    i = 0
    while i < len(cells):
        cell = cells[i]
        if _is_value(cell.text):
            i += 1
            continue  # stray value with no label: nothing to attach it to
        # collect this label's values (and a unit cell) up to the next label
        j = i + 1
        values: List[_Cell] = []
        unit: Optional[str] = None
        while j < len(cells) and (_is_value(cells[j].text) or _squash(cells[j].text) in UNIT_WORDS):
            if _squash(cells[j].text) in UNIT_WORDS and not _is_value(cells[j].text):
                unit = _squash(cells[j].text)
            else:
                values.append(cells[j])
            j += 1
        label = _squash(cell.text)
        has_number = any(_number(v.text) is not None for v in values)
        if label == "信息内容" or (not fixed and not values and not has_number and _looks_like_header(cells, i)):
            header_mode = True
            columns = []
            unit_col = None
            if label != "信息内容":
                columns.append(label)
            i = j
            continue
        if header_mode and not values:
            columns.append(label)
            i = j
            continue
        header_mode = False
        level = _level(label)
        groups = {k: v for k, v in groups.items() if k < level}
        if not values or (not has_number and not fixed):
            groups[level] = label
            i = j
            continue
        row = " / ".join([groups[k] for k in sorted(groups)] + [label])
        if kind == "appeals":  # the value row has no label of its own; the last head stands before it
            row = "行政复议、行政诉讼"
        cols = _value_columns(columns, unit_col, len(values))
        for k, v in enumerate(values):
            number = _number(v.text)
            if number is None:
                continue
            col = cols[k] if k < len(cols) else f"列{k + 1}"
            figures.append(Figure(section, row, col, number, unit or _unit_from(col), v.start, v.end, kind))
        i = j
    return figures


def _looks_like_header(cells: List[_Cell], i: int) -> bool:
    """A run of two or more labels where one names a unit or count column."""
    run = []
    for c in cells[i : i + 4]:
        if _is_value(c.text):
            break
        run.append(_squash(c.text))
    return len(run) >= 2 and ("指标" in run[0] or run[0] in ("项目", "名称"))


def _value_columns(columns: List[str], unit_col: Optional[int], n: int) -> List[str]:
    cols = [c for c in columns if c not in ("单位", "计量单位", "统计指标", "指标名称", "信息内容")]
    if len(cols) >= n:
        return cols[-n:] if len(cols) > n and not cols[0].startswith("本年") else cols[:n]
    return cols + [f"列{k + 1}" for k in range(len(cols), n)]


def _unit_from(column: str) -> Optional[str]:
    m = re.search(r"单位[:：](.+?)[)）]", column)
    return m.group(1) if m else None


_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


def _level(label: str) -> int:
    """1 for 一、/第二十条 heads, 2 for （一） heads, 3 for numbered and other rows."""
    if _HEADING.match(label) or label.startswith("第二十条"):
        return 1
    if _SUBHEADING.match(label):
        return 2
    return 3


# ------------------------------------------------------------------ checks
def _rows(figures: Sequence[Figure]) -> Dict[str, Dict[str, float]]:
    """Row path -> {column: value}."""
    rows: Dict[str, Dict[str, float]] = {}
    for f in figures:
        rows.setdefault(f.row, {})[f.column] = f.value
    return rows


def _row_values(rows: Dict[str, Dict[str, float]], prefix: str) -> Optional[Dict[str, float]]:
    for row, vals in rows.items():
        last = to_simplified(row.split(" / ")[-1])  # a Traditional page names its rows 上年結轉, （七）總計
        if last.startswith(prefix):
            return vals
    return None


def check_figures(figures: Sequence[Figure]) -> List[Check]:
    """Cross-checks of the national standard tables (empty cells count as 0)."""
    checks: List[Check] = []
    req = [f for f in figures if f.table == "requests"]
    if req:
        rows = _rows(req)
        new = _row_values(rows, "一、本年新收")
        carried = _row_values(rows, "二、上年结转")
        handled = _row_values(rows, "（七）总计") or _row_values(rows, "(七)总计")
        forward = _row_values(rows, "四、结转下年度")
        if new is not None and handled is not None:
            bad = []
            for col in REQUEST_COLUMNS:
                lhs = new.get(col, 0) + (carried or {}).get(col, 0)
                rhs = handled.get(col, 0) + (forward or {}).get(col, 0)
                if abs(lhs - rhs) > 1e-6:
                    bad.append(f"{col}: {lhs:g} ≠ {rhs:g}")
            checks.append(Check("requests: new + carried over = handled + carried forward", not bad, "; ".join(bad) or "holds in every column"))
        bad = []
        for row, vals in rows.items():
            if "总计" in vals:
                parts = sum(vals.get(c, 0) for c in REQUEST_COLUMNS[:-1])
                if abs(parts - vals["总计"]) > 1e-6:
                    bad.append(f"{row}: {parts:g} ≠ {vals['总计']:g}")
        checks.append(Check("requests: 总计 = sum of applicant columns", not bad, "; ".join(bad[:5]) or f"holds in {len(rows)} rows"))
    app = [f for f in figures if f.table == "appeals"]
    if app:
        vals = {f.column: f.value for f in app}
        bad = []
        for g in _APPEAL_GROUPS:
            total = vals.get(f"{g}·总计")
            if total is None:
                continue
            parts = sum(vals.get(f"{g}·{o}", 0) for o in _APPEAL_OUTCOMES[:-1])
            if abs(parts - total) > 1e-6:
                bad.append(f"{g}: {parts:g} ≠ {total:g}")
        checks.append(Check("appeals: 总计 = sum of outcomes", not bad, "; ".join(bad) or "holds in every group"))
    return checks
