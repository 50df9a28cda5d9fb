"""Metrics JSON -> the README's Markdown table, so no figure is ever typed by hand."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .scheme import CATEGORIES, ENT_LABELS

BEGIN = "<!-- metrics-table:begin -->"
END = "<!-- metrics-table:end -->"


def _load(path: Path) -> Optional[Dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _columns(metrics_dir: Path) -> List[Tuple[str, Dict]]:
    cols: List[Tuple[str, Dict]] = []
    crossval = _load(metrics_dir / "crossval.json")
    base = _load(metrics_dir / "baseline.json")
    test = _load(metrics_dir / "test.json")
    trad = _load(metrics_dir / "traditional.json")
    if crossval:
        cols.append((f"model, leave-one-report-out mean ({len(crossval['folds'])} folds)", crossval["mean"]))
    if base:
        cols.append(("rules, same folds", base["mean"]))
    if test:
        cols.append(("model, test split", test))
    if trad:
        cols.append(("model, test in Traditional", trad))
    if base:
        cols.append(("rules, test split", base["test"]))
    return cols


def render_table(metrics_dir: Path) -> str:
    cols = _columns(Path(metrics_dir))
    if not cols:
        return "_No metrics yet: run `spacy project run all`._"
    rows: List[Tuple[str, str, Optional[str]]] = [("**entities F**", "ents_f", None)]
    rows += [(f"{label} F", "ents_per_type", label) for label in ENT_LABELS]
    rows += [("entities P", "ents_p", None), ("entities R", "ents_r", None)]
    rows += [("**categories macro F**", "cats_macro_f", None)]
    rows += [(f"{c} F", "cats_per_type", c) for c in CATEGORIES]
    lines = ["| metric | " + " | ".join(name for name, _ in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for title, key, sub in rows:
        cells = []
        for _, scores in cols:
            value = scores.get(key)
            if sub is not None:
                value = (value or {}).get(sub, {}).get("f")
            cells.append("—" if value is None else f"{value:.3f}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_between_markers(path: Path, table: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace what stands between two HTML-comment markers of a Markdown file."""
    text = Path(path).read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise ValueError(f"{path}: markers {begin} / {end} not found")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    Path(path).write_text(f"{head}{begin}\n{table}\n{end}{tail}", encoding="utf-8")


BENCH_BEGIN = "<!-- benchmark:begin -->"
BENCH_END = "<!-- benchmark:end -->"


def render_benchmark(metrics_dir: Path) -> str:
    """metrics/benchmark.json (+ .memory.json) -> the README's performance table."""
    from .benchmark import format_table

    rows = _load(Path(metrics_dir) / "benchmark.json")
    if not rows:
        return "_No benchmark yet: run `spacy project run benchmark`._"
    curve = _load(Path(metrics_dir) / "benchmark.memory.json") or []
    return format_table({"rows": rows, "memory_curve": curve})
