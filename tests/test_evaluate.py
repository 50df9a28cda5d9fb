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
