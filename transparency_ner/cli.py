"""The ``transparency-ner`` command line. Every project.yml command is a thin call here.

Errors the user can fix (bad files, bad gold, missing paths) end in one line on
stderr and exit code 1, never a traceback.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .corpus import GoldError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Tag Chinese government information-disclosure annual reports (政府信息公开工作年度报告).")


class UserError(Exception):
    """A problem to report in one line."""


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@app.command()
def validate(paths: List[Path] = typer.Argument(..., help="Gold .jsonl files or directories")) -> None:
    """Check gold files against the scheme; print every problem as file:line."""
    from .corpus import gold_files, validate as run_validate

    files = [f for p in paths for f in gold_files(p)]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _fail(f"{missing[0]}: no such file or directory")
    if not files:
        _fail(f"{paths[0]}: no .jsonl files")
    n, errors = run_validate(files)
    for err in errors:
        typer.echo(err, err=True)
    if errors:
        _fail(f"{len(errors)} problem(s) in {len(files)} file(s)")
    typer.echo(f"{n} units in {len(files)} file(s): valid")


@app.command("gold-from-markup")
def gold_from_markup(
    markup: Path = typer.Argument(..., help="Markup file: unit<TAB>CATS<TAB>[span](LABEL) text"),
    raw: Path = typer.Argument(..., help="The report the markup annotates"),
    out: Path = typer.Argument(..., help="Gold .jsonl to write"),
    report: Optional[str] = typer.Option(None, help="Report id (default: the raw file's stem)"),
) -> None:
    """Turn a markup file into gold JSONL, checked against the report's own units."""
    from .corpus import check_against_units, markup_to_records, write_jsonl
    from .reader import read_report
    from .units import unit_texts

    rid = report or raw.stem
    units = unit_texts(read_report(raw).text)
    try:
        lines = markup.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        _fail(f"{markup}: cannot read ({err})")
    records = markup_to_records(lines, rid, str(markup))
    check_against_units(records, units, str(markup))
    write_jsonl(out, records)
    typer.echo(f"{out}: {len(records)} units")


@app.command("compare-passes")
def compare_passes_cmd(
    pass_a: Path = typer.Argument(..., help="Directory of pass-A markup files"),
    pass_b: Path = typer.Argument(..., help="Directory of pass-B markup files"),
    out: Optional[Path] = typer.Option(None, help="Write agreement figures and diffs as JSON"),
) -> None:
    """Agreement between two independent annotation passes, and where they differ."""
    from dataclasses import asdict

    from .corpus import compare_passes, markup_to_records

    all_a, all_b = [], []
    for fa in sorted(pass_a.glob("*.tsv")):
        fb = pass_b / fa.name
        if not fb.exists():
            continue
        all_a += markup_to_records(fa.read_text(encoding="utf-8").splitlines(), fa.stem, str(fa))
        all_b += markup_to_records(fb.read_text(encoding="utf-8").splitlines(), fb.stem, str(fb))
    figures, diffs = compare_passes(all_a, all_b)
    typer.echo(json.dumps({k: round(v, 4) for k, v in figures.items()}))
    typer.echo(f"{len(diffs)} units differ")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"figures": figures, "diffs": [asdict(d) for d in diffs]}, ensure_ascii=False, indent=1), encoding="utf-8")


@app.command()
def reconcile(
    pass_a: Path = typer.Argument(..., help="Directory of pass-A markup files"),
    pass_b: Path = typer.Argument(..., help="Directory of pass-B markup files"),
    decisions: Path = typer.Argument(..., help="Directory of <report>.json decisions (unit -> A | B | markup line)"),
    out: Path = typer.Argument(..., help="Directory for the reconciled markup"),
) -> None:
    """Merge two passes: agreed lines as they are, differing lines as decided."""
    from .corpus import reconcile_markup

    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for fa in sorted(pass_a.glob("*.tsv")):
        fb = pass_b / fa.name
        if not fb.exists():
            continue
        dec_path = decisions / f"{fa.stem}.json"
        dec = json.loads(dec_path.read_text(encoding="utf-8")) if dec_path.exists() else {}
        lines = reconcile_markup(fa.read_text(encoding="utf-8").splitlines(), fb.read_text(encoding="utf-8").splitlines(), dec, fa.stem)
        (out / fa.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        n += 1
    typer.echo(f"{n} reports reconciled into {out}")


@app.command()
def convert(
    gold: Path = typer.Argument(..., help="Gold directory"),
    splits: Path = typer.Argument(..., help="splits.json: report ids per split"),
    out: Path = typer.Argument(..., help="Output directory for .spacy files"),
    meta: Path = typer.Option(Path("corpus/annotations/meta"), help="Report metadata: which reports are real"),
) -> None:
    """Gold JSONL -> train/dev/test .spacy, split by report, plus one file per report."""
    from .corpus import convert as run_convert

    summary = run_convert(gold, splits, out, meta_dir=meta)
    for name, s in summary.items():
        typer.echo(f"{name}: {s['reports']} reports ({s['real']} real), {s['units']} units")


@app.command()
def tune(
    model: Path = typer.Argument(..., help="Trained pipeline (model-best)"),
    dev: Path = typer.Argument(..., help="Dev .spacy"),
    out: Path = typer.Argument(..., help="Where to save the tuned pipeline"),
    metrics: Optional[Path] = typer.Option(None, help="Write the chosen threshold as JSON"),
) -> None:
    """Tune the category threshold on dev (never test) and save the pipeline with it."""
    from .training import tune_threshold

    result = tune_threshold(model, dev, out)
    typer.echo(json.dumps(result))
    if metrics:
        metrics.parent.mkdir(parents=True, exist_ok=True)
        metrics.write_text(json.dumps(result, indent=2), encoding="utf-8")


def _write_metrics(path: Path, scores: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8")


@app.command()
def evaluate(
    model: Path = typer.Argument(..., help="Pipeline directory or package name"),
    data: Path = typer.Argument(..., help="Gold .spacy file"),
    out: Path = typer.Option(..., "--out", help="Metrics JSON to write"),
    traditional: bool = typer.Option(False, help="Score the data converted to Traditional with OpenCC"),
) -> None:
    """Entities P/R/F overall and per label, categories P/R/F per label and macro F."""
    import spacy

    from .evaluate import evaluate_docs, with_interval
    from .training import load_docs

    if not data.exists():
        _fail(f"{data}: no such file")
    nlp = spacy.load(model)
    gold = load_docs(nlp, [data])
    if traditional:
        from .corpus import to_traditional_docs

        gold = to_traditional_docs(nlp, gold)
    scores = with_interval(evaluate_docs(nlp, gold, keep_units=True))
    scores["data"] = str(data)
    _write_metrics(out, scores)
    typer.echo(f"ents_f {scores['ents_f']:.3f}  cats_macro_f {scores['cats_macro_f']:.3f}  -> {out}")


@app.command()
def baseline(
    data_dir: Path = typer.Argument(..., help="Directory with test.spacy and reports/*.spacy"),
    out: Path = typer.Option(..., "--out", help="Metrics JSON to write"),
    folds: List[str] = typer.Option(..., "--fold", help="Report ids scored one by one (as in crossval)"),
) -> None:
    """Score the rules-only pipeline on the test split and on every cross-validation fold."""
    from .baseline import rules_pipeline
    from .evaluate import evaluate_docs, mean_scores, with_interval
    from .training import load_docs

    nlp = rules_pipeline()
    result = {"test": with_interval(evaluate_docs(nlp, load_docs(nlp, [data_dir / "test.spacy"]), keep_units=True))}
    per_fold = []
    for rep in folds:
        s = evaluate_docs(nlp, load_docs(nlp, [data_dir / "reports" / f"{rep}.spacy"]), keep_units=True)
        s["report"] = rep
        per_fold.append(s)
    result["folds"] = per_fold
    result["mean"] = mean_scores(per_fold)
    with_interval(result)
    _write_metrics(out, result)
    typer.echo(f"test ents_f {result['test']['ents_f']:.3f}; fold mean ents_f {result['mean']['ents_f']:.3f}  -> {out}")


@app.command()
def crossval(
    config: Path = typer.Argument(..., help="Training config"),
    data_dir: Path = typer.Argument(..., help="Directory with reports/*.spacy"),
    out: Path = typer.Option(..., "--out", help="Metrics JSON to write"),
    folds: List[str] = typer.Option(..., "--fold", help="Report ids to hold out one at a time"),
    max_steps: Optional[int] = typer.Option(None, help="Override training.max_steps"),
    extra_split: List[str] = typer.Option([], help="Also train every fold on the other reports of these splits"),
    splits: Path = typer.Option(Path("corpus/splits.json"), help="Used with --extra-split"),
    jobs: int = typer.Option(1, help="Folds trained side by side, one process each (spaCy trains on one core)"),
    also_train: Optional[Path] = typer.Option(
        None, help="Also train the pipeline itself into this directory, on DATA_DIR/train.spacy with "
        "DATA_DIR/dev.spacy, as `spacy train` would, in the same pool of processes"),
    keep: Optional[Path] = typer.Option(
        None, "--keep", help="Keep each fold's pipeline in KEEP/<report> (to read its errors on the held-out report)"),
) -> None:
    """Leave-one-report-out cross-validation over the given reports."""
    from .training import crossval as run_crossval

    extra: List[Path] = []
    if extra_split:
        split_map = {k: v for k, v in json.loads(splits.read_text(encoding="utf-8")).items() if not k.startswith("_")}
        extra = [data_dir / "reports" / f"{rep}.spacy" for name in extra_split for rep in split_map.get(name, []) if rep not in folds]
    overrides = {"training.max_steps": max_steps} if max_steps else {}
    main = (also_train, data_dir / "train.spacy", data_dir / "dev.spacy") if also_train else None
    summary = run_crossval(config, data_dir / "reports", folds, out, extra_train=extra, overrides=overrides,
                           jobs=jobs, also_train=main, keep=keep)
    m = summary["mean"]
    typer.echo(f"mean ents_f {m['ents_f']:.3f}  cats_macro_f {m['cats_macro_f']:.3f}  -> {out}")


@app.command()
def units(path: Path = typer.Argument(..., help="A report file (any encoding, text or HTML)")) -> None:
    """Print a report's units, one per line, numbered as the gold numbers them."""
    from .reader import read_report
    from .units import split_units

    result = read_report(path)
    typer.echo(f"# {path}: encoding {result.encoding}, html {result.html}", err=True)
    for unit in split_units(result.text):
        typer.echo(f"{unit.index}\t{unit.text}")


@app.command("metrics-table")
def metrics_table(
    metrics_dir: Path = typer.Argument(Path("metrics"), help="Directory of metrics JSON"),
    readme: Optional[Path] = typer.Option(None, help="Replace the table between the markers in this file"),
    estimate_reports: str = typer.Option("corpus/raw/0*.txt", help="Glob of the reports whose mean size the 50,000-report estimate uses"),
) -> None:
    """Render the metrics JSON as the README's table (never written by hand)."""
    from .report_table import (
        BENCH_BEGIN, BENCH_END, ESTIMATE_BEGIN, ESTIMATE_END, render_benchmark, render_estimate, render_table,
        replace_between_markers,
    )

    table = render_table(metrics_dir)
    if readme:
        replace_between_markers(readme, table)
        text = readme.read_text(encoding="utf-8")
        if BENCH_BEGIN in text:
            replace_between_markers(readme, render_benchmark(metrics_dir), BENCH_BEGIN, BENCH_END)
        if ESTIMATE_BEGIN in text:
            replace_between_markers(readme, render_estimate(metrics_dir, sorted(Path().glob(estimate_reports))), ESTIMATE_BEGIN, ESTIMATE_END)
        typer.echo(f"{readme}: metrics table updated")
    else:
        typer.echo(table)


def _run_batch(paths: List[str], model: Optional[str], n_process: int, label: str):
    """Tag every input; bad ones become one stderr line each and exit code 1 at the end.
    More than one file gets a progress bar on stderr."""
    from .batch import expand_inputs, tag_many

    sources, errors = expand_inputs(paths)
    bar = None
    if len(sources) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(sources), desc=label, unit="report", file=sys.stderr)
    say = (lambda msg: bar.write(msg, file=sys.stderr)) if bar else (lambda msg: typer.echo(msg, err=True))
    for err in errors:
        say(f"error: {err}")
    failed = len(errors)
    try:
        for name, report, err in tag_many(sources, model, n_process):
            if bar:
                bar.update(1)
            if err:
                failed += 1
                say(f"error: {err}")
                continue
            yield report
    finally:
        if bar:
            bar.close()
    if failed:
        typer.echo(f"error: {failed} input(s) could not be tagged", err=True)
        raise typer.Exit(1)


_PATHS = typer.Argument(..., help="Files, directories, globs, or - for stdin")
_MODEL = typer.Option(None, "--model", "-m", help="Pipeline directory or package (default: installed zh_transparency)")


@app.command()
def tag(
    paths: List[str] = _PATHS,
    model: Optional[str] = _MODEL,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="JSON Lines file (default: stdout); a directory with --engine ray"),
    n_process: int = typer.Option(1, "--n-process", "-n", help="Worker processes"),
    engine: str = typer.Option("local", help="local, or ray: shards on a Ray cluster, resumable"),
    shard_size: int = typer.Option(50, help="Files per shard (--engine ray)"),
    ray_address: Optional[str] = typer.Option(None, help="Ray cluster address (default: a local cluster)"),
) -> None:
    """Tag whole reports -> JSON Lines, one report a line."""
    if engine == "ray":
        _tag_ray(paths, model, out, n_process, shard_size, ray_address)
        return
    if engine != "local":
        _fail(f"unknown engine {engine!r} (local or ray)")
    handle = open(out, "w", encoding="utf-8") if out else sys.stdout
    try:
        for report in _run_batch(paths, model, n_process, "tag"):
            handle.write(json.dumps(report, ensure_ascii=False) + "\n")
            handle.flush()
    finally:
        if out:
            handle.close()


def _tag_ray(paths: List[str], model: Optional[str], out: Optional[Path], n_process: int, shard_size: int, address: Optional[str]) -> None:
    from .batch import expand_inputs
    from .scale import run_ray

    if out is None:
        _fail("--engine ray needs --out DIR (one file per shard)")
    sources, errors = expand_inputs(paths)
    for err in errors:
        typer.echo(f"error: {err}", err=True)
    if "-" in sources:
        _fail("--engine ray reads files, not stdin")
    summary = run_ray(sources, model, out, shard_size, n_process if n_process > 1 else None, address)
    typer.echo(f"{summary['shards']} shards ({summary['skipped']} already done), {summary['ok']} reports tagged, {summary['failed']} failed -> {out}", err=True)
    failed = summary["failed"] + len(errors)
    if failed:
        _fail(f"{failed} input(s) could not be tagged (see {out}/shard-*.errors)")


STATS_FIELDS = ["report", "agency", "year", "table", "section", "indicator", "column", "value", "unit", "start", "end"]


@app.command()
def stats(
    paths: List[str] = _PATHS,
    model: Optional[str] = _MODEL,
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="CSV file (default: stdout)"),
    n_process: int = typer.Option(1, "--n-process", "-n"),
) -> None:
    """Every figure of the reports' statistics tables -> CSV, one row per figure."""
    import csv

    handle = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=STATS_FIELDS)
        writer.writeheader()
        for report in _run_batch(paths, model, n_process, "stats"):
            for f in report["figures"]:
                writer.writerow({
                    "report": report["source"], "agency": report["agency"], "year": report["year"],
                    "table": f["table"], "section": f["section"], "indicator": f["row"], "column": f["column"],
                    "value": f["value"], "unit": f["unit"] or "", "start": f["start"], "end": f["end"],
                })
            for c in report["checks"]:
                if not c["ok"]:
                    typer.echo(f"warning: {report['source']}: check failed: {c['name']}: {c['detail']}", err=True)
    finally:
        if out:
            handle.close()


@app.command()
def show(
    path: Path = typer.Argument(..., help="A report file"),
    model: Optional[str] = _MODEL,
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="HTML file to write"),
) -> None:
    """A self-contained HTML page: entities and categories per unit, and the report's figures."""
    from .report import load_pipeline, tag_report
    from .show import render_report

    report = tag_report(path, load_pipeline(model))
    out.write_text(render_report(report), encoding="utf-8")
    typer.echo(f"{out}: {len(report.units)} units, {len(report.entities)} entities, {len(report.figures)} figures")


@app.command()
def consistency(
    gold: Path = typer.Option(Path("corpus/gold")),
    splits: Path = typer.Option(Path("corpus/splits.json")),
    allow: Path = typer.Option(Path("corpus/consistency-allow.json"), help="Decided exceptions, string -> reason"),
    out: Optional[Path] = typer.Option(None, help="Write the full findings as JSON"),
) -> None:
    """Inconsistent tagging, text shared between splits, and category balance."""
    from dataclasses import asdict

    from .consistency import category_balance, check, load_allowlist, shared_text
    from .corpus import group_by_report, load_gold, load_splits

    records = load_gold(gold)
    split_map = load_splits(splits, group_by_report(records))
    errors, warnings = check(records, load_allowlist(allow))
    shared = shared_text(records, split_map)
    balance = category_balance(records, split_map)
    for inc in warnings[:30]:
        typer.echo(f"review: {inc.string!r} tagged {inc.labels}, untagged {inc.untagged}x, e.g. {inc.examples[0]}")
    for name, s in shared.items():
        typer.echo(f"{name}: {s['identical_in_train']} identical + {s['near_identical_in_train']} near-identical units of {s['units']} also in train ({s['shared_char_fraction']:.1%} of its text)")
    typer.echo("units per category: " + json.dumps(balance, ensure_ascii=False))
    if out:
        _write_metrics(out, {"errors": [asdict(e) for e in errors], "warnings": [asdict(w) for w in warnings], "shared_text": shared, "category_balance": balance})
    for inc in errors:
        typer.echo(f"{inc.string!r} has different labels {inc.labels}, e.g. {inc.examples[:1]}", err=True)
    if errors:
        _fail(f"{len(errors)} string(s) with conflicting labels (decide them, or allow them in {allow} with a reason)")
    typer.echo(f"consistent: no conflicting labels; {len(warnings)} strings to review")


doccano_app = typer.Typer(help="A local doccano server for the annotation loop", no_args_is_help=True)
app.add_typer(doccano_app, name="doccano")
_VENV = typer.Option(Path(".doccano/venv"), help="Virtualenv holding doccano")
_DATA = typer.Option(Path(".doccano/data"), help="doccano's data directory")


@doccano_app.command("start")
def doccano_start(venv: Path = _VENV, data: Path = _DATA, port: int = typer.Option(8765, help="Loopback port")) -> None:
    """Install doccano if needed, initialise it, create the admin user from
    DOCCANO_USERNAME / DOCCANO_PASSWORD, start the web server and worker, wait for health."""
    from .doccano_server import credentials, install, start

    user, password = credentials()
    install(venv)
    url = start(venv, data, port, user, password)
    typer.echo(f"doccano is up at {url} (stop it with: transparency-ner doccano stop)")


@doccano_app.command("stop")
def doccano_stop(data: Path = _DATA) -> None:
    """Stop the server and worker started with ``doccano start``."""
    from .doccano_server import stop

    typer.echo("doccano stopped" if stop(data) else "doccano was not running")


_URL = typer.Option("http://127.0.0.1:8765", "--url", help="doccano server")
_PROJECT = typer.Option("transparency_ner", "--project", help="doccano project name")


@app.command("annotate-push")
def annotate_push(
    raw: List[Path] = typer.Argument(..., help="Raw report files to draw units from"),
    model: str = typer.Option("training/model-final", "--model", "-m"),
    url: str = _URL,
    project: str = _PROJECT,
    gold: Path = typer.Option(Path("corpus/gold")),
    limit: Optional[int] = typer.Option(None, help="Push at most this many units"),
) -> None:
    """Pre-label new units with the model and upload them, least confident first.

    Units already in gold or on the server (same text) are left out, so pushing twice
    creates no duplicates."""
    from .annotate import Doccano, candidates, gold_hashes, push, server_hashes
    from .doccano_server import credentials
    from .report import load_pipeline

    user, password = credentials()
    dc = Doccano(url, user, password)
    pid = dc.ensure_project(project)
    known = gold_hashes(gold) | server_hashes(dc, pid)
    items = candidates(raw, load_pipeline(model), known)
    n = push(dc, pid, items, limit)
    typer.echo(f"pushed {n} units to project {project!r} ({len(items) - n} more waiting); least confident first")


@app.command("annotate-pull")
def annotate_pull(
    url: str = _URL,
    project: str = _PROJECT,
    gold: Path = typer.Option(Path("corpus/gold")),
    include_all: bool = typer.Option(False, "--all", help="Pull every example, not only those marked done"),
    overwrite: bool = typer.Option(False, help="Replace gold units that differ"),
    from_file: Optional[Path] = typer.Option(None, help="Merge a doccano JSONL export instead of asking the server"),
) -> None:
    """Pull corrected units, validate them, merge them into gold (atomically)."""
    from .annotate import Doccano, fetch, merge
    from .doccano_server import credentials

    if from_file:
        rows = []
        for lineno, line in enumerate(from_file.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as err:
                    _fail(f"{from_file}:{lineno}: bad JSON ({err.msg})")
    else:
        user, password = credentials()
        dc = Doccano(url, user, password)
        rows = fetch(dc, dc.project_id(project), include_all)
    result = merge(gold, rows, overwrite)
    for why in result.skipped_why[:20]:
        typer.echo(f"skipped: {why}", err=True)
    for why in result.rejected:
        typer.echo(f"rejected: {why}", err=True)
    if result.rejected:
        _fail(f"{len(result.rejected)} problem(s); nothing was written to {gold}")
    typer.echo(result.summary())


@app.command()
def datacard(
    readme: Path = typer.Option(Path("corpus/README.md"), help="Data card to update between its markers"),
    gold: Path = typer.Option(Path("corpus/gold")),
    splits: Path = typer.Option(Path("corpus/splits.json")),
    meta: Path = typer.Option(Path("corpus/annotations/meta")),
) -> None:
    """Recompute the data card's tables (units, spans per label, units per category)."""
    from .datacard import write

    write(readme, gold, splits, meta)
    typer.echo(f"{readme}: data card updated")


def main() -> None:
    """Entry point: known errors become one line and exit code 1."""
    from .annotate import AnnotateError
    from .reader import ReaderError

    try:
        app()
    except (ReaderError, GoldError, UserError, AnnotateError, ValueError) as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(1)
    except OSError as err:
        typer.echo(f"error: {getattr(err, 'filename', '') or ''} {err.strerror or err}".strip(), err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
