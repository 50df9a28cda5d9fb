import numpy as np
import pytest
from spacy.training import Example

from transparency_ner.evaluate import mean_scores, score_examples


def make(nlp, text, ents, cats):
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(s, e, label=l) for s, e, l in ents]
    doc.cats = {c: float(c in cats) for c in ["PROACTIVE", "REQUEST", "APPEAL", "INTERPRETATION", "PLATFORM", "ORGANIZATION", "ISSUES", "OTHER"]}
    return doc


def test_scores_per_label_and_macro(nlp):
    gold = make(nlp, "区政府公开3条", [(0, 3, "AGENCY"), (5, 7, "COUNT")], ["PROACTIVE"])
    pred = make(nlp, "区政府公开3条", [(0, 3, "AGENCY")], ["PROACTIVE", "ISSUES"])
    gold2 = make(nlp, "无", [], ["OTHER"])
    pred2 = make(nlp, "无", [], ["OTHER"])
    s = score_examples([Example(pred, gold), Example(pred2, gold2)])
    assert s["ents_p"] == 1.0 and s["ents_r"] == 0.5
    assert s["ents_per_type"]["COUNT"]["f"] == 0.0 and s["ents_per_type"]["AGENCY"]["f"] == 1.0
    # macro F over the labels present in gold (PROACTIVE, OTHER): both perfect
    assert s["cats_macro_f"] == 1.0
    assert s["cats_per_type"]["ISSUES"]["p"] == 0.0
    assert s["cats_micro_f"] == pytest.approx(2 * 2 / (2 * 2 + 1))


def test_mean_scores_averages_nested():
    m = mean_scores([{"a": 1.0, "b": {"x": 0.0}, "report": "r1"}, {"a": 0.0, "b": {"x": 1.0}, "report": "r2"}])
    assert m == {"a": 0.5, "b": {"x": 0.5}}


def test_mean_per_label_skips_folds_without_that_label_in_gold():
    fold = lambda f, n: {"cats_per_type": {"REQUEST": {"p": f, "r": f, "f": f, "support": n}}}
    m = mean_scores([fold(0.8, 5), fold(0.0, 0), fold(0.6, 2)])
    assert m["cats_per_type"]["REQUEST"]["f"] == pytest.approx(0.7)
    assert m["cats_per_type"]["REQUEST"]["folds"] == 2


def test_categories_are_scored_as_shipped_at_least_one_and_other_alone():
    from transparency_ner.scheme import predicted_categories

    # nothing reaches the threshold: the best label still stands (every unit has one)
    assert predicted_categories({"PROACTIVE": 0.3, "OTHER": 0.2, "REQUEST": 0.1}, 0.5) == ["PROACTIVE"]
    # OTHER only when no topical label applies
    assert predicted_categories({"OTHER": 0.9, "REQUEST": 0.6, "APPEAL": 0.7}, 0.5) == ["APPEAL", "REQUEST"]
    assert predicted_categories({"OTHER": 0.9, "REQUEST": 0.1}, 0.5) == ["OTHER"]


def test_score_examples_uses_the_shipped_decision_rule(nlp):
    from spacy.training import Example

    from transparency_ner.evaluate import score_examples
    from transparency_ner.scheme import CATEGORIES

    gold = nlp.make_doc("收到申请3件。")
    gold.cats = {c: float(c == "REQUEST") for c in CATEGORIES}
    pred = nlp.make_doc(gold.text)
    pred.cats = {c: (0.4 if c == "REQUEST" else 0.1) for c in CATEGORIES}  # below the threshold
    scores = score_examples([Example(pred, gold)], threshold=0.5)
    assert scores["cats_per_type"]["REQUEST"]["f"] == 1.0


def test_unit_counts_score_as_spacy_scores_entities(root, nlp):
    """The per-unit counts behind every figure give spaCy's own NER P/R/F: the rules
    pipeline on one shipped seed (overlapping, missed and extra spans alike)."""
    from spacy.scorer import get_ner_prf

    from transparency_ner.baseline import rules_pipeline
    from transparency_ner.corpus import load_gold, record_to_doc

    rules = rules_pipeline()
    records = [r for r in load_gold(root / "corpus" / "gold") if r["meta"]["report"].startswith("002_")]
    examples = [Example(rules(r["text"]), record_to_doc(nlp, r)) for r in records]
    ours, spacy_ner = score_examples(examples), get_ner_prf(examples)
    assert 0.5 < ours["ents_f"] < 1.0
    for key in ("ents_p", "ents_r", "ents_f"):
        assert ours[key] == pytest.approx(spacy_ner[key])
    for label, s in spacy_ner["ents_per_type"].items():
        assert ours["ents_per_type"][label]["f"] == pytest.approx(s["f"])


def test_bootstrap_interval_and_paired_difference(nlp):
    from transparency_ner.evaluate import (
        bootstrap_interval, decode_counts, encode_counts, paired_difference, scores_from_counts,
    )

    right = make(nlp, "区政府公开3条", [(0, 3, "AGENCY"), (5, 7, "COUNT")], ["PROACTIVE"])
    half = make(nlp, "区政府公开3条", [(0, 3, "AGENCY")], ["ISSUES"])
    gold = make(nlp, "区政府公开3条", [(0, 3, "AGENCY"), (5, 7, "COUNT")], ["PROACTIVE"])
    good = score_examples([Example(right, gold), Example(half, gold)] * 10, keep_units=True)["unit_counts"]
    same = score_examples([Example(right, gold)] * 20, keep_units=True)["unit_counts"]
    # identical units: nothing to resample, the interval is the point
    assert bootstrap_interval([same], n=200)["ents_f"] == [1.0, 1.0]
    ci = bootstrap_interval([good], n=500)
    # one short line a unit in the metrics files, read back exactly
    assert good[1] == "0:1,0,0 2:0,0,1 4:0,0,1 10:0,1,0"
    assert encode_counts(decode_counts(good)) == good
    point = scores_from_counts(decode_counts(good))["ents_f"]
    assert ci["ents_f"][0] < point < ci["ents_f"][1]
    # a system against itself differs by exactly nothing; a perfect one beats a worse one
    assert paired_difference([good], [good], n=200)["ents_f"] == {"diff": 0.0, "interval": [0.0, 0.0]}
    worse = score_examples([Example(half, gold)] * 20, keep_units=True)["unit_counts"]
    d = paired_difference([same], [worse], n=200)["ents_f"]
    assert d["diff"] == pytest.approx(1 - 2 / 3) and d["interval"][0] > 0
    with pytest.raises(ValueError, match="different units"):
        paired_difference([same], [worse[:5]])
