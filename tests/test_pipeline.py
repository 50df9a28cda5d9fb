"""End to end on the shipped corpus with a step limit: train, tune, evaluate, cross-validate,
package, and load the wheel in a clean virtualenv."""
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import spacy

from transparency_ner.evaluate import evaluate_docs
from transparency_ner.training import crossval, load_docs

FOLDS = ["000_cdb2113075a9b1ff", "004_000d74875e455ad1"]


@pytest.mark.slow
def test_train_tune_evaluate(trained):
    tmp, final, result = trained
    assert 0.0 <= result["threshold"] <= 1.0
    nlp = spacy.load(final)
    assert nlp.pipe_names == ["tok2vec", "ner", "dates", "rule_fill", "textcat_multilabel", "section_cats"]
    assert nlp.get_pipe("textcat_multilabel").cfg["threshold"] == result["threshold"]
    assert set(nlp.get_pipe("ner").labels) == {"AGENCY", "DATE", "COUNT", "CHANNEL"}
    out = tmp / "test.json"
    proc = subprocess.run(
        [sys.executable, "-m", "transparency_ner", "evaluate", str(final), str(tmp / "data" / "test.spacy"), "--out", str(out)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    scores = json.loads(out.read_text())
    splits = json.loads((Path(__file__).parent.parent / "corpus" / "splits.json").read_text(encoding="utf-8"))
    gold_dir = Path(__file__).parent.parent / "corpus" / "gold"
    expected = sum(len((gold_dir / f"{r}.jsonl").read_text(encoding="utf-8").splitlines()) for r in splits["test"])
    assert scores["units"] == expected
    assert set(scores["ents_per_type"]) == {"AGENCY", "DATE", "COUNT", "CHANNEL"}
    assert 0.0 <= scores["ents_f"] <= 1.0 and 0.0 <= scores["cats_macro_f"] <= 1.0


@pytest.mark.slow
def test_crossval_holds_out_whole_reports(trained, root):
    tmp, _, _ = trained
    out = tmp / "crossval.json"
    summary = crossval(root / "configs" / "config.cfg", tmp / "data" / "reports", FOLDS, out, overrides={"training.max_steps": 10, "training.eval_frequency": 5})
    assert [f["report"] for f in summary["folds"]] == FOLDS
    assert summary["folds"][0]["units"] == 78 and summary["folds"][1]["units"] == 72
    assert json.loads(out.read_text())["mean"]["units"] == 75
    # folds side by side in two processes, the pipeline itself trained in the same pool:
    # the same folds, trained the same way, and a pipeline as `spacy train` makes it
    data = tmp / "data"
    parallel = crossval(root / "configs" / "config.cfg", data / "reports", FOLDS, tmp / "crossval-2.json",
                        overrides={"training.max_steps": 10, "training.eval_frequency": 5}, jobs=2,
                        also_train=(tmp / "main", data / "train.spacy", data / "dev.spacy"), keep=tmp / "folds")
    assert parallel["folds"] == summary["folds"]
    # --keep leaves each fold's pipeline, and it scores on its held-out report what the fold scored
    assert sorted(p.name for p in (tmp / "folds").iterdir()) == sorted(FOLDS)
    held = spacy.load(tmp / "folds" / FOLDS[0] / "model-last")
    again = evaluate_docs(held, load_docs(held, [data / "reports" / f"{FOLDS[0]}.spacy"]))
    assert again["ents_f"] == summary["folds"][0]["ents_f"] and again["cats_macro_f"] == summary["folds"][0]["cats_macro_f"]
    main = spacy.load(tmp / "main" / "model-best")
    assert main.pipe_names == spacy.load(tmp / "training" / "model-best").pipe_names
    assert main.meta["performance"]["ents_f"] is not None


@pytest.mark.slow
def test_packaged_wheel_loads_in_clean_venv(trained, tmp_path, root):
    _, final, _ = trained
    pkgs = tmp_path / "packages"
    pkgs.mkdir()
    subprocess.run([sys.executable, "-m", "spacy", "package", str(final), str(pkgs), "--name", "transparency", "--version", "0.1.0", "--build", "wheel", "--force"], check=True, capture_output=True)
    meta = json.loads((pkgs / "zh_transparency-0.1.0" / "meta.json").read_text())
    assert any(r.startswith("transparency_ner") for r in meta["requirements"])
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "-w", str(wheels), "-q"], check=True, capture_output=True)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    pipeline_wheel = next((pkgs / "zh_transparency-0.1.0" / "dist").glob("*.whl"))
    # a PYTHONPATH to a source tree (with its egg-info) would make pip think transparency_ner is installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    install = subprocess.run([str(py), "-m", "pip", "install", "-q", "--find-links", str(wheels), str(pipeline_wheel)], capture_output=True, text=True, env=env)
    assert install.returncode == 0, install.stderr[-2000:]
    script = (
        "import spacy, sys\n"
        "nlp = spacy.load('zh_transparency')\n"
        "doc = nlp('黑林铺街道办事处2017年共公开信息493条。')\n"
        "assert 'transparency_ner' in sys.modules  # loaded through the entry point, not by the user\n"
        "assert type(nlp.tokenizer).__name__ == 'CharTokenizer'\n"
        "assert len(doc) == len(doc.text) - 5  # 2017 and 493 are one token each\n"
        "assert set(doc.cats) == {'PROACTIVE','REQUEST','APPEAL','INTERPRETATION','PLATFORM','ORGANIZATION','ISSUES','OTHER'}\n"
        "print('OK', [(e.text, e.label_) for e in doc.ents])\n"
    )
    proc = subprocess.run([str(py), "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("OK")
