#!/usr/bin/env python
"""Benchmark the pipeline on the corpus reports (repeated to >= 2 MB of text).

    python scripts/benchmark.py --json metrics/benchmark.json

Prints a table (chars/s and peak RSS per way through the text) and the RSS curve of
one long tagging run; writes the rows as JSON. The logic is transparency_ner.benchmark.
"""
import json
from pathlib import Path
from typing import Optional

import typer

from transparency_ner.benchmark import format_table, run


def main(
    model: str = typer.Option("training/model-final", help="This project's pipeline"),
    default_model: Optional[str] = typer.Option("training-default/model-final", help="spaCy's default recipe, trained on the same data (skipped if absent)"),
    trf_model: Optional[str] = typer.Option(None, help="A trained transformer pipeline"),
    raw: Path = typer.Option(Path("corpus/raw"), help="Reports to read"),
    n_process: int = typer.Option(2, help="Processes for the parallel row"),
    min_chars: int = typer.Option(2_000_000, help="Text to push through each row"),
    memory_reports: int = typer.Option(10_000, help="Reports tagged for the RSS curve (0 to skip)"),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the rows as JSON"),
) -> None:
    if default_model and not Path(default_model).exists():
        typer.echo(f"note: {default_model} not found, the default-recipe row is skipped", err=True)
        default_model = None
    result = run(model, raw, default_model, trf_model, n_process, min_chars, memory_reports)
    typer.echo(format_table(result))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result["rows"], ensure_ascii=False, indent=2), encoding="utf-8")
        curve_out = json_out.with_suffix(".memory.json")
        curve_out.write_text(json.dumps(result["memory_curve"], indent=2), encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
