from transparency_ner.baseline import rules_pipeline


def ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


def test_rules_tag_the_obvious_and_skip_titles():
    nlp = rules_pipeline()
    doc = nlp("2017年通过政府门户网站公开信息493条,依据《2016年政务公开要点》(国办发〔2017〕24号)。")
    found = ents(doc)
    assert ("2017年", "DATE") in found and ("493条", "COUNT") in found and ("政府门户网站", "CHANNEL") in found
    assert all("2016" not in t and "24号" not in t for t, _ in found)
    assert doc.cats["PROACTIVE"] == 1.0


def test_rules_tag_table_cells_and_fall_back_to_other():
    nlp = rules_pipeline()
    doc = nlp("主动公开信息数 | 条 | 1264 |")
    assert ("1264", "COUNT") in ents(doc)
    assert nlp("联系电话:0871-1234567").cats["OTHER"] == 1.0


def test_rules_component_round_trips(tmp_path):
    import spacy

    nlp = rules_pipeline()
    nlp.to_disk(tmp_path / "rules")
    loaded = spacy.load(tmp_path / "rules")
    assert ents(loaded("2018年03月20日")) == [("2018年03月20日", "DATE")]


def test_dates_component_replaces_the_models_dates():
    """After ner, the patterns' dates win: an overlapping model entity gives way, a model
    DATE the patterns do not find is dropped, other model entities stay."""
    from spacy.tokens import Span

    from transparency_ner.tokenizer import blank_pipeline

    nlp = blank_pipeline()
    dates = nlp.add_pipe("transparency_dates")
    doc = nlp.make_doc("2017年 ->区政府公开《2016年要点》493条")
    doc.ents = [
        Span(doc, 0, 3, label="DATE"),  # "2017年 -": a boundary error
        Span(doc, 4, 7, label="AGENCY"),
        Span(doc, 10, 12, label="DATE"),  # inside a title: not a date
        Span(doc, 15, 17, label="COUNT"),
    ]
    assert [(e.text, e.label_) for e in dates(doc).ents] == [
        ("2017年", "DATE"), ("区政府", "AGENCY"), ("493条", "COUNT")
    ]
