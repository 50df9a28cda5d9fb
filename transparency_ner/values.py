"""Normalised values for entities: COUNT -> number, DATE -> ISO, AGENCY -> Simplified
name, CHANNEL -> a small set of kinds.

Numerals go through cn2an (mixed forms like 2万六千 included) rather than a home-made
parser; this module only splits a span into numeral, approximator and unit, and maps
dates and channels onto documented vocabularies.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple, Union

from .tokenizer import to_simplified

Number = Union[int, float]

APPROXIMATORS = ("余", "多", "近", "约", "逾", "超", "超过", "左右", "以上")
_NUMERAL = "0-9.０-９〇零一二两三四五六七八九十百千万亿"
_COUNT = re.compile(
    rf"^(?P<pre>近|约|逾|超过|超|共|计)?(?P<num>[{_NUMERAL}余多]+?)(?P<post>余|多)?\s*(?P<unit>[^{_NUMERAL}余多].*)?$"
)
_SIGN = re.compile(r"^[+\-＋－]")


def to_number(numeral: str) -> Optional[Number]:
    """'2万六千' -> 26000, '5千' -> 5000, '两' -> 2, '1,264' -> 1264; None if not a numeral."""
    import cn2an

    text = numeral.replace(",", "").replace("，", "").strip()
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    if not text:
        return None
    if text[0] in "百千万亿":  # 逾万条: a bare order of magnitude means one of it
        text = "一" + text
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalize_count(text: str) -> Dict:
    """A COUNT span -> {'value', 'unit', 'approximate'}.

    The approximators 余/多/近/约/逾 set ``approximate``; 万元 stays a unit (80余万元 is 80
    of 万元, as table money cells are), any other 万/千 multiplies.
    """
    simple = to_simplified(text).strip()
    sign = -1 if simple[:1] in "-－" else 1
    simple = _SIGN.sub("", simple)
    unit = ""
    if simple.endswith("万元"):
        unit = "万元"
        simple = simple[:-2]
    m = _COUNT.match(simple)
    if not m:
        return {"value": None, "unit": unit or None, "approximate": False}
    num = m.group("num")
    approximate = bool(m.group("pre") in ("近", "约", "逾", "超过", "超") or m.group("post") or "余" in num or "多" in num)
    num = num.replace("余", "").replace("多", "")
    value = to_number(num)
    unit = unit or (m.group("unit") or "").strip()
    if value is not None:
        value = sign * value
    return {"value": value, "unit": unit or None, "approximate": approximate}


_Y = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})"
_M = r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})"
_D = r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE_FORMS = [
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?$"),
    re.compile(rf"^{_Y}年(?:度)?(?:{_M}月(?:份)?(?:{_D}[日号])?)?(?P<part>上半年|下半年|第?[一二三四1-4]季度)?(?:全年)?$"),
    re.compile(rf"^{_M}月{_D}[日号]$"),
    re.compile(rf"^{_M}月(?:份)?$"),
    re.compile(r"^(?P<y>\d{4})$"),
]
_PARTS = {"上半年": "H1", "下半年": "H2"}


def _int(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    value = to_number(text)
    return int(value) if value is not None else None


def normalize_date(text: str, default_year: Optional[int] = None) -> Dict:
    """A DATE span -> {'value': ISO date or period, 'year'}: 2017年 -> '2017',
    2017年1月1日 -> '2017-01-01', 2017年下半年 -> '2017-H2', 12月20日 -> '2017-12-20'
    when the report year is known (else '--12-20')."""
    simple = to_simplified(text).strip()
    for form in _DATE_FORMS:
        m = form.match(simple)
        if not m:
            continue
        groups = m.groupdict()
        year = _int(groups.get("y"))
        if year is not None and year < 100:
            year = None
        month, day = _int(groups.get("m")), _int(groups.get("d"))
        known_year = year if year is not None else default_year
        head = f"{known_year:04d}" if known_year is not None else "-"
        if month is None:
            value = head
            part = groups.get("part")
            if part:
                q = re.search(r"[一二三四1-4]", part)
                value += "-" + (_PARTS.get(part) or f"Q{_int(q.group()) if q else ''}")
        elif day is None:
            value = f"{head}-{month:02d}"
        else:
            value = f"{head}-{month:02d}-{day:02d}"
            if groups.get("time"):
                value += "T" + groups["time"]
        return {"value": value, "year": known_year}
    return {"value": None, "year": None}


CHANNEL_KINDS: List[Tuple[str, Tuple[str, ...]]] = [
    ("weibo", ("微博",)),
    ("wechat", ("微信", "公众号")),
    ("gazette", ("公报",)),
    ("press event", ("发布会", "访谈", "新闻发布", "吹风会")),
    ("hotline", ("热线", "电话", "12345", "96128")),
    ("email", ("电子邮件", "电子邮箱", "邮箱")),
    ("fax", ("传真",)),
    ("post", ("信函", "信件", "邮寄", "书面")),
    ("in person", ("当面", "查阅点", "查阅场所", "查阅室", "服务中心", "服务大厅", "办事大厅", "大厅", "窗口", "图书馆", "档案馆", "文化馆")),
    ("bulletin board", ("公开栏", "宣传栏", "公示栏", "显示屏", "展板", "公示牌", "橱窗", "一体机", "触摸屏", "宣传单", "传单", "手册", "宣传资料", "宣传画", "图板", "广告", "告知书")),
    ("website", ("网站", "门户", "网页", "政务服务网", "信息公开网", "网上大厅", "平台", "APP", "app", "客户端")),
    ("online", ("网络", "网上", "在线")),
    ("broadcast", ("广播", "电视", "报纸", "报刊", "日报", "晚报")),
]


def channel_kind(text: str) -> str:
    """A CHANNEL span -> one of the documented kinds (first matching rule wins; 'other')."""
    simple = to_simplified(text)
    for kind, words in CHANNEL_KINDS:
        if any(w in simple for w in words):
            return kind
    return "other"


_LEVEL = re.compile(r"^(?P<level>省|市|区|县|镇|乡|街道)(?P<rest>.+)$")
_DIVISION = re.compile(r"^(?P<division>.*?(?:省|自治区|市|区|县|镇|乡|街道))(?P<rest>.*)$")


def resolve_agency(name: str, own: Optional[str]) -> str:
    """Short forms of the report's own body -> its full name: with own = 南昌市东湖区人民政府,
    区政府 -> 南昌市东湖区政府 and 区政府办 -> 南昌市东湖区政府办. Other names are returned as is."""
    simple = to_simplified(name)
    if not own:
        return simple
    m = _LEVEL.match(simple)
    if not m:
        return simple
    level = m.group("level")
    own_simple = to_simplified(own)
    idx = own_simple.rfind(level)
    if idx < 0:
        return simple
    division = own_simple[: idx + len(level)]
    if len(division) <= len(level):
        return simple
    return division + m.group("rest")


def normalize(label: str, text: str, own_agency: Optional[str] = None, year: Optional[int] = None) -> Dict:
    """The normalised value of one entity."""
    if label == "COUNT":
        return normalize_count(text)
    if label == "DATE":
        return normalize_date(text, year)
    if label == "AGENCY":
        simple = to_simplified(text)
        return {"name": simple, "resolved": resolve_agency(simple, own_agency)}
    if label == "CHANNEL":
        return {"kind": channel_kind(text), "surface": to_simplified(text)}
    return {}
