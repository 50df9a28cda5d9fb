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
