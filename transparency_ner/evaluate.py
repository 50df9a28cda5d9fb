"""Scores for any pipeline that sets ``doc.ents`` and ``doc.cats``: model and rules alike.

One function scores both, so the comparison in the README is like for like. Category
macro F is averaged over the labels that occur in the gold of the evaluated data (a
label absent from a fold cannot be scored fairly either way).
"""
from __future__ import annotations

from collections import Counter
from typing import Dict, Iterable, List, Sequence

from spacy.language import Language
from spacy.scorer import get_ner_prf
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


def score_examples(examples: Sequence[Example], threshold: float = 0.5) -> Dict:
    """Entities P/R/F overall and per label; categories P/R/F per label, macro and micro F.

    Categories are scored as they are shipped: ``predicted_categories`` decides."""
    ner = get_ner_prf(examples)
    per_type = ner.get("ents_per_type", {}) or {}
    gold_per_label = Counter(e.label_ for eg in examples for e in eg.reference.ents)
    ents_per_type = {}
    for label in ENT_LABELS:
        s = per_type.get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
        ents_per_type[label] = {"p": s["p"], "r": s["r"], "f": s["f"], "support": gold_per_label[label]}
    counts: Dict[str, Counter] = {c: Counter() for c in CATEGORIES}
    for eg in examples:
        gold = {c for c, v in eg.reference.cats.items() if v >= 0.5}
        pred = set(predicted_categories(eg.predicted.cats, threshold))
        for c in CATEGORIES:
            counts[c]["tp"] += c in gold and c in pred
            counts[c]["fp"] += c not in gold and c in pred
            counts[c]["fn"] += c in gold and c not in pred
    cats_per_type = {c: _prf(n["tp"], n["fp"], n["fn"]) for c, n in counts.items()}
    present = [c for c in CATEGORIES if cats_per_type[c]["support"] > 0]
    macro = sum(cats_per_type[c]["f"] for c in present) / max(1, len(present))
    tot = Counter()
    for n in counts.values():
        tot.update(n)
    n_ents = sum(len(eg.reference.ents) for eg in examples)
    return {
        "units": len(examples),
        "gold_entities": n_ents,
        "ents_p": ner["ents_p"],
        "ents_r": ner["ents_r"],
        "ents_f": ner["ents_f"],
        "ents_per_type": ents_per_type,
        "cats_macro_f": macro,
        "cats_micro_f": _prf(tot["tp"], tot["fp"], tot["fn"])["f"],
        "cats_per_type": cats_per_type,
        "cats_threshold": threshold,
    }


def evaluate_docs(nlp: Language, gold_docs: Iterable[Doc], batch_size: int = 64) -> Dict:
    """Run ``nlp`` over the gold texts and score what it predicts."""
    examples = predict_examples(nlp, gold_docs, batch_size)
    return score_examples(examples, cats_threshold(nlp))


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
