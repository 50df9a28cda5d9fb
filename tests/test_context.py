"""Section headings as context for the categories (transparency_ner/context.py)."""
import numpy
import spacy
from spacy.training import Example

from transparency_ner.context import SECTION, SectionTracker, create_section_context, set_sections, unit_doc


def test_sections_follow_headings_and_skip_table_rows():
    units = [
        "2018年度政府信息公开工作报告",
        "五、存在的主要问题及改进情况",
        "二是强化考核和培训。",
        "（一）下一步工作",
        "三是加强平台建设。",
        "一、主动公开情况 | | |",  # a table row, not a heading
        "六、其他需要报告的事項",
    ]
    got = list(map(SectionTracker().update, units))
    assert got[0] == ""
    assert got[2] == "存在的主要问题及改进情况"
    assert got[4] == got[5] == "存在的主要问题及改进情况 下一步工作"
    assert got[6] == "其他需要报告的事项"  # Simplified, like NORM


def test_convert_gives_every_gold_doc_its_section(nlp):
    docs = set_sections([nlp.make_doc(t) for t in ["四、收费及减免情况", "未收取任何费用。"]])
    assert [d.user_data[SECTION] for d in docs] == ["收费及减免情况"] * 2


def test_section_context_copies_the_section_and_can_drop_it(nlp):
    ref = nlp.make_doc("二是强化考核和培训。")
    ref.user_data[SECTION] = "存在的主要问题及改进情况"
    keep, drop = create_section_context(0.0), create_section_context(1.0)
    (eg,) = keep(nlp, Example(nlp.make_doc(ref.text), ref))
    assert eg.predicted.user_data[SECTION] == "存在的主要问题及改进情况"
    (eg,) = drop(nlp, Example(nlp.make_doc(ref.text), ref))
    assert SECTION not in eg.predicted.user_data


def test_section_bow_reads_the_heading(nlp):
    """The same unit text scores differently under two headings, and without one."""
    from transparency_ner.scheme import CATEGORIES
    from transparency_ner.tokenizer import blank_pipeline

    blank = blank_pipeline()
    textcat = blank.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "transparency_ner.TextCatNormBOW.v2", "exclusive_classes": False,
        "ngram_size": 2, "section_ngram_size": 2, "no_output_layer": False, "nO": None}})

    def unit(text, section, cat):
        doc = blank.make_doc(text)
        doc.user_data[SECTION] = section
        return Example.from_dict(doc, {"cats": {c: float(c == cat) for c in CATEGORIES}})

    examples = [unit("二是强化培训。", "存在的主要问题及改进情况", "ISSUES"),
                unit("二是强化培训。", "组织机构建设", "ORGANIZATION")]
    blank.initialize(lambda: examples)
    for _ in range(20):
        blank.update(examples)
    issues, organization = textcat.model.predict([eg.predicted for eg in examples])
    assert issues[CATEGORIES.index("ISSUES")] > organization[CATEGORIES.index("ISSUES")]
    bare = textcat.model.predict([blank.make_doc("二是强化培训。")])[0]
    assert not numpy.allclose(bare, issues)


def test_lead_ins_and_part_headings_are_context():
    """Problems and plans often sit under a colon lead-in inside another section (存在的不足：,
    2019年，我镇将重点做好以下工作：), and some reports number their parts 第一部分…"""
    units = [
        "发布时间:2019年03月14日 来源: 点击:",  # page chrome: more than one colon
        "第六部分 制度机制建设情况",
        "存在的不足：",
        "1、制度机制不够健全。",
        "下步工作打算:",
        "1、加强业务知识学习培训。",
        "（一）其他",
        "联系电话：0875-5152238",  # a contact line, not a lead-in
    ]
    got = list(map(SectionTracker().update, units))
    assert got[0] == ""
    assert got[1] == "制度机制建设情况"
    assert got[3] == "制度机制建设情况 存在的不足"
    assert got[5] == "制度机制建设情况 下步工作打算"
    assert got[6] == got[7] == "制度机制建设情况 其他"  # a new sub-heading ends the lead-in
    inline = SectionTracker()
    inline.update("十一、其他应报告的事项")
    assert inline.update("2018年，我区将主要做好以下几方面工作：一是抓好制度落实。") == "其他应报告的事项 2018年，我区将主要做好以下几方面工作"
    assert inline.update("二是强化考核和培训。") == "其他应报告的事项 2018年，我区将主要做好以下几方面工作"
    assert inline.update("受理时间为工作日上午9:00-11:30。") == "其他应报告的事项 2018年，我区将主要做好以下几方面工作"


def test_attachments_close_the_sections():
    """A statistics table attached after the last section (附表：…) is not more of its plans."""
    tracker = SectionTracker()
    tracker.update("五、存在的主要问题及改进情况")
    assert tracker.update("一是加强培训。") == "存在的主要问题及改进情况"
    assert tracker.update("附表：岳阳市人民政府2016年政府信息公开情况统计表") == ""
    assert tracker.update("一、主动公开|条|12") == ""
    tracker.update("五、存在的主要问题及改进情况")
    assert tracker.update("附件1：2016年统计表.xls") == tracker.update("附件") == ""
    tracker.update("五、存在的主要问题及改进情况")
    assert tracker.update("附近居民反映的问题已解决。") == "存在的主要问题及改进情况"  # not an attachment


def _scored(nlp, text, section, cats):
    doc = unit_doc(nlp, text, section)
    doc.cats = dict(cats)
    return doc


def test_section_cats_raises_the_heading_label_with_guards(nlp):
    from transparency_ner.scheme import CATEGORIES

    blank = spacy.blank("zh")
    cats = blank.add_pipe("transparency_section_cats")
    low = {c: 0.1 for c in CATEGORIES}
    plan = cats(_scored(nlp, "二是强化考核和培训。", "2019年工作计划", low))
    assert plan.cats["ISSUES"] == 0.99 and plan.cats["ORGANIZATION"] == 0.1
    assert cats(_scored(nlp, "二是强化考核和培训。", "组织机构建设", low)).cats["ISSUES"] == 0.1
    assert cats(_scored(nlp, "二是强化考核和培训。", "", low)).cats["ISSUES"] == 0.1
    assert cats(_scored(nlp, "主动公开|条|12", "下一步工作打算", low)).cats["ISSUES"] == 0.1  # a table row
    chrome = cats(_scored(nlp, "打印 关闭", "下一步工作打算", {**low, "OTHER": 0.9}))
    assert chrome.cats["ISSUES"] == 0.1  # the model's OTHER stands
    high = cats(_scored(nlp, "一是健全制度。", "存在的不足", {**low, "ISSUES": 0.999}))
    assert high.cats["ISSUES"] == 0.999  # never lowered


def test_section_cats_is_configured_and_round_trips(tmp_path, nlp):
    from transparency_ner.scheme import CATEGORIES, predicted_categories

    blank = spacy.blank("zh")
    blank.add_pipe("transparency_section_cats", name="section_cats",
                   config={"patterns": {"PLATFORM": ["平台"]}, "floor": 0.9})
    blank.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    doc = loaded.get_pipe("section_cats")(_scored(nlp, "一是升级系统。", "平台建设情况", {c: 0.1 for c in CATEGORIES}))
    assert doc.cats["PLATFORM"] == 0.9 and doc.cats["ISSUES"] == 0.1
    assert predicted_categories(doc.cats, 0.5) == ["PLATFORM"]
    # spaCy's evaluation (the training loop's dev pass) takes a component's ``score`` for a scorer
    assert loaded.evaluate([Example(loaded.make_doc("一是升级系统。"), loaded.make_doc("一是升级系统。"))]) is not None
