"""Gold JSONL <-> Docs: validation, markup conversion, pass comparison and splits.

The gold form is the doccano JSONL of ``shared/annotation-scheme.md``. Every check a
gold line must pass lives in :func:`check_record`, so the validator, the markup
converter and the doccano pull all refuse exactly the same things.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from spacy.training import Corpus
from spacy.util import registry

from .context import set_sections
from .markup import MarkupError, parse_line
from .scheme import CATEGORIES, ENT_LABELS, EXCLUSIVE_CATEGORY
from .tokenizer import token_boundaries

Record = Dict


class GoldError(ValueError):
    """A gold file that must not be used; the message names file and line."""


def check_record(rec: object) -> List[str]:
    """Everything wrong with one gold record (empty list when it is valid)."""
    if not isinstance(rec, dict):
        return ["not a JSON object"]
    problems: List[str] = []
    text = rec.get("text")
    if not isinstance(text, str) or not text:
        return ["missing or empty 'text'"]
    if text != text.strip() or "\n" in text:
        problems.append("text has outer whitespace or a line break (not a unit)")
    ents = rec.get("entities", rec.get("label", []))
    if not isinstance(ents, list):
        problems.append("'entities' is not a list")
        ents = []
    bounds = token_boundaries(text)
    spans: List[Tuple[int, int]] = []
    for ent in ents:
        if not (isinstance(ent, (list, tuple)) and len(ent) == 3):
            problems.append(f"entity {ent!r} is not [start, end, label]")
            continue
        start, end, label = ent
        if not (isinstance(start, int) and isinstance(end, int)):
            problems.append(f"entity {ent!r} has non-integer offsets")
            continue
        if label not in ENT_LABELS:
            problems.append(f"unknown entity label {label!r}")
        if not (0 <= start < end <= len(text)):
            problems.append(f"entity {ent!r} offsets out of range (text length {len(text)})")
            continue
        if start not in bounds or end not in bounds:
            problems.append(f"entity {text[start:end]!r} [{start}, {end}] does not match token boundaries")
        spans.append((start, end))
    spans.sort()
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        if s2 < e1:
            problems.append(f"entities {text[s1:e1]!r} and {text[s2:e2]!r} overlap")
    cats = rec.get("cats")
    if not isinstance(cats, list) or not cats:
        problems.append("unit has no category")
    else:
        unknown = [c for c in cats if c not in CATEGORIES]
        if unknown:
            problems.append(f"unknown categories {unknown}")
        if EXCLUSIVE_CATEGORY in cats and len(set(cats)) > 1:
            problems.append(f"{EXCLUSIVE_CATEGORY} next to another category")
    meta = rec.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("report"), str) or not isinstance(meta.get("unit"), int):
        problems.append("'meta' must hold 'report' (string) and 'unit' (integer)")
    return problems


def iter_gold_lines(path: Path) -> Iterator[Tuple[int, object, List[str]]]:
    """(line number, record or None, problems) for each non-empty line of a JSONL file."""
    try:
        handle = open(path, encoding="utf-8")
    except OSError as err:
        raise GoldError(f"{path}: cannot open ({err.strerror or err})") from None
    with handle:
        try:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as err:
                    yield lineno, None, [f"bad JSON ({err.msg} at column {err.colno})"]
                    continue
                yield lineno, rec, check_record(rec)
        except UnicodeDecodeError:
            yield 0, None, ["not UTF-8 text"]


def gold_files(path: Path) -> List[Path]:
    path = Path(path)
    if path.is_dir():
        return sorted(path.glob("*.jsonl"))
    return [path]


def validate(paths: Iterable[Path]) -> Tuple[int, List[str]]:
    """Validate gold files -> (number of records, ['file:line: problem', ...]).

    Besides per-record checks, a (report, unit) pair may appear only once.
    """
    errors: List[str] = []
    seen: Dict[Tuple[str, int], str] = {}
    n = 0
    for path in paths:
        for lineno, rec, problems in iter_gold_lines(path):
            where = f"{path}:{lineno}"
            errors.extend(f"{where}: {p}" for p in problems)
            if rec is not None and not problems:
                n += 1
                key = (rec["meta"]["report"], rec["meta"]["unit"])
                if key in seen:
                    errors.append(f"{where}: report {key[0]} unit {key[1]} already at {seen[key]}")
                seen[key] = where
    return n, errors


def load_gold(path: Path) -> List[Record]:
    """All records under a file or directory; raise GoldError on the first bad line."""
    records: List[Record] = []
    files = gold_files(path)
    if not files:
        raise GoldError(f"{path}: no gold .jsonl files")
    _, errors = validate(files)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise GoldError(errors[0] + more)
    for file in files:
        for _, rec, _ in iter_gold_lines(file):
            records.append(rec)  # type: ignore[arg-type]
    return records


def write_jsonl(path: Path, records: Iterable[Record]) -> None:
    """Write records atomically: a crash never leaves half a gold file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.replace(path)


def make_record(text: str, spans: Sequence, cats: Sequence[str], report: str, unit: int) -> Record:
    return {
        "text": text,
        "entities": [[s, e, l] for s, e, l in sorted(spans)],
        "cats": list(cats),
        "meta": {"report": report, "unit": unit},
    }


def markup_to_records(lines: Iterable[str], report: str, source: str = "<markup>") -> List[Record]:
    """Markup lines -> gold records, refusing anything the validator would."""
    records: List[Record] = []
    errors: List[str] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            unit, cats, text, spans = parse_line(line)
        except MarkupError as err:
            errors.append(f"{source}:{lineno}: {err}")
            continue
        rec = make_record(text, spans, cats, report, unit)
        errors.extend(f"{source}:{lineno}: {p}" for p in check_record(rec))
        records.append(rec)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise GoldError(errors[0] + more)
    return records


def check_against_units(records: Sequence[Record], units: Sequence[str], source: str) -> None:
    """Gold for a report must hold exactly its units, in order, with the same text."""
    if len(records) != len(units):
        raise GoldError(f"{source}: {len(records)} annotated units, the report has {len(units)}")
    for rec, text in zip(records, units):
        if rec["text"] != text:
            raise GoldError(f"{source}: unit {rec['meta']['unit']} text differs from the report")


# ---------------------------------------------------------------- two passes
@dataclass
class PassDiff:
    """Where two independent annotation passes of one report disagree."""

    report: str
    unit: int
    text: str
    only_a: List[Tuple[int, int, str]] = field(default_factory=list)
    only_b: List[Tuple[int, int, str]] = field(default_factory=list)
    cats_a: List[str] = field(default_factory=list)
    cats_b: List[str] = field(default_factory=list)


def compare_passes(a: Sequence[Record], b: Sequence[Record]) -> Tuple[Dict[str, float], List[PassDiff]]:
    """Agreement figures (span F1, exact-category agreement, per-label F1) and the diffs."""
    b_by_key = {(r["meta"]["report"], r["meta"]["unit"]): r for r in b}
    diffs: List[PassDiff] = []
    tp = fa = fb = 0
    per: Dict[str, Counter] = defaultdict(Counter)
    cat_same = 0
    for ra in a:
        key = (ra["meta"]["report"], ra["meta"]["unit"])
        rb = b_by_key.get(key)
        if rb is None:
            continue
        sa = {tuple(e) for e in ra["entities"]}
        sb = {tuple(e) for e in rb["entities"]}
        tp += len(sa & sb)
        fa += len(sa - sb)
        fb += len(sb - sa)
        for e in sa & sb:
            per[e[2]]["tp"] += 1
        for e in sa - sb:
            per[e[2]]["a"] += 1
        for e in sb - sa:
            per[e[2]]["b"] += 1
        same_cats = set(ra["cats"]) == set(rb["cats"])
        cat_same += same_cats
        if sa != sb or not same_cats:
            diffs.append(PassDiff(key[0], key[1], ra["text"], sorted(sa - sb), sorted(sb - sa), ra["cats"], rb["cats"]))
    figures = {"span_f1": _f1(tp, fa, fb), "cats_exact": cat_same / max(1, len(a)), "units": len(a)}
    for label, c in sorted(per.items()):
        figures[f"span_f1_{label}"] = _f1(c["tp"], c["a"], c["b"])
    return figures, diffs


def _f1(tp: int, fa: int, fb: int) -> float:
    return 2 * tp / max(1, 2 * tp + fa + fb)


# ---------------------------------------------------------------- docs and splits
ORIGIN = "origin"  # doc.user_data: "real" for reports from the field (the seeds), else "written"


def report_meta(meta_dir: Optional[Path], report: str) -> Dict:
    """A report's metadata (``corpus/annotations/meta/<id>.json``); empty when there is none."""
    path = Path(meta_dir) / f"{report}.json" if meta_dir else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.exists() else {}


def report_origin(meta: Dict) -> str:
    """"real" for a report from the field (a seed supplied by the user), "written" for one
    written here."""
    return "real" if str(meta.get("origin", "")).startswith(("seed", "real")) else "written"


def record_to_doc(nlp, rec: Record):
    """Gold record -> Doc with entities and all eight categories set."""
    doc = nlp.make_doc(rec["text"])
    spans = []
    for start, end, label in rec["entities"]:
        span = doc.char_span(start, end, label=label)
        if span is None:
            raise GoldError(
                f"report {rec['meta']['report']} unit {rec['meta']['unit']}: span {rec['text'][start:end]!r} does not match tokens"
            )
        spans.append(span)
    doc.ents = spans
    doc.cats = {c: float(c in rec["cats"]) for c in CATEGORIES}
    doc.user_data["report"] = rec["meta"]["report"]
    doc.user_data["unit"] = rec["meta"]["unit"]
    return doc


def group_by_report(records: Iterable[Record]) -> Dict[str, List[Record]]:
    groups: Dict[str, List[Record]] = defaultdict(list)
    for rec in records:
        groups[rec["meta"]["report"]].append(rec)
    for recs in groups.values():
        recs.sort(key=lambda r: r["meta"]["unit"])
    return dict(groups)


def load_splits(path: Path, reports: Iterable[str]) -> Dict[str, List[str]]:
    """Read ``splits.json`` and check that every report is in exactly one split."""
    splits = json.loads(Path(path).read_text(encoding="utf-8"))
    reports = set(reports)
    assigned: Dict[str, str] = {}
    for name, members in splits.items():
        if name.startswith("_"):
            continue
        for rep in members:
            if rep in assigned:
                raise GoldError(f"{path}: report {rep} is in both {assigned[rep]} and {name}")
            assigned[rep] = name
    missing = sorted(reports - set(assigned))
    if missing:
        raise GoldError(f"{path}: reports in no split: {', '.join(missing)}")
    unknown = sorted(set(assigned) - reports)
    if unknown:
        raise GoldError(f"{path}: split names reports without gold: {', '.join(unknown)}")
    return {k: v for k, v in splits.items() if not k.startswith("_")}


def convert(gold: Path, splits_path: Path, out_dir: Path, nlp=None,
            meta_dir: Optional[Path] = None) -> Dict[str, Dict[str, int]]:
    """Gold JSONL -> ``<split>.spacy`` and one ``reports/<id>.spacy`` per report.

    Splitting is by report, never by unit; per-report files feed cross-validation.
    Each doc keeps its report, unit, section and (from ``meta_dir``) origin.
    Returns units per split so the caller can check that no unit was lost.
    """
    from spacy.tokens import DocBin

    from .tokenizer import blank_pipeline

    nlp = nlp or blank_pipeline()
    records = load_gold(gold)
    by_report = group_by_report(records)
    splits = load_splits(splits_path, by_report)
    out_dir = Path(out_dir)
    (out_dir / "reports").mkdir(parents=True, exist_ok=True)
    summary: Dict[str, Dict[str, int]] = {}
    docs = {rep: set_sections([record_to_doc(nlp, r) for r in recs]) for rep, recs in by_report.items()}
    origins = {rep: report_origin(report_meta(meta_dir, rep)) for rep in docs}
    for rep, report_docs in docs.items():
        for doc in report_docs:
            doc.user_data[ORIGIN] = origins[rep]
        DocBin(store_user_data=True, docs=report_docs).to_disk(out_dir / "reports" / f"{rep}.spacy")
    for name, reports in splits.items():
        db = DocBin(store_user_data=True)
        n = 0
        for rep in reports:
            for doc in docs[rep]:
                db.add(doc)
                n += 1
        db.to_disk(out_dir / f"{name}.spacy")
        summary[name] = {"reports": len(reports), "real": sum(origins[r] == "real" for r in reports), "units": n}
    total = sum(s["units"] for s in summary.values())
    if total != len(records):
        raise GoldError(f"converted {total} units of {len(records)}")
    return summary


def to_traditional_docs(nlp, docs):
    """Gold docs rewritten in Traditional characters, char for char, annotations kept.

    Scores on these show whether the NORM feature really makes the model script-blind.
    """
    from .tokenizer import to_traditional

    out = []
    for doc in docs:
        new = nlp.make_doc(to_traditional(doc.text))
        new.ents = [new.char_span(e.start_char, e.end_char, label=e.label_) for e in doc.ents]
        new.cats = dict(doc.cats)
        new.user_data.update(doc.user_data)
        out.append(new)
    return out


def reconcile_markup(lines_a: Sequence[str], lines_b: Sequence[str], decisions: Dict[str, object], source: str) -> List[str]:
    """Merge two markup passes of one report into the reconciled markup.

    Lines the passes agree on are kept; every line where they differ needs a decision,
    keyed by unit number: ``"A"``, ``"B"``, or ``{"line": "<markup line>", "why": "..."}``
    (a ``"why"`` may accompany any choice as ``{"pick": "A", "why": ...}``). A ``"line"``
    decision also applies where the passes agree: that is how a later review corrects a
    unit both annotators got wrong, with its reason on record.
    """
    a = {parse_line(l)[0]: l.rstrip("\n") for l in lines_a if l.strip()}
    b = {parse_line(l)[0]: l.rstrip("\n") for l in lines_b if l.strip()}
    if set(a) != set(b):
        raise GoldError(f"{source}: the passes cover different units")
    out: List[str] = []
    missing: List[int] = []
    for unit in sorted(a):
        la, lb = a[unit], b[unit]
        _, cats_a, text_a, spans_a = parse_line(la)
        _, cats_b, text_b, spans_b = parse_line(lb)
        if text_a != text_b:
            raise GoldError(f"{source}: unit {unit} has different text in the two passes")
        choice = decisions.get(str(unit))
        agreed = set(cats_a) == set(cats_b) and sorted(spans_a) == sorted(spans_b)
        if agreed and not (isinstance(choice, dict) and choice.get("line")):
            out.append(la)
            continue
        if isinstance(choice, dict):
            choice = choice.get("line") or choice.get("pick")
        if choice == "A":
            out.append(la)
        elif choice == "B":
            out.append(lb)
        elif isinstance(choice, str) and "\t" in choice:
            number, _, text_c, _ = parse_line(choice)
            if number != unit or text_c != text_a:
                raise GoldError(f"{source}: decision for unit {unit} changes the unit's number or text")
            out.append(choice)
        else:
            missing.append(unit)
    if missing:
        raise GoldError(f"{source}: no decision for differing units {missing[:10]}{' …' if len(missing) > 10 else ''}")
    return out


def read_docbin(path: Path, vocab) -> Iterator:
    """The docs of a ``.spacy`` file with their user data (report, unit, section).

    ``DocBin.get_docs`` decodes each doc's user data with ``srsly.msgpack_loads``,
    which looks up the registered msgpack decoders, and so scans every installed
    package's entry points, once per doc: a quarter of a short training run here.
    Our user data holds only strings and numbers, so it is decoded without the
    decoders; the docs are otherwise the same, in the same order.
    """
    import srsly.msgpack
    from spacy.tokens import DocBin

    doc_bin = DocBin().from_disk(path)
    user_data, doc_bin.user_data = doc_bin.user_data, []
    for i, doc in enumerate(doc_bin.get_docs(vocab)):
        if i < len(user_data) and user_data[i] is not None:
            doc.user_data.update(srsly.msgpack.unpackb(user_data[i], raw=False, use_list=False,
                                                       object_pairs_hook=None))
        yield doc


class UnitCorpus(Corpus):
    """spaCy's ``Corpus``, reading its files with :func:`read_docbin`."""

    def read_docbin(self, vocab, locs) -> Iterator:
        i = 0
        for loc in locs:
            if Path(loc).name.endswith(".spacy"):
                for doc in read_docbin(Path(loc), vocab):
                    if len(doc):
                        yield doc
                        i += 1
                        if self.limit >= 1 and i >= self.limit:
                            return


@registry.readers("transparency_ner.Corpus.v1")
def create_unit_corpus(path: Optional[Path], gold_preproc: bool, max_length: int = 0, limit: int = 0,
                       augmenter: Optional[Callable] = None) -> Callable:
    """``spacy.Corpus.v1`` with the same arguments and the same examples, faster
    (see :func:`read_docbin`)."""
    if path is None:
        raise ValueError("transparency_ner.Corpus.v1 needs a path (set paths.train / paths.dev)")
    return UnitCorpus(path, gold_preproc=gold_preproc, max_length=max_length, limit=limit, augmenter=augmenter)


@registry.augmenters("transparency_ner.RepeatReal.v1")
def create_repeat_real(times: int = 1, augmenter: Optional[Callable] = None) -> Callable[..., Iterator]:
    """Units of real reports (``origin`` "real") count ``times`` times per epoch: they
    are few beside the written ones, and they are what the model will meet. The
    examples then go through ``augmenter`` (for example the section context)."""

    def augment(nlp, example) -> Iterator:
        n = times if example.reference.user_data.get(ORIGIN) == "real" else 1
        for _ in range(n):
            yield from (augmenter(nlp, example) if augmenter else (example,))

    return augment
