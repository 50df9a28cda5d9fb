"""README tables come from the metrics JSON by code: check the code renders what the
JSON says, and that the 50,000-report estimate is the arithmetic it claims to be."""
import json

import pytest

from transparency_ner.report_table import (
    ESTIMATE_BEGIN, ESTIMATE_END, render_benchmark, render_estimate, render_table, replace_between_markers,
)


def _scores(f):
    return {"ents_f": f, "ents_p": f, "ents_r": f, "cats_macro_f": f / 2,
            "ents_per_type": {"AGENCY": {"f": f}}, "cats_per_type": {"OTHER": {"f": 1.0}}}


def _row(name, n_process, chars_per_s):
    return {"name": name, "device": "cpu", "n_process": n_process, "chars": 1000, "seconds": 1.0,
            "chars_per_s": chars_per_s, "peak_rss_mb": 300.0, "note": ""}


def test_metrics_table_shows_each_source_in_its_column(tmp_path):
    (tmp_path / "test.json").write_text(json.dumps(_scores(0.9)))
    (tmp_path / "baseline.json").write_text(json.dumps({"mean": _scores(0.7), "test": _scores(0.8), "folds": []}))
    table = render_table(tmp_path)
    header, _, ents = table.splitlines()[:3]
    assert header.split(" | ")[1:] == ["rules, same folds", "model, test split", "rules, test split |"]
    assert ents == "| **entities F** | 0.700 | 0.900 | 0.800 |"
    assert "| DATE F | — | — | — |" in table  # absent label: a dash, never a made-up figure


def test_benchmark_table_and_estimate_follow_the_json(tmp_path):
    rows = [_row("pipeline, whole report path", 1, 20_000), _row("pipeline, whole report path", 2, 38_000)]
    (tmp_path / "benchmark.json").write_text(json.dumps(rows))
    assert "| pipeline, whole report path | cpu | 2 | 1,000 | 1.0 | 38,000 | 300 |" in render_benchmark(tmp_path)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("区" * 7000, encoding="utf-8")
    (raw / "b.txt").write_text("区" * 9000, encoding="utf-8")
    text = render_estimate(tmp_path, sorted(raw.glob("*.txt")), n_reports=50_000, price_per_core_hour=0.04)
    # 50,000 x 8,000 chars = 400 M chars; at 20,000 chars/s = 20,000 s = 5.6 core-hours
    assert "400 million characters" in text
    assert "**5.6 core-hours**" in text and "**2.9 hours**" in text and "$0.22" in text
    readme = tmp_path / "README.md"
    readme.write_text(f"a\n{ESTIMATE_BEGIN}\nstale figures\n{ESTIMATE_END}\nb\n", encoding="utf-8")
    replace_between_markers(readme, text, ESTIMATE_BEGIN, ESTIMATE_END)
    assert "stale figures" not in readme.read_text(encoding="utf-8") and readme.read_text(encoding="utf-8").endswith("b\n")
    with pytest.raises(ValueError, match="markers"):
        replace_between_markers(readme, text)


def test_metrics_table_shows_intervals_and_the_paired_difference(tmp_path):
    """Intervals come from ``ci95``; model minus rules is computed from both files' unit counts."""
    from transparency_ner.evaluate import bootstrap_interval, decode_counts, encode_counts, scores_from_counts

    n_labels = 12
    hit = [1, 0, 0] + [0] * (3 * (n_labels - 1))          # one AGENCY found
    miss = [0, 0, 1] + [0] * (3 * (n_labels - 1))         # one AGENCY missed
    import numpy as np

    model = encode_counts(np.asarray([hit] * 8 + [miss] * 2))
    rules = encode_counts(np.asarray([hit] * 5 + [miss] * 5))

    def metrics(units):
        s = scores_from_counts(decode_counts(units))
        return {**s, "report": "r1", "unit_counts": units}

    (tmp_path / "crossval.json").write_text(json.dumps(
        {"folds": [metrics(model)], "mean": {**metrics(model), "ci95": bootstrap_interval([model], n=200)}}))
    (tmp_path / "baseline.json").write_text(json.dumps(
        {"folds": [metrics(rules)], "mean": {**metrics(rules), "ci95": bootstrap_interval([rules], n=200)}, "test": metrics(rules)}))
    table = render_table(tmp_path)
    interval_row = table.splitlines()[3]
    assert interval_row.startswith("| 95% interval | 0.") and "–" in interval_row
    # model F = 2*0.8/(1.8) = 0.889, rules F = 0.667 on the same ten units
    assert "entities F +0.222 (" in table and "Model minus rules" in table
