"""The transformer config trains on a tiny BERT built here from the corpus's characters:
nothing is downloaded, and the same config takes a real local Chinese model."""
import json

import pytest

pytest.importorskip("spacy_transformers")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory, root):
    from transparency_ner.corpus import load_gold

    chars = sorted({ch for rec in load_gold(root / "corpus" / "gold") for ch in rec["text"] if not ch.isspace()})
    out = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(out / "vocab.txt"), tokenize_chinese_chars=True, do_lower_case=False)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                     intermediate_size=64, max_position_embeddings=256)
    transformers.BertModel(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.mark.slow
def test_trf_config_trains_on_a_local_tiny_model(tiny_bert, tmp_path, root):
    import spacy
    from spacy.tokens import DocBin

    from transparency_ner.corpus import convert
    from transparency_ner.training import train_pipeline

    data = tmp_path / "data"
    convert(root / "corpus" / "gold", root / "corpus" / "splits.json", data)
    nlp = spacy.blank("zh")
    small = DocBin(docs=list(DocBin().from_disk(data / "train.spacy").get_docs(nlp.vocab))[:60])
    small.to_disk(tmp_path / "small.spacy")
    overrides = {
        "paths.transformer_model": str(tiny_bert),
        "system.gpu_allocator": None,
        "training.max_steps": 6,
        "training.eval_frequency": 3,
        "training.batcher.size": 200,
    }
    best = train_pipeline(root / "configs" / "trf.cfg", tmp_path / "out", tmp_path / "small.spacy", tmp_path / "small.spacy", overrides)
    trained = spacy.load(best)
    assert trained.pipe_names == ["transformer", "ner", "dates", "rule_fill", "textcat_multilabel", "section_cats"]
    doc = trained("东湖区人社局2018年共公开信息493条。")
    assert len(doc) == len(doc.text) - 5
    assert set(doc.cats) == {"PROACTIVE", "REQUEST", "APPEAL", "INTERPRETATION", "PLATFORM", "ORGANIZATION", "ISSUES", "OTHER"}
    meta = json.loads((best / "meta.json").read_text())
    assert "ents_f" in meta["performance"]
