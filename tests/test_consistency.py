from transparency_ner.consistency import category_balance, check, shared_text, tagging_inconsistencies
from transparency_ner.corpus import group_by_report, load_gold, load_splits


def rec(text, ents, report, unit=0, cats=("PROACTIVE",)):
    return {"text": text, "entities": ents, "cats": list(cats), "meta": {"report": report, "unit": unit}}


def test_finds_untagged_and_conflicting_strings():
    records = [
        rec("区政府门户网站公开", [[0, 7, "CHANNEL"]], "a"),
        rec("通过区政府门户网站发布", [], "b"),
        rec("黑林铺街道发布", [[0, 5, "AGENCY"]], "c"),
        rec("黑林铺街道发布", [[0, 5, "CHANNEL"]], "d"),
        rec("《区政府门户网站管理办法》", [], "e"),
    ]
    found = {i.string: i for i in tagging_inconsistencies(records)}
    assert found["区政府门户网站"].untagged == 1  # the one inside 《》 is not counted
    errors, warnings = check(records, {})
    assert [e.string for e in errors] == ["黑林铺街道"]
    assert [w.string for w in warnings] == ["区政府门户网站"]
    assert check(records, {"黑林铺街道": "decided"})[0] == []


def test_traditional_and_simplified_are_the_same_string():
    records = [rec("區政府門戶網站", [[0, 7, "CHANNEL"]], "a"), rec("区政府门户网站", [], "b")]
    assert tagging_inconsistencies(records)[0].untagged == 1


def test_shared_text_counts_identical_and_near_identical_units():
    boiler = "如对本报告有疑问请与区政府办公室联系电话12345678"
    records = [
        rec(boiler, [], "tr"),
        rec("本年度共收到政府信息公开申请十件全部按时答复", [], "tr", 1),
        rec(boiler, [], "te"),
        rec(boiler.replace("12345678", "87654321"), [], "te", 1),
        rec("完全不同的一句话用来检验不会误报重复", [], "te", 2),
    ]
    shared = shared_text(records, {"train": ["tr"], "test": ["te"]})["test"]
    assert shared["identical_in_train"] == 1 and shared["near_identical_in_train"] == 1
    assert 0.5 < shared["shared_char_fraction"] < 1.0


def test_shipped_corpus_passes_the_checks(root):
    records = load_gold(root / "corpus" / "gold")
    splits = load_splits(root / "corpus" / "splits.json", group_by_report(records))
    from transparency_ner.consistency import load_allowlist

    errors, _ = check(records, load_allowlist(root / "corpus" / "consistency-allow.json"))
    assert errors == []
    balance = category_balance(records, splits)
    assert sum(balance["train"].values()) >= len([r for r in records if r["meta"]["report"] in splits["train"]])
