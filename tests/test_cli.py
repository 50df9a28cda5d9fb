"""The command line: good runs, and bad input ending in one line and exit code 1."""
import json
import subprocess
import sys

import pytest


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "transparency_ner", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def assert_one_line_error(proc, needle):
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and needle in last


def test_validate_shipped_gold(root):
    proc = run("validate", root / "corpus" / "gold")
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout


def test_validate_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    good = {"text": "区政府", "entities": [[0, 3, "AGENCY"]], "cats": ["OTHER"], "meta": {"report": "r", "unit": 0}}
    bad.write_text(json.dumps(good) + "\n" + json.dumps(dict(good, cats=[])) + "\n", encoding="utf-8")
    proc = run("validate", bad)
    assert f"{bad}:2: unit has no category" in proc.stderr
    assert_one_line_error(proc, "1 problem(s)")


@pytest.mark.parametrize(
    "content,needle",
    [(b"", "empty file"), (b"\x00\x01\x02\x03" * 64, "binary"), (b"\xef\xbb\xbf\xff\xfe", "invalid utf-8")],
    ids=["empty", "binary", "bad-bom"],
)
def test_units_bad_input(tmp_path, content, needle):
    path = tmp_path / "report.txt"
    path.write_bytes(content)
    assert_one_line_error(run("units", path), needle)


def test_units_missing_file(tmp_path):
    assert_one_line_error(run("units", tmp_path / "nope.txt"), "no such file")


def test_units_reads_gb18030_and_big5(tmp_path, root):
    raw = (root / "corpus" / "raw" / "001_4c0351ed7b07ef03.txt").read_text(encoding="utf-8")
    path = tmp_path / "big5.txt"
    path.write_bytes("\n".join(raw.splitlines()[4:8]).encode("big5", errors="ignore"))
    proc = run("units", path)
    assert proc.returncode == 0, proc.stderr
    assert "encoding big5" in proc.stderr
    assert "南昌市東湖區" in proc.stdout


def test_gold_from_markup_refuses_mismatched_units(tmp_path):
    raw = tmp_path / "r.txt"
    raw.write_text("区政府公开3条。\n无。\n", encoding="utf-8")
    markup = tmp_path / "r.tsv"
    markup.write_text("0\tPROACTIVE\t[区政府](AGENCY)公开[3条](COUNT)。\n", encoding="utf-8")
    assert_one_line_error(run("gold-from-markup", markup, raw, tmp_path / "g.jsonl"), "1 annotated units, the report has 2")
    markup.write_text("0\tPROACTIVE\t[区政府](AGENCY)公开[3条](COUNT)。\n1\tOTHER\t无。\n", encoding="utf-8")
    proc = run("gold-from-markup", markup, raw, tmp_path / "g.jsonl")
    assert proc.returncode == 0, proc.stderr
    rec = json.loads((tmp_path / "g.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert rec["entities"] == [[0, 3, "AGENCY"], [5, 7, "COUNT"]] and rec["meta"] == {"report": "r", "unit": 0}
