"""Training helpers around ``spacy train``: threshold tuning and leave-one-report-out.

Training itself is spaCy's (config-driven, seeds fixed); this module only adds what
spaCy lacks for this project: the category threshold tuned on dev and written into
the pipeline, and cross-validation that holds out whole reports.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from spacy.tokens import DocBin

from .corpus import read_docbin
from .evaluate import evaluate_docs, mean_scores, predict_examples, score_examples, with_interval


def train_pipeline(config: Path, output: Path, train: Path, dev: Path, overrides: Optional[Dict] = None) -> Path:
    """Train with spaCy's own loop; returns the model-best directory."""
    from spacy.cli.train import train as spacy_train

    opts = {"paths.train": str(train), "paths.dev": str(dev)}
    opts.update(overrides or {})
    spacy_train(Path(config), Path(output), overrides=opts)
    return Path(output) / "model-best"


def tune_threshold(model: Path, dev: Path, output: Path, n_trials: int = 19) -> Dict[str, float]:
    """Pick the category threshold that maximises dev macro F, scored as shipped
    (``predicted_categories``, sections given), and save the pipeline with it to ``output``."""
    import numpy
    import spacy

    nlp = spacy.load(model)
    examples = predict_examples(nlp, load_docs(nlp, [Path(dev)]))
    grid = [round(float(t), 4) for t in numpy.linspace(0.05, 0.95, n_trials)]
    scores = {t: score_examples(examples, t)["cats_macro_f"] for t in grid}
    best = max(scores, key=lambda t: (scores[t], -abs(t - 0.5)))
    nlp.get_pipe("textcat_multilabel").cfg["threshold"] = best
    if Path(output).exists():
        shutil.rmtree(output)
    nlp.to_disk(output)
    return {"threshold": best, "dev_cats_macro_f": scores[best]}


def load_docs(nlp, paths: Sequence[Path]):
    return [doc for path in paths for doc in read_docbin(Path(path), nlp.vocab)]


def _run_fold(held: str, config: Path, reports_dir: Path, folds: Sequence[str], extra_train: Sequence[Path],
              overrides: Dict, tmp: Path, keep: Optional[Path] = None) -> Dict:
    """Train without ``held`` and score the last checkpoint on it (one fold, one process).
    With ``keep``, the fold's pipeline stays in ``keep/held`` for reading its errors."""
    import spacy

    from .tokenizer import blank_pipeline

    train_paths = [reports_dir / f"{r}.spacy" for r in folds if r != held] + list(extra_train)
    train_file = tmp / f"train-{held}.spacy"
    DocBin(store_user_data=True, docs=load_docs(blank_pipeline(), train_paths)).to_disk(train_file)
    # the last checkpoint is scored, so the dev pass selects nothing: a slice of the
    # training data keeps spaCy's loop content and costs no time
    fold_overrides = {"training.eval_frequency": 1000, "corpora.dev.limit": 64, **overrides}
    model_root = Path(keep) if keep else tmp
    train_pipeline(config, model_root / held, train_file, train_file, fold_overrides)
    nlp = spacy.load(model_root / held / "model-last")
    scores = evaluate_docs(nlp, load_docs(nlp, [reports_dir / f"{held}.spacy"]), keep_units=True)
    scores["report"] = held
    return scores


def _run_job(job: Tuple) -> Optional[Dict]:
    kind, args = job
    if kind == "fold":
        return _run_fold(*args)
    train_pipeline(*args)
    return None


def crossval(
    config: Path,
    reports_dir: Path,
    folds: Sequence[str],
    output: Path,
    extra_train: Sequence[Path] = (),
    overrides: Optional[Dict] = None,
    jobs: int = 1,
    also_train: Optional[Tuple[Path, Path, Path]] = None,
    keep: Optional[Path] = None,
) -> Dict:
    """Leave one report out: for each report in ``folds``, train on the other fold
    reports (plus ``extra_train``) and score on the held-out one.

    The held-out report is never seen, not even for model selection: the last
    checkpoint is scored (64 training units stand in for a dev set, since it selects
    nothing), and the category threshold stays at 0.5. ``jobs`` folds train side by
    side in their own processes (spaCy trains on one core); the seeds are fixed, so the
    result does not depend on ``jobs``.

    ``also_train`` = (output, train, dev) trains the pipeline itself in the same pool,
    as ``spacy train`` would (with ``overrides``, not the folds' settings): five folds on two cores leave one core idle in
    the last round, and the main training fills it. ``keep`` keeps each fold's
    pipeline in ``keep/<report>`` (otherwise they go with a temporary directory).
    """
    from concurrent.futures import ProcessPoolExecutor

    reports_dir = Path(reports_dir)
    with tempfile.TemporaryDirectory() as tmp:
        queue: List[Tuple] = []
        if also_train:
            # first, so that the longest job (the most data, a dev pass) never runs alone
            out, train, dev = also_train
            queue.append(("train", (Path(config), Path(out), Path(train), Path(dev), dict(overrides or {}))))
        queue += [("fold", (held, Path(config), reports_dir, list(folds), list(extra_train),
                            dict(overrides or {}), Path(tmp), keep)) for held in folds]
        if jobs > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                done = list(pool.map(_run_job, queue))
        else:
            done = [_run_job(job) for job in queue]
    results: List[Dict] = [r for r in done if r is not None]
    summary = with_interval({"folds": results, "mean": mean_scores(results)})
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary
