from transparency_ner.reader import read_report
from transparency_ner.tables import check_figures, extract_figures
from transparency_ner.units import split_units


def figures_of(path):
    units = split_units(read_report(path).text)
    return extract_figures(units)


def test_seed_003_narrative_table(root):
    figures = figures_of(root / "corpus" / "raw" / "003_d56b836ff3b8aa47.txt")
    by_row = {f.row.split(" / ")[-1]: f for f in figures}
    expected = {
        "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)": 1264,
        "2.政府网站公开政府信息数": 240,
        "3.政务微博公开政府信息数": 65,
        "4.政务微信公开政府信息数": 202,
        "5.其他方式公开政府信息数": 757,
    }
    for row, value in expected.items():
        assert by_row[row].value == value
        assert by_row[row].unit == "条"
        assert by_row[row].column == "统计数"
    assert by_row["1.当面申请数"].value == 1 and by_row["1.当面申请数"].unit == "件"


def test_figure_offsets_point_at_the_number(root):
    path = root / "corpus" / "raw" / "003_d56b836ff3b8aa47.txt"
    text = read_report(path).text
    for f in extract_figures(split_units(text)):
        assert float(text[f.start : f.end].replace("+", "")) == f.value


ROW_TABLE = """三、收到和处理政府信息公开申请情况
申请人情况 |
自然 人 | 法人或其他组织 | 总计 |
商业 企业 | 科研 机构 | 社会公益 组织 | 法律服务 机构 | 其他 |
一、本年新收政府信息公开申请数量 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |
二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
三、本年度办理结果 |
（一）予以公开 | 4 | 1 | 0 | 0 | 0 | 0 | 5 |
（七）总计 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |
四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼 |
结果 维持 | 结果 纠正 | 其他 结果 | 尚未 审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |
结果 维持 | 结果 纠正 | 其他 结果 | 尚未 审结 | 总计 | 结果 维持 | 结果 纠正 | 其他 结果 | 尚未 审结 | 总计 |
2 | 0 | 1 | 0 | 3 | 1 | 0 | 0 | 1 | 2 | 1 | 0 | 0 | 0 | 1 |
五、存在的主要问题及改进情况
"""

CELL_TABLE = """三、收到和处理政府信息公开申请情况
申请人情况 |
一、本年新收政府信息公开申请数量 |
4 ||||||
4 |
二、上年结转政府信息公开申请数量 ||||||||
三、本年度办理结果 |
（一）予以公开 |
3 ||||||
3 |
（四）无法提供 |
1.本机关不掌握相关政府信息 |
1 ||||||
1 |
（七）总计 |
4 ||||||
4 |
四、结转下年度继续办理 ||||||||
"""


def test_request_table_in_both_shapes_passes_its_checks():
    for text, new_total in ((ROW_TABLE, 6), (CELL_TABLE, 4)):
        figures = extract_figures(split_units(text))
        req = {(f.row.split(" / ")[-1], f.column): f.value for f in figures if f.table == "requests"}
        assert req[("一、本年新收政府信息公开申请数量", "总计")] == new_total
        checks = check_figures(figures)
        assert checks and all(c.ok for c in checks), checks
    cell = {(f.row.split(" / ")[-1], f.column): f.value for f in extract_figures(split_units(CELL_TABLE))}
    assert cell[("1.本机关不掌握相关政府信息", "自然人")] == 1
    assert ("1.本机关不掌握相关政府信息", "商业企业") not in cell  # empty cells are not figures


def test_appeal_table_columns():
    figures = [f for f in extract_figures(split_units(ROW_TABLE)) if f.table == "appeals"]
    cols = {f.column: f.value for f in figures}
    assert len(figures) == 15
    assert cols["行政复议·结果维持"] == 2 and cols["行政复议·总计"] == 3
    assert cols["行政诉讼·未经复议直接起诉·总计"] == 2 and cols["行政诉讼·复议后起诉·总计"] == 1


def test_a_report_that_breaks_the_request_rule_is_flagged_not_fixed():
    broken = ROW_TABLE.replace("（七）总计 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |", "（七）总计 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |")
    figures = extract_figures(split_units(broken))
    checks = {c.name: c for c in check_figures(figures)}
    rule = checks["requests: new + carried over = handled + carried forward"]
    assert not rule.ok and "自然人: 6 ≠ 4" in rule.detail
    assert any(f.value == 3 and f.row.endswith("（七）总计") for f in figures)


def test_written_standard_reports_balance(root):
    """Every standard-format report of the corpus passes the request-table rule."""
    import json

    checked = 0
    for meta_path in sorted((root / "corpus" / "annotations" / "meta").glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not str(meta.get("format", "")).startswith("std"):
            continue
        figures = figures_of(root / "corpus" / "raw" / f"{meta['id']}.txt")
        rule = [c for c in check_figures(figures) if c.name.startswith("requests: new")]
        assert rule and rule[0].ok, (meta["id"], rule)
        checked += 1
    assert checked >= 1


BARE_TABLE = "\n".join([
    "三、收到和处理政府信息公开申请情况",
    "申请人情况", "自然人", "法人或其他", "组织", "总计",
    "一、本年新收政府信息公开申请数量", "5", "1", "", "", "", "", "6",
    "二、上年结转政府信息公开申请数量", "1", "", "", "", "", "", "1",
    "三、本年度办理结果", "（一）予以公开", "5", "", "", "", "", "1", "6",
    "（七）总计", "5", "1", "", "", "", "", "6",
    "四、结转下年度继续办理", "1", "", "", "", "", "", "1",
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议", "结果维持", "总计", "1", "", "", "", "1", "", "", "", "", "", "", "", "", "", "",
    "2022年，本机关因政府信息公开被申请行政复议1件。",
    "五、存在的主要问题及改进情况",
])


def test_cell_per_line_table_without_bars_keeps_its_empty_cells():
    """Pages flattened as text put each cell on its own line, an empty cell on an empty
    line; the row heads 一、…四、 of table three are rows there, not sections."""
    figures = extract_figures(split_units(BARE_TABLE))
    req = {(f.row.split(" / ")[-1], f.column): f.value for f in figures if f.table == "requests"}
    assert req[("一、本年新收政府信息公开申请数量", "商业企业")] == 1
    assert req[("一、本年新收政府信息公开申请数量", "总计")] == 6
    assert req[("（一）予以公开", "其他")] == 1 and ("（一）予以公开", "科研机构") not in req
    appeals = {f.column: f.value for f in figures if f.table == "appeals"}
    assert appeals == {"行政复议·结果维持": 1, "行政复议·总计": 1}
    checks = check_figures(figures)
    assert {c.name.split(":")[0] for c in checks} == {"requests", "appeals"} and all(c.ok for c in checks), checks


def test_report_reads_every_table_row_not_only_those_with_bars(nlp):
    """Whole-report tagging hands every unit to the table reader: a tab-separated 总计 row
    has neither bars nor a numbered head."""
    from transparency_ner.report import tag_units

    text = ("三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量\t5\t1\t0\t0\t0\t0\t6\n"
            "（七）总计\t5\t1\t0\t0\t0\t0\t6\n")
    report = tag_units(nlp, split_units(text))
    assert {f.row for f in report.figures} == {"一、本年新收政府信息公开申请数量", "（七）总计"}


def test_whitespace_separated_rows_and_prose_that_only_looks_like_one():
    """Tables copied as text (tab-separated cells, values on their own line) are read;
    prose ending in numbers is not."""
    text = ("三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量\t5\t1\t0\t0\t0\t0\t6\n"
            "（七）总计\t5\t1\t0\t0\t0\t0\t6\n"
            "如有疑问请联系：0871 5152238\n")
    figures = extract_figures(split_units(text))
    assert [f.value for f in figures if f.row.endswith("本年新收政府信息公开申请数量")] == [5, 1, 0, 0, 0, 0, 6]
    assert {f.table for f in figures} == {"requests"} and all(f.value != 5152238 for f in figures)


def test_a_traditional_request_table_is_checked_like_a_simplified_one():
    """Row heads in Traditional (上年結轉, （七）總計, 結轉下年度) name the same rows: the
    balance rule is checked, not skipped (w66 was skipped before)."""
    from transparency_ner.tokenizer import to_traditional

    simplified = {c.name: c.ok for c in check_figures(extract_figures(split_units(ROW_TABLE)))}
    traditional = {c.name: c.ok for c in check_figures(extract_figures(split_units(to_traditional(ROW_TABLE))))}
    assert "requests: new + carried over = handled + carried forward" in traditional
    assert traditional == simplified


def test_narrative_rows_copied_as_text_with_a_unit_word_and_one_value(root):
    """The narrative-era form copied as text (`（一）收到申请数 件 6`, single spaces or runs
    of them) is read with its unit and the header's column; a contact line is not a row."""
    text = ("附件：2016年政府信息公开情况统计表\n"
            "统计指标 单位 统计数\n"
            "一、主动公开情况\n"
            "（一）主动公开政府信息数 条 1436\n"
            "三、依申请公开情况\n"
            "（一）收到申请数      件      6\n"
            "1.当面申请数 件 3\n"
            "政府信息公开专项经费 万元 2.6\n"
            "联系人 王明 电话 5152238\n")
    figures = extract_figures(split_units(text))
    got = {f.row.split(" / ")[-1]: (f.value, f.unit, f.column) for f in figures}
    assert got == {
        "（一）主动公开政府信息数": (1436, "条", "统计数"),
        "（一）收到申请数": (6, "件", "统计数"),
        "1.当面申请数": (3, "件", "统计数"),
        "政府信息公开专项经费": (2.6, "万元", "统计数"),
    }
    by_row = {f.row.split(" / ")[-1]: f for f in figures_of(root / "corpus" / "raw" / "w74.txt")}
    assert by_row["（一）收到申请数"].value == 5 and by_row["（三）接受培训人员数"].unit == "人次"
