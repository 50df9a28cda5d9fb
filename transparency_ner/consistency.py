"""Corpus consistency checks: inconsistent tagging, text shared across splits, balance.

These find what two careful passes still miss: a string tagged in one report and left
untagged (or tagged differently) in another, and boilerplate that would leak between
train and test. Known, decided exceptions live in ``corpus/consistency-allow.json``
with the guideline decision that justifies them.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from .scheme import CATEGORIES
from .tokenizer import to_simplified, token_boundaries

Record = Dict
_TITLE = re.compile(r"《[^》]*》|〔[^〕]*〕|“[^”]*”|\"[^\"]*\"")


@dataclass
class Inconsistency:
    """A span string whose treatment differs across the corpus."""

    string: str
    labels: Dict[str, int]
    untagged: int
    examples: List[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return to_simplified(text)


def tagging_inconsistencies(records: Sequence[Record], min_len: int = 3) -> List[Inconsistency]:
    """Strings (compared in Simplified) tagged somewhere and tagged differently or not at
    all elsewhere, at token boundaries and outside titles and quotes."""
    labels: Dict[str, Counter] = defaultdict(Counter)
    for rec in records:
        for s, e, label in rec["entities"]:
            labels[_norm(rec["text"][s:e])][label] += 1
    candidates = {s: c for s, c in labels.items() if len(s) >= min_len}
    if not candidates:
        return []
    pattern = re.compile("|".join(re.escape(s) for s in sorted(candidates, key=len, reverse=True)))
    untagged: Counter = Counter()
    examples: Dict[str, List[str]] = defaultdict(list)
    for rec in records:
        text = _norm(rec["text"])
        masked = _TITLE.sub(lambda m: "\x00" * len(m.group()), text)
        covered = [(s, e) for s, e, _ in rec["entities"]]
        bounds = token_boundaries(rec["text"])
        for m in pattern.finditer(masked):
            s, e = m.span()
            if s not in bounds or e not in bounds:
                continue
            if any(cs <= s and e <= ce for cs, ce in covered):
                continue
            untagged[m.group()] += 1
            if len(examples[m.group()]) < 3:
                examples[m.group()].append(f"{rec['meta']['report']} u{rec['meta']['unit']}: {rec['text'][:60]}")
    found = []
    for string, counts in candidates.items():
        if len(counts) > 1 or untagged[string]:
            found.append(Inconsistency(string, dict(counts), untagged[string], examples[string]))
    return sorted(found, key=lambda i: -(i.untagged + sum(i.labels.values())))


def _shingles(text: str, k: int = 4) -> Set[str]:
    t = re.sub(r"\d+", "0", _norm(text))
    t = re.sub(r"[\s|]+", "", t)
    return {t[i : i + k] for i in range(max(1, len(t) - k + 1))}


def shared_text(
    records: Sequence[Record], splits: Dict[str, List[str]], threshold: float = 0.8, min_chars: int = 12
) -> Dict[str, Dict[str, float]]:
    """For each non-train split: how many of its units (and chars) also appear, identical
    or near-identical (4-gram Jaccard >= threshold, digits masked), in train."""
    split_of = {rep: name for name, reps in splits.items() for rep in reps}
    train = [r for r in records if split_of.get(r["meta"]["report"]) == "train" and len(r["text"]) >= min_chars]
    index: Dict[str, List[int]] = defaultdict(list)
    train_sh = []
    for i, rec in enumerate(train):
        sh = _shingles(rec["text"])
        train_sh.append(sh)
        for g in sh:
            index[g].append(i)
    exact_train = {re.sub(r"\s+", "", _norm(r["text"])) for r in records if split_of.get(r["meta"]["report"]) == "train"}
    result: Dict[str, Dict[str, float]] = {}
    for name in splits:
        if name == "train":
            continue
        units = [r for r in records if split_of.get(r["meta"]["report"]) == name]
        n_exact = n_near = chars = shared_chars = 0
        for rec in units:
            chars += len(rec["text"])
            if re.sub(r"\s+", "", _norm(rec["text"])) in exact_train:
                n_exact += 1
                shared_chars += len(rec["text"])
                continue
            if len(rec["text"]) < min_chars:
                continue
            sh = _shingles(rec["text"])
            hits = Counter(i for g in sh for i in index.get(g, ()))
            for i, inter in hits.most_common(5):
                if inter / len(sh | train_sh[i]) >= threshold:
                    n_near += 1
                    shared_chars += len(rec["text"])
                    break
        result[name] = {
            "units": len(units),
            "identical_in_train": n_exact,
            "near_identical_in_train": n_near,
            "shared_char_fraction": shared_chars / max(1, chars),
        }
    return result


def category_balance(records: Iterable[Record], splits: Dict[str, List[str]]) -> Dict[str, Dict[str, int]]:
    split_of = {rep: name for name, reps in splits.items() for rep in reps}
    table: Dict[str, Counter] = {name: Counter() for name in splits}
    for rec in records:
        table[split_of[rec["meta"]["report"]]].update(rec["cats"])
    return {name: {c: counts[c] for c in CATEGORIES} for name, counts in table.items()}


def load_allowlist(path: Optional[Path]) -> Dict[str, str]:
    if path is None or not Path(path).exists():
        return {}
    return {k: v for k, v in json.loads(Path(path).read_text(encoding="utf-8")).items() if not k.startswith("_")}


def check(records: Sequence[Record], allow: Dict[str, str]) -> Tuple[List[Inconsistency], List[Inconsistency]]:
    """(errors, warnings): a string given different labels is an error unless allowed
    with a reason; a string tagged in one place and untagged in another is a warning to
    review (context often decides: 网站 of a body vs 各类网站)."""
    errors, warnings = [], []
    for inc in tagging_inconsistencies(records):
        if len(inc.labels) > 1 and inc.string not in allow:
            errors.append(inc)
        elif inc.untagged:
            warnings.append(inc)
    return errors, warnings
