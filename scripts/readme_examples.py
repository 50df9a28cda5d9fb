#!/usr/bin/env python
"""Run `tag`, `stats` and `show` on the seed reports with the trained pipeline and put their
real output (trimmed) into README.md, plus a headless-Chromium screenshot of `show` in
docs/show.png. Run after `spacy project run all`: `python scripts/readme_examples.py`."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from transparency_ner.batch import write_mixed_inputs
from transparency_ner.report_table import replace_between_markers
from transparency_ner.show import find_chromium, headless_chromium

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "training" / "model-final"
CLI = [sys.executable, "-m", "transparency_ner"]


def run(args, cwd=ROOT):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, cwd=cwd)


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    write_mixed_inputs(ROOT / "corpus" / "raw", tmp / "in")

    tag = run(["tag", "in", "--model", MODEL, "--out", "tagged.jsonl"], cwd=tmp)  # relative paths, as a user types them
    reports = [json.loads(l) for l in (tmp / "tagged.jsonl").read_text(encoding="utf-8").splitlines()]
    stderr = [l for l in tag.stderr.splitlines() if l.startswith("error:")]
    summary = [f"{Path(r['source']).name}: {r['encoding']}, agency {r['agency']}, year {r['year']}, "
               f"{len(r['units'])} units, {sum(len(u['entities']) for u in r['units'])} entities, "
               f"{len(r['figures'])} figures" for r in reports]
    seed1 = next(r for r in reports if "001_" in r["source"])
    big = [e for u in seed1["units"] for e in u["entities"] if e["text"] == "2萬六千余條"]
    stats = run(["stats", "corpus/raw/003_d56b836ff3b8aa47.txt", "--model", MODEL])
    stats_lines = [l for l in stats.stdout.splitlines() if any(k in l for k in ("indicator", ",1264,", ",240,", ",65,", ",202,", ",757,"))]
    show = run(["show", "corpus/raw/003_d56b836ff3b8aa47.txt", "--model", MODEL, "--out", tmp / "show.html"])

    block = ["```console", f"$ transparency-ner tag in/ --out tagged.jsonl     # 5 seeds, a GB18030 copy, an empty and a binary file",
             *stderr, f"(exit code {tag.returncode})", "$ # one JSON line per good report:", *summary,
             "$ # seed 001's 2萬六千余條:", json.dumps(big[0] if big else None, ensure_ascii=False), "",
             "$ transparency-ner stats corpus/raw/003_d56b836ff3b8aa47.txt   # (rows trimmed)", *stats_lines, "",
             "$ transparency-ner show corpus/raw/003_d56b836ff3b8aa47.txt --out show.html", show.stdout.strip(), "```",
             "", "![the show page of seed 003](docs/show.png)"]
    replace_between_markers(ROOT / "README.md", "\n".join(block), "<!-- cli-examples:begin -->", "<!-- cli-examples:end -->")

    chromium = find_chromium()
    if chromium:
        (ROOT / "docs").mkdir(exist_ok=True)
        headless_chromium(tmp / "show.html", tmp / "profile", f"--screenshot={ROOT / 'docs' / 'show.png'}", size="1100,1400")
    print("README.md examples updated" + (", docs/show.png written" if chromium else ""))

if __name__ == "__main__":
    main()
