import spacy

from transparency_ner.tokenizer import CharTokenizer, simplified_norm, to_traditional


def test_one_token_per_char_and_latin_runs(nlp):
    doc = nlp("東湖區公開ＡＢ12條 2019-01-11 08:02,APP下载")
    assert [t.text for t in doc] == [
        "東", "湖", "區", "公", "開", "ＡＢ12", "條", "2019", "-", "01", "-", "11", "08", ":", "02", ",", "APP", "下", "载",
    ]
    assert doc.text == "東湖區公開ＡＢ12條 2019-01-11 08:02,APP下载"


def test_norm_is_simplified_per_character(nlp):
    doc = nlp("東湖區人社局發布政務微博4千余條")
    assert "".join(t.norm_ for t in doc) == "东湖区人社局发布政务微博4千余条"
    assert len(doc) == len(doc.text)
    assert simplified_norm("ＡＢ") == "ab"


def test_traditional_conversion_keeps_length():
    text = "南昌市东湖区政府信息公开工作领导小组办公室发布政务微博4千余条"
    trad = to_traditional(text)
    assert len(trad) == len(text) and trad != text


def test_whitespace_is_preserved(nlp):
    for text in ["128 条", "a  b", " 前导", "尾随 ", "x"]:
        assert nlp(text).text == text


def test_serialisation_round_trip(tmp_path):
    from transparency_ner.tokenizer import blank_pipeline

    nlp = blank_pipeline()
    nlp.tokenizer.pattern = r"\S"
    nlp.tokenizer._regex = __import__("re").compile(r"\S")
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert isinstance(loaded.tokenizer, CharTokenizer)
    assert loaded.tokenizer.pattern == r"\S"
    assert [t.text for t in loaded("AB12")] == ["A", "B", "1", "2"]
    restored = CharTokenizer(loaded.vocab).from_bytes(loaded.tokenizer.to_bytes())
    assert restored.pattern == r"\S"
    assert [t.norm_ for t in loaded("號碼")] == ["号", "码"]


def test_tokenizer_is_registered_for_configs():
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "transparency_ner.CharTokenizer.v1"}}})
    assert isinstance(nlp.tokenizer, CharTokenizer)
