"""The annotation loop with a doccano server: push pre-labelled units, pull corrections.

doccano-client (1.1.x) gives the authenticated session; every request goes through
:class:`Doccano`, which turns connection failures and HTTP errors into one-line
:class:`AnnotateError`. Pulled annotation passes the corpus validator before anything
is written, and gold files are replaced atomically, so a failed pull never touches gold.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from .context import SectionTracker, unit_doc
from .corpus import Record, check_record, gold_files, iter_gold_lines, make_record, write_jsonl
from .evaluate import cats_threshold
from .scheme import CATEGORIES, ENT_LABELS, predicted_categories

PROJECT_TYPE = "IntentDetectionAndSlotFilling"  # doccano's project with spans and categories
SPAN_COLORS = {"AGENCY": "#7aecec", "DATE": "#bfe1d9", "COUNT": "#e4e7d2", "CHANNEL": "#feca74"}


class AnnotateError(RuntimeError):
    """A failure of the annotation loop, reported in one line."""


# ------------------------------------------------------------ offsets
def to_doccano_offset(text: str, index: int) -> int:
    """Python offset -> doccano's: the browser counts UTF-16 code units, so each
    character outside the BMP before ``index`` counts twice."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def from_doccano_offset(text: str, offset: int) -> int:
    """doccano's offset -> Python's (inverse of :func:`to_doccano_offset`)."""
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    if units == offset:
        return len(text)
    raise AnnotateError(f"offset {offset} is past the end of a {len(text)}-character text")


def text_hash(text: str) -> str:
    """Identity of a unit across gold, server and reruns."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------ server access
class Doccano:
    """A checked session on one doccano server."""

    def __init__(self, url: str, username: Optional[str] = None, password: Optional[str] = None) -> None:
        import requests
        from doccano_client import DoccanoClient

        username = username or os.environ.get("DOCCANO_USERNAME")
        password = password or os.environ.get("DOCCANO_PASSWORD")
        if not username or not password:
            raise AnnotateError("no doccano credentials: set DOCCANO_USERNAME and DOCCANO_PASSWORD")
        self.url = url.rstrip("/") + "/"
        try:
            self.client = DoccanoClient(self.url, username, password)
        except (requests.ConnectionError, requests.Timeout):
            raise AnnotateError(f"cannot reach doccano at {url}") from None
        except ValueError:
            raise AnnotateError(f"doccano at {url} did not answer like a doccano server") from None
        me = self.client.session.get(self.url + "v1/me")
        if me.status_code in (401, 403):
            raise AnnotateError(f"doccano login failed for user {username!r} (wrong password?)")

    def call(self, method: str, endpoint: str, **kwargs):
        import requests

        try:
            response = self.client.session.request(method, self.url + endpoint.lstrip("/"), timeout=60, **kwargs)
        except (requests.ConnectionError, requests.Timeout):
            raise AnnotateError(f"doccano at {self.url} stopped answering ({method} {endpoint})") from None
        if response.status_code >= 400:
            raise AnnotateError(f"doccano refused {method} {endpoint}: HTTP {response.status_code} {response.text[:120]!r}")
        return response.json() if response.content else None

    def pages(self, endpoint: str, **params) -> Iterable[Dict]:
        offset = 0
        while True:
            page = self.call("GET", endpoint, params={"limit": 100, "offset": offset, **params})
            results = page["results"] if isinstance(page, dict) else page
            yield from results
            if not isinstance(page, dict) or not page.get("next"):
                return
            offset += len(results)

    # projects and labels
    def find_project(self, name: str) -> Optional[int]:
        for project in self.pages("v1/projects"):
            if project["name"] == name:
                return project["id"]
        return None

    def ensure_project(self, name: str) -> int:
        """The project's id, created with the four span labels and eight categories if missing."""
        pid = self.find_project(name)
        if pid is None:
            project = self.call("POST", "v1/projects", json={
                "name": name, "description": "transparency_ner annotation loop", "project_type": PROJECT_TYPE,
                "resourcetype": f"{PROJECT_TYPE}Project", "guideline": "See corpus/GUIDELINES.md",
                "randomize_document_order": False, "collaborative_annotation": False,
            })
            pid = project["id"]
        spans, cats = self.label_ids(pid)
        for label in ENT_LABELS:
            if label not in spans:
                self.call("POST", f"v1/projects/{pid}/span-types", json={"text": label, "background_color": SPAN_COLORS[label], "text_color": "#000000"})
        for cat in CATEGORIES:
            if cat not in cats:
                self.call("POST", f"v1/projects/{pid}/category-types", json={"text": cat, "background_color": "#dde", "text_color": "#000000"})
        return pid

    def label_ids(self, pid: int) -> Tuple[Dict[str, int], Dict[str, int]]:
        spans = {t["text"]: t["id"] for t in self.call("GET", f"v1/projects/{pid}/span-types")}
        cats = {t["text"]: t["id"] for t in self.call("GET", f"v1/projects/{pid}/category-types")}
        return spans, cats

    def project_id(self, name: str) -> int:
        pid = self.find_project(name)
        if pid is None:
            raise AnnotateError(f"no doccano project named {name!r}")
        return pid


# ------------------------------------------------------------ push
@dataclass
class Candidate:
    """A unit to annotate, pre-labelled, with the model's confidence."""

    report: str
    unit: int
    text: str
    entities: List[Tuple[int, int, str]] = field(default_factory=list)
    cats: List[str] = field(default_factory=list)
    confidence: float = 1.0


def confidence(cats: Dict[str, float], threshold: float) -> float:
    """How sure the model is of its category decisions: the smallest distance of any
    category score from the threshold, scaled to [0, 1] (0 = a coin toss)."""
    if not cats:
        return 0.0
    return min(abs(p - threshold) / max(threshold, 1 - threshold) for p in cats.values())


def candidates(raw: Sequence[Path], nlp, known_hashes: set) -> List[Candidate]:
    """Units of the raw reports not yet in gold or on the server, pre-labelled by ``nlp``
    and ordered least confident first."""
    from .reader import read_report
    from .units import split_units

    threshold = cats_threshold(nlp)
    todo: List[Candidate] = []
    docs = []
    for path in raw:
        tracker = SectionTracker()
        for unit in split_units(read_report(path).text):
            section = tracker.update(unit.text)
            h = text_hash(unit.text)
            if h in known_hashes:
                continue
            known_hashes.add(h)
            todo.append(Candidate(Path(path).stem, unit.index, unit.text))
            docs.append(unit_doc(nlp, unit.text, section))
    for cand, doc in zip(todo, nlp.pipe(docs)):
        cand.entities = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        cand.cats = predicted_categories(doc.cats, threshold) if doc.cats else ["OTHER"]
        cand.confidence = confidence(doc.cats, threshold)
    todo.sort(key=lambda c: (c.confidence, c.report, c.unit))
    return todo


def gold_hashes(gold: Path) -> set:
    hashes = set()
    for path in gold_files(gold) if Path(gold).exists() else []:
        for _, rec, _ in iter_gold_lines(path):
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                hashes.add(text_hash(rec["text"]))
    return hashes


def server_hashes(dc: Doccano, pid: int) -> set:
    return {ex.get("meta", {}).get("hash") or text_hash(ex["text"]) for ex in dc.pages(f"v1/projects/{pid}/examples")}


def push(dc: Doccano, pid: int, items: Sequence[Candidate], limit: Optional[int] = None) -> int:
    """Upload pre-labelled units (in order) with their spans and categories."""
    spans, cats = dc.label_ids(pid)
    n = 0
    for cand in items[:limit]:
        ex = dc.call("POST", f"v1/projects/{pid}/examples", json={
            "text": cand.text,
            "meta": {"report": cand.report, "unit": cand.unit, "hash": text_hash(cand.text), "confidence": round(cand.confidence, 4)},
        })
        for start, end, label in cand.entities:
            dc.call("POST", f"v1/projects/{pid}/examples/{ex['id']}/spans", json={
                "label": spans[label], "start_offset": to_doccano_offset(cand.text, start),
                "end_offset": to_doccano_offset(cand.text, end),
            })
        for cat in cand.cats:
            dc.call("POST", f"v1/projects/{pid}/examples/{ex['id']}/categories", json={"label": cats[cat]})
        n += 1
    return n


# ------------------------------------------------------------ pull
def from_doccano_record(row: Dict, where: str) -> Tuple[Optional[Record], List[str]]:
    """One exported doccano line (spans in doccano offsets, label names) -> gold record."""
    problems: List[str] = []
    text = row.get("text")
    meta = row.get("meta") or {}
    if not isinstance(text, str):
        return None, [f"{where}: no text"]
    ents = []
    for ent in row.get("entities", row.get("label", [])) or []:
        try:
            start, end, label = ent
            ents.append([from_doccano_offset(text, int(start)), from_doccano_offset(text, int(end)), label])
        except (TypeError, ValueError, AnnotateError) as err:
            problems.append(f"{where}: bad entity {ent!r} ({err})")
    cats = list(row.get("cats", []) or [])
    report, unit = meta.get("report"), meta.get("unit")
    rec = make_record(text, ents, cats, report, unit) if isinstance(report, str) and isinstance(unit, int) else {
        "text": text, "entities": ents, "cats": cats, "meta": meta}
    problems += [f"{where}: {p}" for p in check_record(rec)]
    return rec, problems


def fetch(dc: Doccano, pid: int, include_all: bool = False) -> List[Dict]:
    """Examples (confirmed ones unless ``include_all``) in doccano's export shape."""
    spans, cats = dc.label_ids(pid)
    span_names = {v: k for k, v in spans.items()}
    cat_names = {v: k for k, v in cats.items()}
    rows = []
    for ex in dc.pages(f"v1/projects/{pid}/examples"):
        if not include_all and not ex.get("is_confirmed"):
            continue
        ents = [[s["start_offset"], s["end_offset"], span_names.get(s["label"], f"#{s['label']}")]
                for s in dc.call("GET", f"v1/projects/{pid}/examples/{ex['id']}/spans")]
        labels = [cat_names.get(c["label"], f"#{c['label']}") for c in dc.call("GET", f"v1/projects/{pid}/examples/{ex['id']}/categories")]
        rows.append({"id": ex["id"], "text": ex["text"], "entities": ents, "cats": labels, "meta": ex.get("meta") or {}})
    return rows


@dataclass
class MergeResult:
    added: int = 0
    changed: int = 0
    skipped: int = 0
    rejected: List[str] = field(default_factory=list)
    skipped_why: List[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.added} added, {self.changed} changed, {self.skipped} skipped, {len(self.rejected)} rejected"


def merge(gold: Path, rows: Sequence[Dict], overwrite: bool = False, write: bool = True) -> MergeResult:
    """Merge pulled rows into per-report gold files. Nothing is written if any row is
    rejected; an existing gold unit changes only with ``overwrite``."""
    result = MergeResult()
    records: List[Record] = []
    for i, row in enumerate(rows, 1):
        rec, problems = from_doccano_record(row, f"example {row.get('id', i)}")
        if problems:
            result.rejected.extend(problems)
        elif rec is not None:
            records.append(rec)
    if result.rejected:
        return result
    gold = Path(gold)
    existing: Dict[str, List[Record]] = {}
    for path in gold_files(gold) if gold.exists() else []:
        existing[path.stem] = [rec for _, rec, _ in iter_gold_lines(path) if isinstance(rec, dict)]
    touched = set()
    for rec in records:
        rep, unit = rec["meta"]["report"], rec["meta"]["unit"]
        current = {r["meta"]["unit"]: r for r in existing.setdefault(rep, [])}
        old = current.get(unit)
        if old is None:
            existing[rep].append(rec)
            result.added += 1
            touched.add(rep)
        elif old["text"] != rec["text"]:
            result.rejected.append(f"report {rep} unit {unit}: text differs from the gold unit")
        elif sorted(map(tuple, old["entities"])) == sorted(map(tuple, rec["entities"])) and set(old["cats"]) == set(rec["cats"]):
            result.skipped += 1
        elif overwrite:
            existing[rep] = [rec if r["meta"]["unit"] == unit else r for r in existing[rep]]
            result.changed += 1
            touched.add(rep)
        else:
            result.skipped += 1
            result.skipped_why.append(f"report {rep} unit {unit}: differs from gold (use --overwrite to replace)")
    if result.rejected or not write:
        return result
    for rep in sorted(touched):
        write_jsonl(gold / f"{rep}.jsonl", sorted(existing[rep], key=lambda r: r["meta"]["unit"]))
    return result
