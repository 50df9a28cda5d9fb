from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus" / "raw").glob("0*.txt"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def nlp():
    from transparency_ner.tokenizer import blank_pipeline

    return blank_pipeline()


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """A pipeline trained for a few steps on the shipped corpus (train, dev, tuned)."""
    from transparency_ner.corpus import convert
    from transparency_ner.training import train_pipeline, tune_threshold

    tmp = tmp_path_factory.mktemp("pipeline")
    convert(ROOT / "corpus" / "gold", ROOT / "corpus" / "splits.json", tmp / "data")
    fast = {"training.max_steps": 30, "training.eval_frequency": 10}
    best = train_pipeline(ROOT / "configs" / "config.cfg", tmp / "training", tmp / "data" / "train.spacy", tmp / "data" / "dev.spacy", fast)
    final = tmp / "model-final"
    result = tune_threshold(best, tmp / "data" / "dev.spacy", final, n_trials=5)
    return tmp, final, result
