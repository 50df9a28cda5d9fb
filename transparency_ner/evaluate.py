"""Scores for any pipeline that sets ``doc.ents`` and ``doc.cats``: model and rules alike.

One function scores both, so the comparison in the README is like for like. Category
macro F is averaged over the labels that occur in the gold of the evaluated data (a
label absent from a fold cannot be scored fairly either way).
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .context import SECTION, unit_doc
from .scheme import CATEGORIES, ENT_LABELS, predicted_categories


def _prf(tp: int, fp: int, fn: int) -> Dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "support": tp + fn}


def cats_threshold(nlp: Language) -> float:
    if "textcat_multilabel" in nlp.pipe_names:
        return float(nlp.get_pipe("textcat_multilabel").cfg.get("threshold", 0.5))
    return 0.5


LABELS: Tuple[str, ...] = ENT_LABELS + CATEGORIES


def unit_counts(examples: Sequence[Example], threshold: float = 0.5) -> np.ndarray:
    """Per unit and label, the true positives, false positives and false negatives:
    shape (units, entity labels + categories, 3). Every score below is a sum of these rows,
    which is what lets the bootstrap resample units.

    Entities match on (start char, end char, label): gold and prediction share the text
    and the char tokens, so this is spaCy's exact-span NER score. Categories are decided
    as they are shipped (``predicted_categories``)."""
    counts = np.zeros((len(examples), len(LABELS), 3), dtype=np.int32)
    for i, eg in enumerate(examples):
        gold = {(e.start_char, e.end_char, e.label_) for e in eg.reference.ents}
        pred = {(e.start_char, e.end_char, e.label_) for e in eg.predicted.ents}
        for j, label in enumerate(ENT_LABELS):
            g = {e for e in gold if e[2] == label}
            p = {e for e in pred if e[2] == label}
            counts[i, j] = (len(g & p), len(p - g), len(g - p))
        gold_cats = {c for c, v in eg.reference.cats.items() if v >= 0.5}
        pred_cats = set(predicted_categories(eg.predicted.cats, threshold))
        for j, c in enumerate(CATEGORIES, start=len(ENT_LABELS)):
            counts[i, j] = (c in gold_cats and c in pred_cats, c not in gold_cats and c in pred_cats,
                            c in gold_cats and c not in pred_cats)
    return counts


def scores_from_counts(counts: np.ndarray) -> Dict:
    """Entities P/R/F overall (micro) and per label; categories P/R/F per label, macro F
    over the categories present in the gold, and micro F."""
    counts = np.asarray(counts).reshape(-1, len(LABELS), 3)
    per_label = counts.sum(axis=0)
    ents = per_label[: len(ENT_LABELS)]
    cats = per_label[len(ENT_LABELS):]
    overall = _prf(*(int(x) for x in ents.sum(axis=0)))
    ents_per_type = {label: _prf(*(int(x) for x in ents[j])) for j, label in enumerate(ENT_LABELS)}
    cats_per_type = {c: _prf(*(int(x) for x in cats[j])) for j, c in enumerate(CATEGORIES)}
    present = [c for c in CATEGORIES if cats_per_type[c]["support"] > 0]
    return {
        "ents_p": overall["p"],
        "ents_r": overall["r"],
        "ents_f": overall["f"],
        "ents_per_type": ents_per_type,
        "cats_macro_f": sum(cats_per_type[c]["f"] for c in present) / max(1, len(present)),
        "cats_micro_f": _prf(*(int(x) for x in cats.sum(axis=0)))["f"],
        "cats_per_type": cats_per_type,
    }


def score_examples(examples: Sequence[Example], threshold: float = 0.5, keep_units: bool = False) -> Dict:
    """Entities P/R/F overall and per label; categories P/R/F per label, macro and micro F.

    Categories are scored as they are shipped: ``predicted_categories`` decides. With
    ``keep_units``, the per-unit counts travel along (``unit_counts``, a list) for a
    bootstrap interval."""
    counts = unit_counts(examples, threshold)
    scores = {"units": len(examples), "gold_entities": sum(len(eg.reference.ents) for eg in examples)}
    scores.update(scores_from_counts(counts))
    scores["cats_threshold"] = threshold
    if keep_units:
        scores[UNIT_COUNTS] = encode_counts(counts)
    return scores


def encode_counts(counts: np.ndarray) -> List[str]:
    """Per-unit counts as one short string a unit, only the labels with a count:
    ``"2:3,0,0 5:1,0,0"`` = label 2 (COUNT) 3 found, label 5 (REQUEST) right. Metrics
    files stay one line a unit."""
    return [" ".join(f"{j}:{tp},{fp},{fn}" for j, (tp, fp, fn) in enumerate(unit) if tp or fp or fn)
            for unit in np.asarray(counts).reshape(-1, len(LABELS), 3)]


def decode_counts(units: Sequence[str]) -> np.ndarray:
    """``encode_counts``' strings -> shape (units, labels, 3)."""
    counts = np.zeros((len(units), len(LABELS), 3), dtype=np.int32)
    for i, unit in enumerate(units):
        for item in unit.split():
            j, values = item.split(":")
            counts[i, int(j)] = [int(v) for v in values.split(",")]
    return counts


UNIT_COUNTS = "unit_counts"
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 0
HEADLINE = ("ents_f", "cats_macro_f", "cats_micro_f")


def _summary(folds: Sequence[np.ndarray]) -> Dict[str, Optional[float]]:
    """The headline figures and per-label F of the fold mean, flat; by ``mean_scores``' rule a
    label is averaged over the folds whose gold holds it (None where none does)."""
    mean = mean_scores([scores_from_counts(f) for f in folds])
    flat = {k: mean[k] for k in HEADLINE}
    for group in ("ents_per_type", "cats_per_type"):
        flat.update({f"{group}.{label}": v["f"] if "folds" in v else None for label, v in mean[group].items()})
    return flat


def _resampled(folds: Sequence[np.ndarray], rng: np.random.Generator) -> List[np.ndarray]:
    return [f[rng.integers(0, len(f), len(f))] for f in folds]


def bootstrap_interval(folds: Sequence[Sequence[str]], n: int = BOOTSTRAP_DRAWS, level: float = 0.95,
                       seed: int = BOOTSTRAP_SEED) -> Dict:
    """Percentile interval of the fold mean, resampling each fold's units with
    replacement (one fold = one report; the test split counts as one fold).

    It measures how much the figure depends on which units were written, for the same
    trained pipeline; the spread between trainings comes on top (README, "Noise")."""
    arrays = [decode_counts(f) for f in folds]
    rng = np.random.default_rng(seed)
    draws = [_summary(_resampled(arrays, rng)) for _ in range(n)]
    return _percentiles(draws, level)


def paired_difference(model: Sequence[Sequence[str]], other: Sequence[Sequence[str]], n: int = BOOTSTRAP_DRAWS,
                      level: float = 0.95, seed: int = BOOTSTRAP_SEED) -> Dict:
    """Model minus another system (the rules) on the same units: the point difference of
    the fold means and its percentile interval, both systems scored on the same resampled
    units each draw, so what the two share does not count as uncertainty."""
    a = [decode_counts(f) for f in model]
    b = [decode_counts(f) for f in other]
    if [len(f) for f in a] != [len(f) for f in b]:
        raise ValueError("paired_difference: the two systems were scored on different units")
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(n):
        idx = [rng.integers(0, len(f), len(f)) for f in a]
        ma = _summary([f[i] for f, i in zip(a, idx)])
        mb = _summary([f[i] for f, i in zip(b, idx)])
        draws.append({k: None if ma[k] is None or mb[k] is None else ma[k] - mb[k] for k in ma})
    point_a, point_b = _summary(a), _summary(b)
    interval = _percentiles(draws, level)
    return {k: {"diff": point_a[k] - point_b[k], "interval": interval[k]}
            for k in interval if point_a[k] is not None and point_b[k] is not None}


def _percentiles(draws: List[Dict[str, Optional[float]]], level: float) -> Dict[str, List[float]]:
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    out = {}
    for key in draws[0]:
        values = [d[key] for d in draws if d.get(key) is not None]
        if values:
            out[key] = [float(np.percentile(values, lo)), float(np.percentile(values, hi))]
    return out


def with_interval(result: Dict, n: int = BOOTSTRAP_DRAWS) -> Dict:
    """Add ``ci95`` to a metrics dict that holds per-unit counts: to its ``mean`` when it
    has folds (cross-validation), to itself when it scores one split."""
    if "folds" in result:
        counts = [f[UNIT_COUNTS] for f in result["folds"]]
        result["mean"]["ci95"] = bootstrap_interval(counts, n)
    else:
        result["ci95"] = bootstrap_interval([result[UNIT_COUNTS]], n)
    return result


def evaluate_docs(nlp: Language, gold_docs: Iterable[Doc], batch_size: int = 64, keep_units: bool = False) -> Dict:
    """Run ``nlp`` over the gold texts and score what it predicts."""
    examples = predict_examples(nlp, gold_docs, batch_size)
    return score_examples(examples, cats_threshold(nlp), keep_units)


def predict_examples(nlp: Language, gold_docs: Iterable[Doc], batch_size: int = 64) -> List[Example]:
    """Gold docs -> examples with ``nlp``'s predictions; the predicted doc gets the gold
    doc's section, as a tagged report's units do (``context.py``)."""
    gold_docs = list(gold_docs)
    docs = (unit_doc(nlp, d.text, d.user_data.get(SECTION, "")) for d in gold_docs)
    return [Example(pred, gold) for pred, gold in zip(nlp.pipe(docs, batch_size=batch_size), gold_docs)]


def mean_scores(folds: List[Dict]) -> Dict:
    """Average fold scores key by key (nested dicts included).

    A per-label score is averaged over the folds whose gold holds that label (its
    ``support`` > 0): a fold without it can only score 0 there (any prediction is wrong,
    no prediction is undefined), as the macro F already treats it. ``folds`` in such an
    entry says how many folds it averages."""
    def avg(values):
        first = values[0]
        if isinstance(first, dict):
            if "support" in first and any(v["support"] for v in values):
                scored = [v for v in values if v["support"]]
                return {**{k: avg([v[k] for v in scored]) for k in first}, "folds": len(scored)}
            return {k: avg([v[k] for v in values]) for k in first}
        return sum(values) / len(values)

    keys = [k for k in folds[0] if isinstance(folds[0][k], (int, float, dict))]
    return {k: avg([f[k] for f in folds]) for k in keys}
