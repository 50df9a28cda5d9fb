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


def test_rules_take_whole_agency_names_without_the_words_before_them():
    """An owner is a named division or a level word; the verb or particle before it
    is not part of the name (参加了在市委党校 → 市委党校, 共上传区政府 → 区政府)."""
    nlp = rules_pipeline()
    found = ents(nlp("组织两名机关干部参加了在市委党校举办的培训,共上传区政府信息55条。"))
    assert ("市委党校", "AGENCY") in found and ("区政府", "AGENCY") not in found
    found = ents(nlp("请与南昌市东湖区人民政府办公室联系,或向成都市人力资源和社会保障局申请。"))
    assert ("南昌市东湖区人民政府办公室", "AGENCY") in found
    assert ("成都市人力资源和社会保障局", "AGENCY") in found
    assert ("街道行政办", "AGENCY") in ents(nlp("街道行政办按照制度严把审核关。"))


def test_rules_follow_the_schemes_decided_agency_cases():
    nlp = rules_pipeline()
    # a division standing for its government, where it names the author or acts
    assert ("新陶街道", "AGENCY") in ents(nlp("2018年度新陶街道收到投诉建议共45件。"))
    assert ents(nlp("上一篇：永发街道2018年政府信息公开报告"))[:2] == [("永发街道", "AGENCY"), ("2018年", "DATE")]
    # 政府 in 政府信息公开 is no body; posts and meetings are not agencies
    assert ("县政府", "AGENCY") not in ents(nlp("我县政府信息公开工作稳步推进。"))
    assert not [t for t, l in ents(nlp("办理区政协委员提案和区人大代表建议。")) if l == "AGENCY"]
    # nothing inside quotes, except a quoted account name, which is a channel
    found = ents(nlp("以“公开、公正、便民”为原则,通过“南开民政”政务微博发布。"))
    assert ("南开民政", "CHANNEL") in found and ("政务微博", "CHANNEL") in found
    assert all(label == "CHANNEL" for _, label in found)


def test_rules_name_channels_with_their_owner_and_hotlines_whole():
    nlp = rules_pipeline()
    found = ents(nlp("通过县政府门户网站和12345政务服务热线受理,在市政务服务中心设立政府信息公开查阅点。"))
    for name in ("县政府门户网站", "12345政务服务热线", "市政务服务中心", "政府信息公开查阅点"):
        assert (name, "CHANNEL") in found


def test_rules_know_every_printed_medium_the_scheme_lists():
    """The scheme: 宣传单, 传单, 手册, 宣传资料, 宣传画, 展板, 图板, 公示牌, 入户告知书, 广告."""
    nlp = rules_pipeline()
    media = ["宣传单", "传单", "手册", "宣传资料", "宣传画", "展板", "图板", "公示牌", "入户告知书", "广告"]
    for medium in media:
        assert (medium, "CHANNEL") in ents(nlp(f"通过发放{medium}公开信息。")), medium


def test_rules_tag_months_and_quarters_as_dates():
    nlp = rules_pipeline()
    found = ents(nlp("分别于4月和9月开展培训,2018年第四季度完成,8月份公开。"))
    for date in ("4月", "9月", "2018年第四季度", "8月份"):
        assert (date, "DATE") in found


def test_rule_fill_adds_only_where_the_model_found_nothing():
    """The rules' AGENCY/CHANNEL spans fill gaps; the model's own spans (even ones the
    rules would draw differently) and other labels stay as they are."""
    from transparency_ner.tokenizer import blank_pipeline

    nlp = blank_pipeline()
    fill = nlp.add_pipe("transparency_rule_fill", config={"labels": ["AGENCY", "CHANNEL"]})
    doc = nlp.make_doc("街道行政办通过政府门户网站公开493条")
    doc.ents = [doc.char_span(7, 11, label="CHANNEL"), doc.char_span(15, 19, label="COUNT")]  # 政府门户, 493条
    assert [(e.text, e.label_) for e in fill(doc).ents] == [
        ("街道行政办", "AGENCY"), ("政府门户", "CHANNEL"), ("493条", "COUNT")
    ]
    assert blank_pipeline().add_pipe("transparency_rule_fill").labels == ["AGENCY"]


def test_rule_fill_drops_a_model_agency_that_runs_past_the_name(root):
    """A model AGENCY that does not end as a body's name ends is dropped and the rules'
    name takes its place; well-formed model names (Traditional too) stay."""
    import json

    from transparency_ner.baseline import AGENCY_END_CHARS
    from transparency_ner.tokenizer import blank_pipeline, to_simplified

    nlp = blank_pipeline()
    fill = nlp.add_pipe("transparency_rule_fill")
    doc = nlp.make_doc("區政府政務公開工作作出批示")
    doc.ents = [doc.char_span(0, 13, label="AGENCY")]
    assert [(e.text, e.label_) for e in fill(doc).ents] == [("區政府", "AGENCY")]
    doc = nlp.make_doc("東湖區人民政府辦公室")
    doc.ents = [doc.char_span(0, 10, label="AGENCY")]
    assert [e.text for e in fill(doc).ents] == ["東湖區人民政府辦公室"]
    off = blank_pipeline().add_pipe("transparency_rule_fill", config={"agency_end_chars": ""})
    doc = nlp.make_doc("区政府作出批示")
    doc.ents = [doc.char_span(0, 7, label="AGENCY")]
    assert [e.text for e in off(doc).ents] == ["区政府作出批示"]
    # every gold AGENCY ends that way, so the filter never drops a name the gold has
    ends = {to_simplified(unit["text"][end - 1]) for path in (root / "corpus" / "gold").glob("*.jsonl")
            for unit in map(json.loads, path.read_text(encoding="utf-8").splitlines())
            for _, end, label in unit["entities"] if label == "AGENCY"}
    assert len(ends) > 20 and ends <= set(AGENCY_END_CHARS)
