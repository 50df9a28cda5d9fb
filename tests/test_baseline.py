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
