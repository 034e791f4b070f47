from datetime import date

import pytest

from policy.regulation import (
    ARTICLE_COUNT,
    RegulationFormatError,
    chinese_numeral,
    load_regulation,
    parse_article_number,
    parse_regulation,
)


def test_nineteen_articles_in_order() -> None:
    reg = load_regulation()
    assert reg.title == "西双版纳州劳模创新工作室管理办法"
    assert [a.number for a in reg.articles] == list(range(1, ARTICLE_COUNT + 1))
    assert all(a.text and not a.text.startswith("第") for a in reg.articles)


def test_load_is_cached() -> None:
    assert load_regulation() is load_regulation()


def test_article_six_has_five_clauses() -> None:
    art6 = load_regulation().article(6)
    assert [c.number for c in art6.clauses] == [1, 2, 3, 4, 5]
    assert art6.clause(1).text.startswith("(一)有劳模领衔")
    assert "每年至少有1个立项的创新课题" in art6.clause(3).text
    assert art6.clause(5).text.endswith("经费由所在单位统一保障。")
    for clause in art6.clauses:
        assert clause.text in art6.text


@pytest.mark.parametrize("number", [n for n in range(1, 20) if n != 6])
def test_other_articles_have_no_clauses(number: int) -> None:
    assert load_regulation().article(number).clauses == ()


def test_article_lookup() -> None:
    reg = load_regulation()
    assert reg.article(17).heading == "第十七条"
    assert "12月31日前报州总工会备案" in reg.article(17).text
    assert reg.article(19).text.startswith("本《办法》自发布之日起实施")
    for missing in (0, 20, -1):
        with pytest.raises(KeyError):
            reg.article(missing)


def test_notice_fields() -> None:
    notice = load_regulation().notice
    assert notice.doc_number == "西工发〔2018〕56号"
    assert notice.title == "西双版纳州总工会关于印发《西双版纳州劳模创新工作室管理办法》的通知"
    assert notice.addressees == "各县市总工会,区工会,教育工会,各州直单位工会"
    assert "党组审议通过" in notice.body
    assert notice.issuer == "西双版纳州总工会"
    assert notice.issued_on == date(2018, 8, 2)


def test_malformed_source_is_rejected() -> None:
    with pytest.raises(RegulationFormatError):
        parse_regulation("# x\n\n## y\n\n第一条 only one article\n")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (17, "十七"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
    ],
)
def test_chinese_numeral(n: int, expected: str) -> None:
    assert chinese_numeral(n) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17", 17),
        ("十七", 17),
        ("第十七条", 17),
        ("第17条", 17),
        (" 6 ", 6),
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("十九", 19),
        ("第十九条", 19),
        ("１７", 17),
        ("第 6 条", 6),
        ("二十", None),
        ("20", None),
        ("0", None),
        ("零", None),
        ("第二十条", None),
        ("十十", None),
        ("一十一十", None),
        ("", None),
        ("   ", None),
        ("abc", None),
        ("第条", None),
        ("6a", None),
        ("-6", None),
        ("99999999999999999999", None),
    ],
)
def test_parse_article_number(text: str, expected: int | None) -> None:
    assert parse_article_number(text) == expected
