"""The doccano loop: offsets, merge rules and faults as unit tests, and a round trip
through a real doccano server started by the test (skipped only if it cannot be installed)."""
import json
import os
import socket
from pathlib import Path

import pytest

from transparency_ner.annotate import (
    AnnotateError,
    Doccano,
    confidence,
    fetch,
    from_doccano_offset,
    from_doccano_record,
    merge,
    to_doccano_offset,
)

ASTRAL = "𠀋"  # U+2000B, outside the BMP: doccano counts it as two


def row(text, ents, cats, report="r", unit=0, **extra):
    return {"text": text, "entities": ents, "cats": cats, "meta": {"report": report, "unit": unit}, **extra}


def test_offsets_round_trip_with_astral_characters():
    text = f"区{ASTRAL}政府{ASTRAL}{ASTRAL}公开3条"
    for i in range(len(text) + 1):
        assert from_doccano_offset(text, to_doccano_offset(text, i)) == i
    assert to_doccano_offset(text, 2) == 3 and to_doccano_offset(text, len(text)) == len(text) + 3
    rec, problems = from_doccano_record(row(text, [[11, 13, "COUNT"]], ["PROACTIVE"]), "x")
    assert problems == [] and text[rec["entities"][0][0] : rec["entities"][0][1]] == "3条"


def test_merge_adds_skips_conflicts_and_overwrites(tmp_path):
    gold = tmp_path / "gold"
    first = [row("区政府公开3条", [[0, 3, "AGENCY"], [5, 7, "COUNT"]], ["PROACTIVE"], unit=0), row("无", [], ["OTHER"], unit=1)]
    res = merge(gold, first)
    assert (res.added, res.changed, res.skipped, res.rejected) == (2, 0, 0, [])
    again = merge(gold, first)
    assert (again.added, again.skipped) == (0, 2)
    edited = [row("区政府公开3条", [[5, 7, "COUNT"]], ["PROACTIVE"], unit=0)]
    conflict = merge(gold, edited)
    assert conflict.skipped == 1 and "use --overwrite" in conflict.skipped_why[0]
    assert json.loads((gold / "r.jsonl").read_text(encoding="utf-8").splitlines()[0])["entities"][0] == [0, 3, "AGENCY"]
    forced = merge(gold, edited, overwrite=True)
    assert forced.changed == 1
    lines = (gold / "r.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["entities"] == [[5, 7, "COUNT"]]


@pytest.mark.parametrize(
    "bad,reason",
    [
        (row("区政府", [[0, 3, "PERSON"]], ["OTHER"]), "unknown entity label"),
        (row("区政府", [[0, 3, "AGENCY"]], ["NEWS"]), "unknown categories"),
        (row("区政府", [[0, 9, "AGENCY"]], ["OTHER"]), "offset"),
        (row("区政府", [], []), "no category"),
        ({"text": "区政府", "entities": [], "cats": ["OTHER"]}, "meta"),
        ({"entities": []}, "no text"),
    ],
)
def test_malformed_exports_are_rejected_and_nothing_is_written(tmp_path, bad, reason):
    gold = tmp_path / "gold"
    good = row("好的", [], ["OTHER"], report="g")
    res = merge(gold, [good, bad])
    assert res.rejected and reason in " ".join(res.rejected)
    assert not gold.exists()


def test_pull_with_changed_text_is_rejected(tmp_path):
    gold = tmp_path / "gold"
    merge(gold, [row("原文", [], ["OTHER"])])
    res = merge(gold, [row("改过的原文", [], ["OTHER"])])
    assert "text differs" in res.rejected[0]


def test_confidence_orders_coin_tosses_first():
    assert confidence({"A": 0.5, "B": 0.99}, 0.5) == 0.0
    assert confidence({"A": 0.9, "B": 0.05}, 0.5) > confidence({"A": 0.6, "B": 0.05}, 0.5)


def test_server_stopping_mid_pull_writes_nothing(tmp_path, monkeypatch):

    class FakeDoccano(Doccano):
        def __init__(self):
            self.url = "http://127.0.0.1:1/"
            self.calls = 0

        def call(self, method, endpoint, **kwargs):
            self.calls += 1
            if self.calls > 3:
                raise AnnotateError(f"doccano at {self.url} stopped answering ({method} {endpoint})")
            if endpoint.endswith("span-types"):
                return [{"id": 1, "text": "AGENCY"}]
            if endpoint.endswith("category-types"):
                return [{"id": 1, "text": "OTHER"}]
            return {"results": [{"id": 1, "text": "区政府", "meta": {"report": "r", "unit": 0}, "is_confirmed": True}], "next": None}

    with pytest.raises(AnnotateError, match="stopped answering"):
        fetch(FakeDoccano(), 1)
    assert not (tmp_path / "gold").exists()


# ------------------------------------------------------------------ real server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, root):
    from transparency_ner import doccano_server

    venv = Path(os.environ.get("TN_DOCCANO_VENV", root / ".doccano" / "venv"))
    try:
        doccano_server.install(venv)
    except (AnnotateError, OSError) as err:
        pytest.skip(f"doccano server cannot be installed here: {err}")
    data = tmp_path_factory.mktemp("doccano")
    user, password = "annotator", "tn-test-" + os.urandom(4).hex()
    url = doccano_server.start(venv, data, _free_port(), user, password)
    yield url, user, password
    doccano_server.stop(data)


def test_doccano_round_trip_against_a_real_server(server, tmp_path, root):
    from transparency_ner.annotate import candidates, gold_hashes, push, server_hashes
    from transparency_ner.baseline import rules_pipeline

    url, user, password = server
    raw = tmp_path / "r_new.txt"
    lines = [f"2019年区政府通过政府门户网站公开信息{100 + i}条。" for i in range(11)]
    lines.append(f"{ASTRAL}街道2018年共受理申请5件。")
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = tmp_path / "gold"
    dc = Doccano(url, user, password)
    pid = dc.ensure_project("tn-test")
    nlp = rules_pipeline()

    items = candidates([raw], nlp, gold_hashes(gold) | server_hashes(dc, pid))
    assert len(items) == 12
    assert push(dc, pid, items) == 12
    # a second push finds nothing new
    assert candidates([raw], nlp, gold_hashes(gold) | server_hashes(dc, pid)) == []
    assert len(list(dc.pages(f"v1/projects/{pid}/examples"))) == 12

    # an annotator corrects the astral unit: adds an AGENCY span, sets REQUEST, confirms it
    spans, cats = dc.label_ids(pid)
    examples = list(dc.pages(f"v1/projects/{pid}/examples"))
    target = next(e for e in examples if e["text"].startswith(ASTRAL))
    text = target["text"]
    for c in dc.call("GET", f"v1/projects/{pid}/examples/{target['id']}/categories"):
        dc.call("DELETE", f"v1/projects/{pid}/examples/{target['id']}/categories/{c['id']}")
    dc.call("POST", f"v1/projects/{pid}/examples/{target['id']}/spans", json={
        "label": spans["AGENCY"], "start_offset": to_doccano_offset(text, 1), "end_offset": to_doccano_offset(text, 3)})
    dc.call("POST", f"v1/projects/{pid}/examples/{target['id']}/categories", json={"label": cats["REQUEST"]})
    for e in examples:
        dc.call("POST", f"v1/projects/{pid}/examples/{e['id']}/states", json={})

    rows = fetch(dc, pid)
    res = merge(gold, rows)
    assert (res.added, res.rejected) == (12, [])
    records = {json.loads(l)["text"]: json.loads(l) for l in (gold / "r_new.jsonl").read_text(encoding="utf-8").splitlines()}
    edited = records[text]
    got = sorted((text[s:e], l) for s, e, l in edited["entities"])
    assert ("街道", "AGENCY") in got and ("2018年", "DATE") in got and ("5件", "COUNT") in got
    assert edited["cats"] == ["REQUEST"]
    # every pre-label of the untouched units came back exactly
    for cand in items:
        if cand.text == text:
            continue
        assert sorted(map(tuple, records[cand.text]["entities"])) == sorted(cand.entities)
        assert sorted(records[cand.text]["cats"]) == sorted(cand.cats)
    # pulling again adds and loses nothing
    again = merge(gold, fetch(dc, pid))
    assert (again.added, again.skipped, again.rejected) == (0, 12, [])
    assert len((gold / "r_new.jsonl").read_text(encoding="utf-8").splitlines()) == 12


def test_doccano_faults_give_one_line(server, tmp_path):
    url, user, password = server
    with pytest.raises(AnnotateError, match="login failed"):
        Doccano(url, user, "wrong-password")
    with pytest.raises(AnnotateError, match="no doccano project named 'missing'"):
        Doccano(url, user, password).project_id("missing")
    with pytest.raises(AnnotateError, match="cannot reach doccano"):
        Doccano(f"http://127.0.0.1:{_free_port()}", user, password)


def test_doccano_cli_pull_from_export_with_unknown_label(tmp_path):
    import subprocess
    import sys

    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps(row("区政府", [[0, 3, "ORG"]], ["OTHER"]), ensure_ascii=False) + "\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "transparency_ner", "annotate-pull", "--from-file", str(export), "--gold", str(tmp_path / "gold")], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "unknown entity label 'ORG'" in proc.stderr and "nothing was written" in proc.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "gold").exists()
