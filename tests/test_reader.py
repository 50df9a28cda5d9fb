import codecs

import pytest

from transparency_ner.reader import ReaderError, read_bytes, read_report
from transparency_ner.units import clean_text, iter_lines_units, split_units

from conftest import SEEDS

SIMPLE = "黑林铺街道办事处2017年政府信息公开工作年度报告\n本年度共主动公开信息493条。依申请公开3件！"
TRAD = "東湖區人社局2018年政府信息公開工作年度報告\n全年發布政務微博4千余條。"


@pytest.mark.parametrize(
    "text,encoding,expected",
    [
        (SIMPLE, "utf-8", "utf-8"),
        (SIMPLE, "gb18030", "gb18030"),
        (SIMPLE, "gbk", "gb18030"),
        (TRAD, "big5", "big5"),
        (TRAD, "utf-8", "utf-8"),
    ],
)
def test_encodings_are_detected(text, encoding, expected):
    result = read_bytes(text.encode(encoding))
    assert result.encoding == expected
    assert result.text == clean_text(text)


def test_utf8_bom_and_utf16():
    assert read_bytes(codecs.BOM_UTF8 + SIMPLE.encode("utf-8")).text == SIMPLE
    assert read_bytes(codecs.BOM_UTF8 + SIMPLE.encode("utf-8")).encoding == "utf-8-sig"
    assert read_bytes(codecs.BOM_UTF16_LE + SIMPLE.encode("utf-16-le")).text == SIMPLE


def test_real_seed_in_gb18030_reads_back_identically():
    raw = SEEDS[0].read_text(encoding="utf-8")
    assert read_bytes(raw.encode("gb18030")).text == clean_text(raw)


def test_html_page_becomes_text_with_table_rows():
    html = (
        "<!DOCTYPE html><html><head><title>t</title><style>p{}</style></head><body>"
        "<div class='crumb'>首页 &gt; 政务公开</div><p>2018年共公开<b>1264条</b>信息。</p>"
        "<table><tr><td>主动公开信息数</td><td>条</td><td>1264</td></tr>"
        "<tr><th>指标</th><th>单位</th></tr></table><script>var a=1;</script></body></html>"
    )
    result = read_bytes(html.encode("utf-8"))
    assert result.html
    lines = result.text.split("\n")
    assert lines[0] == "首页 > 政务公开"
    assert "2018年共公开1264条信息。" in lines
    assert "主动公开信息数 | 条 | 1264 |" in lines
    assert "var a" not in result.text and "p{}" not in result.text


def test_pinyin_glosses_are_removed():
    text = "索引號(hào):公開(kāi)目錄,文(wen)件和(he)(he)報告(A座)（以下簡稱）"
    assert clean_text(text) == "索引號:公開目錄,文件和報告(A座)（以下簡稱）"


def test_spaces_collapse_and_units_split():
    text = "一、概述\r\n本年度\u3000\u3000公开 \t 信息;依申请公开0件。  \n\n| 条 | 12 |\n"
    assert [u.text for u in split_units(text)] == ["一、概述", "本年度 公开 信息;", "依申请公开0件。", "| 条 | 12 |"]


def test_units_carry_offsets_and_streaming_agrees():
    raw = SEEDS[1].read_text(encoding="utf-8")
    clean = clean_text(raw)
    units = split_units(raw)
    assert all(clean[u.start : u.end] == u.text for u in units)
    streamed = list(iter_lines_units(raw.splitlines(keepends=True)))
    assert [(u.text, u.start, u.index) for u in streamed] == [(u.text, u.start, u.index) for u in units]


def test_units_count_the_empty_lines_before_them_streamed_or_not():
    """An empty line is an empty cell of a table flattened a cell per line; a sentence mark
    at the end of a line makes no empty line."""
    raw = "行政许可\n\n\n37\r\n句子。\n \n下一句；末句\n"
    units = split_units(raw)
    assert [(u.text, u.blank_lines) for u in units] == [
        ("行政许可", 0), ("37", 2), ("句子。", 0), ("下一句；", 1), ("末句", 0)]
    assert list(iter_lines_units(raw.splitlines(keepends=True))) == units


def test_seed_reports_split_into_448_units():
    assert len(SEEDS) == 5
    assert sum(len(split_units(p.read_text(encoding="utf-8"))) for p in SEEDS) == 448


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "empty file"),
        (b"  \n\t ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 50, "binary"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfa", "invalid utf-8"),
    ],
    ids=["empty", "blank", "png", "control-chars", "bad-bom-utf8"],
)
def test_bad_bytes_give_one_line_errors(data, message):
    with pytest.raises(ReaderError) as err:
        read_bytes(data, "x.txt")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_paths(tmp_path):
    with pytest.raises(ReaderError, match="no such file"):
        read_report(tmp_path / "missing.txt")
    with pytest.raises(ReaderError, match="is a directory"):
        read_report(tmp_path)
    big = tmp_path / "big.txt"
    big.write_bytes("公开".encode() * 1000)
    with pytest.raises(ReaderError, match="over the"):
        read_report(big, max_bytes=1000)
