import json

import pytest

from transparency_ner.corpus import (
    GoldError,
    check_record,
    compare_passes,
    convert,
    group_by_report,
    load_gold,
    markup_to_records,
    record_to_doc,
    validate,
)
from transparency_ner.markup import parse_markup, to_markup
from transparency_ner.units import split_units

GOOD = {
    "text": "东湖区人社局共公开信息493条。",
    "entities": [[0, 6, "AGENCY"], [11, 15, "COUNT"]],
    "cats": ["PROACTIVE"],
    "meta": {"report": "r1", "unit": 0},
}


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_record_passes():
    assert check_record(GOOD) == []


@pytest.mark.parametrize(
    "change,message",
    [
        ({"entities": [[0, 99, "AGENCY"]]}, "out of range"),
        ({"entities": [[0, 6, "PERSON"]]}, "unknown entity label"),
        ({"entities": [[0, 6, "AGENCY"], [3, 8, "AGENCY"]]}, "overlap"),
        ({"text": "编号ABC12条", "entities": [[2, 5, "COUNT"]]}, "token boundaries"),
        ({"cats": []}, "no category"),
        ({"cats": ["OTHER", "PROACTIVE"]}, "OTHER next to another"),
        ({"cats": ["FOO"]}, "unknown categories"),
        ({"meta": {}}, "meta"),
        ({"text": ""}, "empty 'text'"),
    ],
)
def test_each_bad_case_is_named(tmp_path, change, message):
    rec = dict(GOOD, **change)
    path = write(tmp_path / "g.jsonl", [json.dumps(GOOD, ensure_ascii=False), json.dumps(rec, ensure_ascii=False)])
    n, errors = validate([path])
    assert errors and all(e.startswith(f"{path}:2: ") for e in errors)
    assert any(message in e for e in errors)


def test_bad_json_and_duplicates_are_named(tmp_path):
    path = write(tmp_path / "g.jsonl", [json.dumps(GOOD), "{not json", json.dumps(GOOD)])
    _, errors = validate([path])
    assert errors[0].startswith(f"{path}:2: bad JSON")
    assert "already at" in errors[1] and errors[1].startswith(f"{path}:3:")
    with pytest.raises(GoldError, match="bad JSON"):
        load_gold(path)


def test_markup_round_trip_and_refusal():
    text, spans = parse_markup("[区政府](AGENCY)在(网址:x)公开[3条](COUNT)[不是](标签)")
    assert text == "区政府在(网址:x)公开3条[不是](标签)"
    assert spans == [(0, 3, "AGENCY"), (12, 14, "COUNT")]
    assert to_markup(text, spans) == "[区政府](AGENCY)在(网址:x)公开[3条](COUNT)[不是](标签)"
    with pytest.raises(GoldError, match="token boundaries"):
        markup_to_records(["0\tPROACTIVE\t编号[ABC](COUNT)12条"], "r")
    with pytest.raises(GoldError, match="OTHER next"):
        markup_to_records(["0\tOTHER,REQUEST\t无"], "r")


def test_shipped_gold_is_valid_and_holds_every_unit_of_every_report(root):
    files = sorted((root / "corpus" / "gold").glob("*.jsonl"))
    n, errors = validate(files)
    assert errors == []
    by_report = group_by_report(load_gold(root / "corpus" / "gold"))
    raws = sorted((root / "corpus" / "raw").glob("*.txt"))
    assert len(raws) == len(by_report) >= 50
    for raw in raws:
        units = [u.text for u in split_units(raw.read_text(encoding="utf-8"))]
        assert [r["text"] for r in by_report[raw.stem]] == units


def test_convert_splits_by_report_and_loses_nothing(tmp_path, root, nlp):
    from spacy.tokens import DocBin

    gold = tmp_path / "gold"
    gold.mkdir()
    for rep in ("a", "b", "c"):
        recs = [dict(GOOD, meta={"report": rep, "unit": i}) for i in range(3 + len(rep))]
        write(gold / f"{rep}.jsonl", [json.dumps(r, ensure_ascii=False) for r in recs])
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"train": ["a", "b"], "test": ["c"]}))
    summary = convert(gold, splits, tmp_path / "out", nlp)
    assert summary == {"train": {"reports": 2, "real": 0, "units": 8}, "test": {"reports": 1, "real": 0, "units": 4}}
    docs = list(DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(nlp.vocab))
    assert {d.user_data["report"] for d in docs} == {"a", "b"}
    assert [(e.text, e.label_) for e in docs[0].ents] == [("东湖区人社局", "AGENCY"), ("493条", "COUNT")]
    assert docs[0].cats["PROACTIVE"] == 1.0 and docs[0].cats["OTHER"] == 0.0
    meta = tmp_path / "meta"
    meta.mkdir()
    (meta / "a.json").write_text(json.dumps({"origin": "seed: real report supplied by the project's user"}))
    assert convert(gold, splits, tmp_path / "out", nlp, meta_dir=meta)["train"]["real"] == 1
    docs = list(DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(nlp.vocab))
    assert {(d.user_data["report"], d.user_data["origin"]) for d in docs} == {("a", "real"), ("b", "written")}
    splits.write_text(json.dumps({"train": ["a"], "test": ["a", "c"]}))
    with pytest.raises(GoldError, match="both"):
        convert(gold, splits, tmp_path / "out", nlp)
    splits.write_text(json.dumps({"train": ["a"], "test": ["c"]}))
    with pytest.raises(GoldError, match="in no split: b"):
        convert(gold, splits, tmp_path / "out", nlp)


def test_unit_corpus_reads_what_spacy_reads(tmp_path, nlp):
    from spacy.tokens import DocBin
    from spacy.training import Corpus

    from transparency_ner.corpus import UnitCorpus, read_docbin

    docs = [record_to_doc(nlp, dict(GOOD, meta={"report": "a", "unit": i})) for i in range(4)]
    docs[2].user_data["section"] = "二、主动公开政府信息情况"
    path = tmp_path / "units.spacy"
    DocBin(store_user_data=True, docs=docs).to_disk(path)
    ours = list(read_docbin(path, nlp.vocab))
    theirs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    assert [d.user_data for d in ours] == [d.user_data for d in theirs]
    assert ours[2].user_data["section"] == "二、主动公开政府信息情况"
    assert [d.to_bytes() for d in ours] == [d.to_bytes() for d in theirs]
    a = [(e.reference.text, e.reference.user_data) for e in UnitCorpus(path, limit=3)(nlp)]
    b = [(e.reference.text, e.reference.user_data) for e in Corpus(path, limit=3)(nlp)]
    assert a == b and len(a) == 3


def test_compare_passes_counts_disagreements():
    a = [GOOD]
    b = [dict(GOOD, entities=[[0, 6, "AGENCY"]], cats=["PROACTIVE", "ORGANIZATION"])]
    figures, diffs = compare_passes(a, b)
    assert figures["span_f1"] == pytest.approx(2 / 3)
    assert figures["cats_exact"] == 0.0
    assert diffs[0].only_a == [(11, 15, "COUNT")]


def test_record_to_doc_refuses_misaligned_span(nlp):
    bad = dict(GOOD, text="ABC12条", entities=[[1, 3, "COUNT"]])
    with pytest.raises(GoldError):
        record_to_doc(nlp, bad)


def test_reconcile_needs_a_decision_for_every_difference():
    from transparency_ner.corpus import reconcile_markup

    a = ["0\tOTHER\t[区政府](AGENCY)", "1\tPROACTIVE\t公开[3条](COUNT)", "2\tOTHER\t无"]
    b = ["0\tOTHER\t[区政府](AGENCY)", "1\tPROACTIVE,PLATFORM\t公开[3条](COUNT)", "2\tOTHER\t[无](AGENCY)"]
    with pytest.raises(GoldError, match=r"no decision for differing units \[1, 2\]"):
        reconcile_markup(a, b, {}, "r")
    merged = reconcile_markup(a, b, {"1": {"pick": "B", "why": "K1"}, "2": "A"}, "r")
    assert merged == [a[0], b[1], a[2]]
    with pytest.raises(GoldError, match="changes the unit"):
        reconcile_markup(a, b, {"1": "1\tPROACTIVE\t公开4条", "2": "A"}, "r")


def test_reconcile_review_corrects_a_unit_both_passes_agree_on():
    """A reviewed line overrides even agreeing passes; a bare pick there changes nothing."""
    from transparency_ner.corpus import reconcile_markup

    a = ["0\tOTHER\t区政府年报", "1\tPROACTIVE\t公开[3条](COUNT)"]
    fixed = "0\tOTHER\t[区政府](AGENCY)年报"
    merged = reconcile_markup(a, list(a), {"0": {"line": fixed, "why": "C13"}, "1": "B"}, "r")
    assert merged == [fixed, a[1]]


def test_corpus_size_and_balance(root):
    """The corpus holds at least 50 reports, 4,000 units, 300 spans of every label and
    150 units of every category (issue targets, computed from the shipped gold)."""
    from collections import Counter

    from transparency_ner.scheme import CATEGORIES, ENT_LABELS

    records = load_gold(root / "corpus" / "gold")
    assert len(group_by_report(records)) >= 50 and len(records) >= 4000
    spans = Counter(e[2] for r in records for e in r["entities"])
    cats = Counter(c for r in records for c in r["cats"])
    assert all(spans[label] >= 300 for label in ENT_LABELS), spans
    assert all(cats[c] >= 150 for c in CATEGORIES), cats


def test_real_reports_count_more_in_training(tmp_path, nlp):
    from spacy.training import Example

    from transparency_ner.context import create_section_context
    from transparency_ner.corpus import create_repeat_real, report_origin

    assert report_origin({"origin": "seed: real report supplied by the project's user"}) == "real"
    assert report_origin({"origin": "written here"}) == report_origin({}) == "written"
    real, written = (record_to_doc(nlp, GOOD) for _ in range(2))
    real.user_data.update(origin="real", section="二、主动公开政府信息情况")
    written.user_data["origin"] = "written"
    augment = create_repeat_real(times=3, augmenter=create_section_context(drop=0.0))
    out = list(augment(nlp, Example(nlp.make_doc(real.text), real)))
    assert len(out) == 3 and all(eg.predicted.user_data["section"] == "二、主动公开政府信息情况" for eg in out)
    assert len(list(augment(nlp, Example(nlp.make_doc(written.text), written)))) == 1


def _review_record(root, name):
    """A review's flips, the unit ids of each pass per report, and the gold by report."""
    review = root / "corpus" / "annotations" / name
    flips = json.loads((review / "flips.json").read_text(encoding="utf-8"))
    passes = {}
    for side in ("passA", "passB"):
        passes[side] = {
            p.stem: [line.split("\t")[0] for line in p.read_text(encoding="utf-8").splitlines() if line]
            for p in sorted((review / side).glob("*.tsv"))
        }
    return flips, passes, group_by_report(load_gold(root / "corpus" / "gold"))


def _check_flips(flips, by_report):
    for key, cats in flips["taken"].items():
        report, unit = key.split(" u")
        assert sorted(by_report[report][int(unit)]["cats"]) == sorted(cats), key
    for key, kept in flips["not_taken"].items():
        report, unit = key.split(" u")
        gold = sorted(by_report[report][int(unit)]["cats"])
        assert gold == sorted(kept["kept"]) != sorted(kept["proposed"]), key


def test_seed_review_record_matches_the_gold(root):
    """The seed review (GUIDELINES, round nine): both blind passes cover every seed unit, and
    each flip it lists as taken is what the gold now holds; one not taken kept the gold."""
    flips, passes, by_report = _review_record(root, "review-seeds")
    assert sorted(passes["passA"]) == sorted(passes["passB"]) and len(passes["passA"]) == 5
    for seed, ids in passes["passA"].items():
        assert ids == passes["passB"][seed] == [str(r["meta"]["unit"]) for r in by_report[seed]]
    assert len(flips["taken"]) == 40
    _check_flips(flips, by_report)


def test_written_review_record_matches_the_gold(root):
    """The review of the written reports (GUIDELINES, round ten): both blind passes cover the
    same prose units of every written report, in report order; the flips taken are what the
    gold holds, the ones not taken kept the gold."""
    flips, passes, by_report = _review_record(root, "review-written")
    written = sorted(r for r in by_report if not r[0].isdigit())
    assert sorted(passes["passA"]) == sorted(passes["passB"]) == written
    for report, ids in passes["passA"].items():
        gold_ids = [str(r["meta"]["unit"]) for r in by_report[report]]
        assert ids == passes["passB"][report] and ids
        reviewed = set(ids)
        assert [i for i in gold_ids if i in reviewed] == ids
    assert flips["taken"]
    _check_flips(flips, by_report)