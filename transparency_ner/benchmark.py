"""Throughput and memory of the pipeline, measured on the corpus reports.

Each row times one way through the same text: the tokenizer alone (the floor), the
rules baseline, spaCy's default recipe (the reference), this project's pipeline through
the whole report path (read -> clean -> split -> tag -> normalise -> tables) with 1 and
N processes, and a transformer pipeline when one is given. Figures are printed and
returned, never asserted: speed goals are read off this table, not tested.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from .reader import read_report
from .units import split_units


@dataclass
class Row:
    name: str
    device: str
    n_process: int
    chars: int
    seconds: float
    chars_per_s: float
    peak_rss_mb: float
    note: str = ""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mb()


def build_workload(raw_dir: Path, out_dir: Path, min_chars: int = 2_000_000) -> List[Path]:
    """Copies of the corpus reports, repeated until they hold ``min_chars`` of text."""
    sources = sorted(p for p in Path(raw_dir).glob("*.txt"))
    texts = [(p, read_report(p).text) for p in sources]
    out_dir.mkdir(parents=True, exist_ok=True)
    files, total, i = [], 0, 0
    while total < min_chars:
        src, text = texts[i % len(texts)]
        dest = out_dir / f"{i:05d}_{src.name}"
        shutil.copyfile(src, dest)
        files.append(dest)
        total += len(text)
        i += 1
    return files


def _timed(name: str, chars: int, fn: Callable[[], None], device: str = "cpu", n_process: int = 1, note: str = "") -> Row:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    return Row(name, device, n_process, chars, round(seconds, 3), round(chars / seconds), round(peak_rss_mb(), 1), note)


def unit_texts(files: Sequence[Path]) -> List[str]:
    return [u.text for f in files for u in split_units(read_report(f).text)]


def bench_units(name: str, nlp, texts: List[str], note: str = "", device: str = "cpu") -> Row:
    chars = sum(map(len, texts))
    list(nlp.pipe(texts[:100]))  # warm up
    return _timed(name, chars, lambda: [None for _ in nlp.pipe(texts, batch_size=256)], device=device, note=note)


def profile_components(name: str, nlp, texts: List[str]) -> List[Row]:
    """One row per component of ``nlp`` (tokenizer first), each timed on its own over the
    docs the previous one produced: where a pipeline's time goes, measured not guessed."""
    chars = sum(map(len, texts))
    rows: List[Row] = []
    docs: List = []

    def tokenize() -> None:
        docs.extend(nlp.make_doc(t) for t in texts)

    rows.append(_timed(f"{name}: tokenizer", chars, tokenize, note="profile"))
    for comp_name, proc in nlp.pipeline:
        def step(proc=proc) -> None:
            docs[:] = list(proc.pipe(docs, batch_size=256))

        rows.append(_timed(f"{name}: {comp_name}", chars, step, note="profile"))
    return rows


_WORKER_NLP = None


def _init(model: str) -> None:
    global _WORKER_NLP
    import spacy

    _WORKER_NLP = spacy.load(model)


def _report_path(path: Path) -> int:
    from .report import tag_report

    report = tag_report(path, _WORKER_NLP)
    json.dumps(report.to_dict(), ensure_ascii=False)
    return len(report.entities)


def bench_report_path(model: str, files: Sequence[Path], chars: int, n_process: int) -> Row:
    """The whole report path, files in, JSON out, in ``n_process`` processes."""
    if n_process == 1:
        _init(model)
        _report_path(files[0])
        return _timed("pipeline, whole report path", chars, lambda: [_report_path(f) for f in files])
    with ProcessPoolExecutor(n_process, initializer=_init, initargs=(model,)) as pool:
        list(pool.map(_report_path, files[:n_process]))  # warm the workers
        return _timed("pipeline, whole report path", chars, lambda: list(pool.map(_report_path, files, chunksize=4)), n_process=n_process)


def memory_curve(model: str, raw_dir: Path, n_reports: int = 10_000, head_chars: int = 300, every: int = 1000) -> List[Dict]:
    """Tag ``n_reports`` short reports (the first ``head_chars`` of corpus reports) in one
    process and one run; the RSS every ``every`` reports should stay flat."""
    from .report import tag_units
    from .units import iter_units

    _init(model)
    heads = [read_report(p).text[:head_chars] for p in sorted(Path(raw_dir).glob("*.txt"))]
    curve = []
    for i in range(n_reports):
        report = tag_units(_WORKER_NLP, iter_units(heads[i % len(heads)]), f"r{i}")
        json.dumps(report.to_dict(), ensure_ascii=False)
        if (i + 1) % every == 0:
            curve.append({"reports": i + 1, "rss_mb": round(current_rss_mb(), 1)})
    return curve


def run(
    model: str,
    raw_dir: Path,
    default_model: Optional[str] = None,
    trf_model: Optional[str] = None,
    n_process: int = 2,
    min_chars: int = 2_000_000,
    memory_reports: int = 10_000,
) -> Dict:
    import spacy

    from .baseline import rules_pipeline
    from .tokenizer import blank_pipeline

    rows: List[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        files = build_workload(Path(raw_dir), Path(tmp) / "reports", min_chars)
        texts = unit_texts(files)
        chars = sum(map(len, texts))
        blank = blank_pipeline()
        rows.append(_timed("tokenizer only", chars, lambda: [blank.make_doc(t) for t in texts]))
        rows.append(bench_units("rules baseline", rules_pipeline(), texts))
        default_nlp = spacy.load(default_model) if default_model else None
        if default_nlp is not None:
            rows.append(bench_units("spaCy default recipe (units)", default_nlp, texts))
        nlp = spacy.load(model)
        rows.append(bench_units("pipeline (units)", nlp, texts))
        rows.append(bench_report_path(model, files, chars, 1))
        if n_process > 1:
            rows.append(bench_report_path(model, files, chars, n_process))
        # Profiles last: they hold every Doc of the workload at once, which would
        # inflate the peak RSS of the rows above.
        if default_nlp is not None:
            rows.extend(profile_components("spaCy default recipe", default_nlp, texts))
        rows.extend(profile_components("pipeline", nlp, texts))
        if trf_model:
            try:
                spacy.require_gpu()
                device = "gpu"
            except Exception:  # no CUDA here: measure on the CPU and say so
                device = "cpu"
            rows.append(bench_units("transformer pipeline (units)", spacy.load(trf_model), texts, device=device))
    curve = memory_curve(model, Path(raw_dir), memory_reports) if memory_reports else []
    return {"rows": [asdict(r) for r in rows], "memory_curve": curve, "chars": chars, "files": len(files), "cpu_count": os.cpu_count()}


def format_table(result: Dict) -> str:
    lines = ["| run | device | processes | chars | seconds | chars/s | peak RSS MB |", "|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        lines.append(f"| {r['name']} | {r['device']} | {r['n_process']} | {r['chars']:,} | {r['seconds']:.1f} | {r['chars_per_s']:,.0f} | {r['peak_rss_mb']:.0f} |")
    lines.append("")
    lines.append("Peak RSS is the benchmark process's high-water mark after each row (worker processes not "
                 "included); rows named `<pipeline>: <component>` time one component at a time on the docs "
                 "the previous one made (a profile).")
    if result.get("memory_curve"):
        curve = ", ".join(f"{p['reports']}: {p['rss_mb']:.0f}" for p in result["memory_curve"])
        lines.append("")
        lines.append(f"RSS (MB) while tagging {result['memory_curve'][-1]['reports']:,} short reports in one process: {curve}")
    return "\n".join(lines)
