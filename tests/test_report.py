"""The whole-report path: tag_report, and the CLI's tag / stats / show over good and bad input.

The rules pipeline stands in for the model here: it is deterministic, so the tests can
assert exact values without training."""
import csv
import io
import json
import subprocess
import sys

import pytest

from transparency_ner.baseline import rules_pipeline
from transparency_ner.report import tag_report

SEED_001 = "001_4c0351ed7b07ef03.txt"
SEED_003 = "003_d56b836ff3b8aa47.txt"


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "pipeline"
    rules_pipeline().to_disk(path)
    return path


def cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "transparency_ner", *map(str, args)], capture_output=True, text=True, input=stdin)


def test_tag_report_normalises_seed_001(root):
    report = tag_report(root / "corpus" / "raw" / SEED_001, rules_pipeline())
    assert report.year == 2018 and report.encoding == "utf-8"
    hit = [e for e in report.entities if e.text == "2萬六千余條"]
    assert hit and hit[0].value == {"value": 26000, "unit": "条", "approximate": True}
    clean = read_clean(root / "corpus" / "raw" / SEED_001)
    assert all(clean[e.start : e.end] == e.text for e in report.entities)
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["units"][0]["index"] == 0 and "flagged" in data


def read_clean(path):
    from transparency_ner.reader import read_report

    return read_report(path).text


def test_tag_report_accepts_text_and_bytes():
    text = "东湖区2018年政府信息公开工作年度报告\n全年共公开信息5千余条。"
    by_text = tag_report(text, rules_pipeline())
    by_bytes = tag_report(text.encode("gb18030"), rules_pipeline())
    assert [e.text for e in by_text.entities] == [e.text for e in by_bytes.entities]
    assert by_bytes.encoding == "gb18030" and by_text.year == 2018


def test_span_value_extension(nlp):
    doc = rules_pipeline()("共发布信息2万六千余条")
    assert doc.ents[-1]._.value["value"] == 26000


def test_tag_cli_over_good_and_bad_inputs(tmp_path, root, rules_dir):
    from transparency_ner.batch import write_mixed_inputs

    inputs = write_mixed_inputs(root / "corpus" / "raw", tmp_path / "in")
    out = tmp_path / "out.jsonl"
    proc = cli("tag", inputs, "--model", rules_dir, "--out", out)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [l for l in proc.stderr.splitlines() if l.startswith("error:")]
    assert any("empty.txt: empty file" in l for l in errors)
    assert any("binary.bin: binary file" in l for l in errors)
    reports = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert len(reports) == 6
    gb = next(r for r in reports if r["source"].endswith("copy_gb18030.txt"))
    seed = next(r for r in reports if r["source"].endswith("000_cdb2113075a9b1ff.txt"))
    assert gb["encoding"] == "gb18030" and gb["units"] == seed["units"]


def test_tag_cli_stdin_and_missing_path(rules_dir, tmp_path):
    proc = cli("tag", "-", "--model", rules_dir, stdin="区政府2018年公开信息3条。")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["source"] == "<stdin>"
    proc = cli("tag", tmp_path / "nope.txt", "--model", rules_dir)
    assert proc.returncode == 1 and "nope.txt: no such file or directory" in proc.stderr


def test_tag_cli_parallel_matches_serial(tmp_path, root, rules_dir):
    seeds = sorted(str(p) for p in (root / "corpus" / "raw").glob("0*.txt"))
    serial = cli("tag", *seeds, "--model", rules_dir)
    parallel = cli("tag", *seeds, "--model", rules_dir, "--n-process", "2")
    assert serial.returncode == parallel.returncode == 0
    assert serial.stdout == parallel.stdout


def test_stats_cli_on_seed_003(root, rules_dir):
    proc = cli("stats", root / "corpus" / "raw" / SEED_003, "--model", rules_dir)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    values = {r["indicator"].split(" / ")[-1]: r["value"] for r in rows}
    assert values["(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)"] == "1264"
    for indicator, value in [("2.政府网站公开政府信息数", "240"), ("3.政务微博公开政府信息数", "65"),
                             ("4.政务微信公开政府信息数", "202"), ("5.其他方式公开政府信息数", "757")]:
        assert values[indicator] == value
    assert set(rows[0]) >= {"report", "section", "indicator", "value", "unit", "start", "end"}


def test_huge_file_streams_in_bounded_memory(tmp_path, rules_dir):
    """A ~40 MB report is tagged through the streaming path without loading it whole."""
    line = "本年度区政府通过政府门户网站公开信息493条,依申请公开3件。\n".encode("utf-8")
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        for _ in range((40 * 2**20) // len(line)):
            handle.write(line)
    script = (
        "import resource, sys\n"
        "from transparency_ner.reader import stream_report\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "result, units = stream_report(sys.argv[1])\n"
        "n = sum(1 for _ in units)\n"
        "print(n, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True)
    n, before_mb, peak_mb = map(int, proc.stdout.split())
    assert n > 400_000  # one unit per line
    # the file is 40 MB and its text ~90 MB in Python strings: streaming must add far less
    assert peak_mb - before_mb < 40, f"peak RSS grew from {before_mb} to {peak_mb} MB"


def test_show_page_renders_in_headless_chromium(tmp_path, root, rules_dir):
    out = tmp_path / "show.html"
    proc = cli("show", root / "corpus" / "raw" / SEED_003, "--model", rules_dir, "--out", out)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert "1264" in page and "<mark" in page and "http" not in page.split("<body>")[0]
    from transparency_ner.show import find_chromium, headless_chromium

    if find_chromium() is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    shot = tmp_path / "shot.png"
    headless_chromium(out, tmp_path / "profile", f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 10_000
    from PIL import Image

    img = Image.open(shot).convert("L")
    colours = len(set(img.getdata()))
    assert colours > 20, "screenshot is blank"
    dom = headless_chromium(out, tmp_path / "profile", "--dump-dom")
    assert dom.stdout.count("<mark") == page.count("<mark") > 50
    assert "PROACTIVE" in dom.stdout


def test_report_agency_and_year_come_from_the_title():
    """A bare division name in the title is the report's agency even when no entity covers
    it, and the year is the title's, not the 发布日期 of the following year."""
    from transparency_ner.report import _title_agency

    text = ("首页 -> 政务公开 -> 各区县市政府信息公开工作年度报告\n"
            "和平区2017年度政府信息公开工作报告\n"
            "发布日期：2018-03-20 来源：和平区人民政府办公室\n"
            "根据国务院办公厅要求编制本年度报告。\n")
    report = tag_report(text, rules_pipeline())
    assert (report.agency, report.year) == ("和平区", 2017)
    assert _title_agency("2018年新陶街道政府信息公开年度工作报告") == "新陶街道"
    assert _title_agency("佛山市国土资源局2010年政府资讯公开工作年度报告") == "佛山市国土资源局"
    assert _title_agency("各区县市政府信息公开工作年度报告") is None
    assert _title_agency("根据《条例》要求，编制本年度报告。") is None
