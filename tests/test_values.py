import pytest

from transparency_ner.values import channel_kind, normalize_count, normalize_date, resolve_agency


@pytest.mark.parametrize(
    "text,value,unit,approx",
    [
        ("2萬六千余條", 26000, "条", True),
        ("2万六千余条", 26000, "条", True),
        ("5千余条", 5000, "条", True),
        ("5600余条", 5600, "条", True),
        ("1200余人次", 1200, "人次", True),
        ("17000余份", 17000, "份", True),
        ("10余万次", 100000, "次", True),
        ("80余万元", 80, "万元", True),
        ("两名", 2, "名", False),
        ("一名", 1, "名", False),
        ("0件", 0, "件", False),
        ("493条", 493, "条", False),
        ("128 条", 128, "条", False),
        ("近300件", 300, "件", True),
        ("约50次", 50, "次", True),
        ("逾万条", 10000, "条", True),
        ("1264", 1264, None, False),
        ("41.6", 41.6, None, False),
        ("+19", 19, None, False),
        ("-2", -2, None, False),
        ("十一大类", 11, "大类", False),
    ],
)
def test_count_normalisation(text, value, unit, approx):
    result = normalize_count(text)
    assert result == {"value": value, "unit": unit, "approximate": approx}


@pytest.mark.parametrize(
    "text,value",
    [
        ("2017年", "2017"),
        ("2018年度", "2018"),
        ("2017年1月1日", "2017-01-01"),
        ("2018年03月20日", "2018-03-20"),
        ("2017年下半年", "2017-H2"),
        ("2017年上半年", "2017-H1"),
        ("2019年1月", "2019-01"),
        ("2019-01-11 08:02:47", "2019-01-11T08:02:47"),
        ("二〇一〇年一月十九日", "2010-01-19"),
        ("2017年全年", "2017"),
        ("2019", "2019"),
        ("12月20日", "2017-12-20"),
    ],
)
def test_date_normalisation(text, value):
    assert normalize_date(text, default_year=2017)["value"] == value


def test_date_without_year_context():
    assert normalize_date("12月20日")["value"] == "--12-20"


def test_agency_short_forms_resolve_to_the_reports_own_body():
    own = "南昌市东湖区人民政府"
    assert resolve_agency("区政府", own) == "南昌市东湖区政府"
    assert resolve_agency("區政府辦", own) == "南昌市东湖区政府办"
    assert resolve_agency("国务院办公厅", own) == "国务院办公厅"


@pytest.mark.parametrize(
    "text,kind",
    [
        ("政府门户网站", "website"), ("政务微博", "weibo"), ("微信公众号", "wechat"), ("政府公报", "gazette"),
        ("公开栏", "bulletin board"), ("12345热线", "hotline"), ("新闻发布会", "press event"), ("当面", "in person"),
        ("信函", "post"), ("网络", "online"), ("传真", "fax"), ("电子邮件", "email"), ("昆明五华", "other"),
    ],
)
def test_channel_kinds(text, kind):
    assert channel_kind(text) == kind
