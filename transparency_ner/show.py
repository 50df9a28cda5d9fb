"""A Report as one self-contained HTML page: displaCy entities and the categories of
each unit, and the figures of its tables. No script, no external assets."""
from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path
from typing import Optional

from spacy import displacy

from .report import Report

COLORS = {"AGENCY": "#7aecec", "DATE": "#bfe1d9", "COUNT": "#e4e7d2", "CHANNEL": "#feca74"}
_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:70em;color:#222}
h1{font-size:1.4em} .meta{color:#555} .unit{border-bottom:1px solid #eee;padding:.3em 0}
.cat{display:inline-block;font-size:.75em;padding:.1em .5em;margin-right:.3em;border-radius:.8em;background:#dde;color:#224}
.cat.OTHER{background:#eee;color:#777} table{border-collapse:collapse;font-size:.85em} td,th{border:1px solid #ccc;padding:.2em .5em}
.flag{color:#b00} .ok{color:#070}
"""


def render_report(report: Report) -> str:
    parts = [
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>{html.escape(report.agency or report.source)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(report.agency or '?')} · {report.year or '?'}</h1>",
        f"<p class='meta'>source {html.escape(report.source)} · encoding {report.encoding} · "
        f"{len(report.units)} units · {len(report.entities)} entities · {len(report.figures)} figures</p>",
    ]
    if report.checks:
        parts.append("<ul>")
        for c in report.checks:
            cls = "ok" if c.ok else "flag"
            parts.append(f"<li class='{cls}'>{'✔' if c.ok else '✘'} {html.escape(c.name)}: {html.escape(c.detail)}</li>")
        parts.append("</ul>")
    parts.append("<h2>Units</h2>")
    for u in report.units:
        doc = {
            "text": u.text,
            "ents": [{"start": e.start - u.start, "end": e.end - u.start, "label": e.label} for e in u.entities],
            "title": None,
        }
        markup = displacy.render(doc, style="ent", manual=True, page=False, options={"colors": COLORS})
        cats = "".join(f"<span class='cat {c}'>{c}</span>" for c in u.categories)
        parts.append(f"<div class='unit' data-unit='{u.index}'>{cats}{markup}</div>")
    if report.figures:
        parts.append("<h2>Figures</h2><table><tr><th>table</th><th>row</th><th>column</th><th>value</th><th>unit</th></tr>")
        for f in report.figures:
            parts.append(
                f"<tr><td>{f.table}</td><td>{html.escape(f.row)}</td><td>{html.escape(f.column)}</td>"
                f"<td>{f.value:g}</td><td>{html.escape(f.unit or '')}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def find_chromium() -> Optional[str]:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def headless_chromium(page: Path, profile: Path, *args: str, size: str = "1200,1600") -> subprocess.CompletedProcess:
    """Open ``page`` in headless Chromium (offline, a throwaway profile) with ``args``
    such as ``--screenshot=PATH`` or ``--dump-dom``: the README screenshot and the
    rendering test see the page the same way."""
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError("chromium is not installed")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", f"--window-size={size}", "--hide-scrollbars"]
    return subprocess.run([chromium, *flags, *args, Path(page).resolve().as_uri()], capture_output=True, text=True, timeout=120)
