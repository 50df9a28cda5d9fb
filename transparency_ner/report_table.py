"""Metrics JSON -> the README's Markdown table, so no figure is ever typed by hand."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

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
    default = _load(metrics_dir / "test-default.json")
    if default:
        cols.append(("spaCy default recipe, test split", default))
    return cols


def render_table(metrics_dir: Path) -> str:
    cols = _columns(Path(metrics_dir))
    if not cols:
        return "_No metrics yet: run `spacy project run all`._"
    rows: List[Tuple[str, str, Optional[str]]] = [("**entities F**", "ents_f", None), (INTERVAL, "ents_f", None)]
    rows += [(f"{label} F", "ents_per_type", label) for label in ENT_LABELS]
    rows += [("entities P", "ents_p", None), ("entities R", "ents_r", None)]
    rows += [("**categories macro F**", "cats_macro_f", None), (INTERVAL, "cats_macro_f", None)]
    rows += [(f"{c} F", "cats_per_type", c) for c in CATEGORIES]
    lines = ["| metric | " + " | ".join(name for name, _ in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for title, key, sub in rows:
        cells = []
        for _, scores in cols:
            if title == INTERVAL:
                lo_hi = (scores.get("ci95") or {}).get(key)
                cells.append("—" if lo_hi is None else f"{lo_hi[0]:.3f}–{lo_hi[1]:.3f}")
                continue
            value = scores.get(key)
            if sub is not None:
                value = (value or {}).get(sub, {}).get("f")
            cells.append("—" if value is None else f"{value:.3f}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    if any("ci95" in scores for _, scores in cols):
        lines += ["", interval_note()]
    difference = render_difference(Path(metrics_dir))
    if difference:
        lines += ["", difference]
    return "\n".join(lines)


INTERVAL = "95% interval"


def interval_note() -> str:
    from .evaluate import BOOTSTRAP_DRAWS, BOOTSTRAP_SEED

    return (f"95% intervals: percentile bootstrap over the units of each fold ({BOOTSTRAP_DRAWS:,} draws, "
            f"seed {BOOTSTRAP_SEED}), for the same trained pipeline; they say how much a figure depends on "
            "which units were written, not how much it moves between trainings (README, \"Noise\").")


def render_difference(metrics_dir: Path) -> Optional[str]:
    """Model minus rules on the same cross-validation folds, paired over units."""
    from .evaluate import UNIT_COUNTS, paired_difference

    crossval = _load(metrics_dir / "crossval.json")
    base = _load(metrics_dir / "baseline.json")
    if not crossval or not base:
        return None
    folds_m = {f["report"]: f.get(UNIT_COUNTS) for f in crossval["folds"]}
    folds_b = {f["report"]: f.get(UNIT_COUNTS) for f in base["folds"]}
    reports = sorted(folds_m)
    if sorted(folds_b) != reports or any(folds_m[r] is None or folds_b[r] is None for r in reports):
        return None
    diff = paired_difference([folds_m[r] for r in reports], [folds_b[r] for r in reports])

    def cell(key: str) -> str:
        d = diff[key]
        lo, hi = d["interval"]
        return f"{d['diff']:+.3f} ({lo:+.3f} to {hi:+.3f})"

    parts = [f"entities F {cell('ents_f')}"]
    parts += [f"{label} {cell('ents_per_type.' + label)}" for label in ENT_LABELS if "ents_per_type." + label in diff]
    parts += [f"categories macro F {cell('cats_macro_f')}"]
    return ("Model minus rules on the same folds, paired bootstrap over units (95% interval): "
            + "; ".join(parts) + ".")


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


ESTIMATE_BEGIN = "<!-- estimate:begin -->"
ESTIMATE_END = "<!-- estimate:end -->"


def render_estimate(metrics_dir: Path, reports: Sequence[Path], n_reports: int = 50_000, price_per_core_hour: float = 0.04) -> str:
    """Time and cost of tagging ``n_reports`` reports, from the benchmark's whole-report-path
    rows and the mean size of ``reports`` (the real seeds by default: the written reports
    are shorter). The price is an assumption, stated as such."""
    from statistics import mean

    from .reader import read_report

    rows = _load(Path(metrics_dir) / "benchmark.json")
    path_rows = [r for r in rows or [] if r["name"] == "pipeline, whole report path"]
    if not path_rows:
        return "_No estimate yet: run `spacy project run speed`._"
    one = next(r for r in path_rows if r["n_process"] == 1)
    many = max(path_rows, key=lambda r: r["n_process"])
    size = mean(len(read_report(p).text) for p in reports)
    chars = n_reports * size
    core_hours = chars / one["chars_per_s"] / 3600
    machine_hours = chars / many["chars_per_s"] / 3600
    cluster_cores = 160
    return "\n".join([
        f"**Estimate for {n_reports:,} reports** (written by `transparency-ner metrics-table` from",
        f"`metrics/benchmark.json`): at the mean size of the {len(reports)} real reports in the corpus, "
        f"{size:,.0f} characters of clean text, {n_reports:,} reports are {chars / 1e6:,.0f} million characters "
        "(reports twice as long take twice as long).",
        f"- One process at the measured {one['chars_per_s']:,.0f} chars/s: **{core_hours:,.1f} core-hours**.",
        f"- This 2-core machine with {many['n_process']} processes ({many['chars_per_s']:,.0f} chars/s): "
        f"**{machine_hours:,.1f} hours**.",
        f"- A Ray cluster of {cluster_cores} cores (say ten 16-core nodes), if per-core speed holds as measured "
        f"here (an assumption; shards of 50 reports keep Ray's overhead small): about "
        f"**{core_hours / cluster_cores * 60:,.1f} minutes** plus start-up.",
        f"- Cost at an assumed ${price_per_core_hour:.2f} per core-hour (a typical on-demand cloud "
        f"price; put in yours): **about ${core_hours * price_per_core_hour:,.2f}** of compute. Reading the "
        "files from storage and writing the JSON are not in this figure.",
    ])
