"""The corpus data card (corpus/README.md tables), computed from gold, splits and metadata.

Counts in the card are never typed by hand: this module recomputes them from the
files the model is trained and evaluated on.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List

from .corpus import group_by_report, load_gold, load_splits, report_meta, report_origin
from .scheme import CATEGORIES, ENT_LABELS

BEGIN = "<!-- datacard:begin -->"
END = "<!-- datacard:end -->"
_CAT_SHORT = {"PROACTIVE": "PRO", "REQUEST": "REQ", "APPEAL": "APP", "INTERPRETATION": "INT",
              "PLATFORM": "PLA", "ORGANIZATION": "ORG", "ISSUES": "ISS", "OTHER": "OTH"}


def report_counts(records: List[Dict]) -> Dict[str, Counter]:
    ents = Counter(e[2] for r in records for e in r["entities"])
    cats = Counter(c for r in records for c in r["cats"])
    return {"units": len(records), "ents": ents, "cats": cats}


def render(gold: Path, splits_path: Path, meta_dir: Path) -> str:
    by_report = group_by_report(load_gold(gold))
    splits = load_splits(splits_path, by_report)
    head = ["report", "origin", "author", "level", "year", "format", "script", "units"]
    head += list(ENT_LABELS) + [_CAT_SHORT[c] for c in CATEGORIES]
    out: List[str] = []
    totals_rows: List[str] = []
    grand = {"reports": 0, "units": 0, "ents": Counter(), "cats": Counter()}
    for split, reports in splits.items():
        out.append(f"\n#### {split} ({len(reports)} reports)\n")
        out.append("| " + " | ".join(head) + " |")
        out.append("|---" * len(head) + "|")
        tot = {"units": 0, "ents": Counter(), "cats": Counter()}
        for rep in reports:
            meta = report_meta(meta_dir, rep)
            c = report_counts(by_report[rep])
            tot["units"] += c["units"]
            tot["ents"].update(c["ents"])
            tot["cats"].update(c["cats"])
            origin = "seed" if report_origin(meta) == "real" else "written here"
            row = [rep, origin, meta.get("author", "?"), meta.get("level", "?"), str(meta.get("year", "?")),
                   meta.get("format", "?"), meta.get("script", "?") + (" + pinyin" if meta.get("glosses") else ""),
                   str(c["units"])]
            row += [str(c["ents"][l]) for l in ENT_LABELS] + [str(c["cats"][k]) for k in CATEGORIES]
            out.append("| " + " | ".join(row) + " |")
        totals_rows.append("| " + " | ".join([split, str(len(reports)), str(tot["units"])] + [str(tot["ents"][l]) for l in ENT_LABELS] + [str(tot["cats"][k]) for k in CATEGORIES]) + " |")
        grand["reports"] += len(reports)
        grand["units"] += tot["units"]
        grand["ents"].update(tot["ents"])
        grand["cats"].update(tot["cats"])
    totals_rows.append("| **all** | " + " | ".join([str(grand["reports"]), str(grand["units"])] + [str(grand["ents"][l]) for l in ENT_LABELS] + [str(grand["cats"][k]) for k in CATEGORIES]) + " |")
    summary = ["| split | reports | units | " + " | ".join(ENT_LABELS) + " | " + " | ".join(_CAT_SHORT[c] for c in CATEGORIES) + " |",
               "|---" * (3 + len(ENT_LABELS) + len(CATEGORIES)) + "|"] + totals_rows
    legend = "Category columns: " + ", ".join(f"{v} = {k}" for k, v in _CAT_SHORT.items()) + ". Entity columns count spans; category columns count units."
    return "\n".join(["### Totals per split\n", *summary, "", legend, "", "### Every report", *out])


def write(readme: Path, gold: Path, splits_path: Path, meta_dir: Path) -> None:
    from .report_table import replace_between_markers

    replace_between_markers(readme, render(gold, splits_path, meta_dir), BEGIN, END)
