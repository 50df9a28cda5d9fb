import numpy
from spacy.training import Example

from transparency_ner.tokenizer import to_traditional


def test_norm_bow_textcat_reads_traditional_like_simplified():
    from transparency_ner.scheme import CATEGORIES
    from transparency_ner.tokenizer import blank_pipeline

    nlp = blank_pipeline()
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "transparency_ner.TextCatNormBOW.v1", "exclusive_classes": False,
        "ngram_size": 3, "no_output_layer": False, "nO": None}})
    texts = ["区政府网站公开信息493条。", "收到政府信息公开申请3件。"]
    examples = []
    for text, cat in zip(texts, ["PROACTIVE", "REQUEST"]):
        doc = nlp.make_doc(text)
        examples.append(Example.from_dict(doc, {"cats": {c: float(c == cat) for c in CATEGORIES}}))
    nlp.initialize(lambda: examples)
    for _ in range(5):
        nlp.update(examples)
    simple = textcat.model.predict([nlp.make_doc(t) for t in texts])
    trad = textcat.model.predict([nlp.make_doc(to_traditional(t)) for t in texts])
    assert to_traditional(texts[0]) != texts[0]
    numpy.testing.assert_allclose(simple, trad)
    assert simple[0][CATEGORIES.index("PROACTIVE")] > simple[0][CATEGORIES.index("REQUEST")]


def test_rule_tags_mark_what_the_rules_find():
    from transparency_ner.models import rule_tags

    text = "由行政办公室负责，公开493条"
    tags = rule_tags(text)
    assert len(tags) == len(text)
    i = text.index("行政办公室")
    assert tags[i:i + 5] == ["B-AGENCY"] + ["I-AGENCY"] * 4
    assert tags[text.index("493")] == "B-COUNT" and tags[text.index("条")] == "I-COUNT"
    assert tags[0] == "O"
    # Traditional text gets the same tags (the rules read it in Simplified)
    assert rule_tags(to_traditional(text)) == tags


def test_rules_embed_one_vector_per_token_same_for_traditional_and_serialisable(nlp):
    from transparency_ner.models import build_rules_embed

    def build():
        return build_rules_embed(width=16, attrs=["NORM", "SHAPE"], rows=[100, 20], rule_rows=20)

    text = "区政府办公开2017年信息"
    model = build()
    docs = [nlp(text), nlp("東湖區人社局")]
    model.initialize(X=docs)
    out = model.predict(docs)
    assert [o.shape for o in out] == [(len(docs[0]), 16), (len(docs[1]), 16)]
    assert to_traditional(text) != text
    numpy.testing.assert_allclose(model.predict([nlp(to_traditional(text))])[0], out[0])
    copy = build().from_bytes(model.to_bytes())
    numpy.testing.assert_allclose(copy.predict(docs)[0], out[0])
