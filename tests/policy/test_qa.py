from datetime import date
from pathlib import Path

import pytest

from policy.eval import evaluate
from policy.qa import Answer, QAEngine
from policy.regulation import load_regulation
from policy.render import NOT_COVERED_ZH, render_answer_zh

# A copy of ../shared/regulation/dev_questions.tsv, so the floor is checked on every machine.
DEV_SET = Path(__file__).resolve().parent / "dev_questions.tsv"
TUNING_SETS = sorted(Path(__file__).parent.glob("tuning*_questions.tsv"))


@pytest.fixture(scope="module")
def engine() -> QAEngine:
    engine = QAEngine()
    engine.warm()
    return engine


def ask(engine: QAEngine, question: str) -> Answer:
    return engine.answer(question)


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("工作室的带头人得是什么级别的劳模?", 3),  # 带头人 -> 负责人
        ("州里给工作室的补贴能挪作他用吗?", 9),  # 补贴 -> 补助, 州里 -> 州总工会
        ("工作室平时活动的钱谁来出?", 9),  # 钱 -> 经费
        ("多少年复查一次?", 17),  # 复查 -> 复核
        ("要建立哪几本台账?", 11),  # 台账 -> 台帐
        ("工作室搞出的专利归谁?", 14),  # 专利 -> 知识产权
        ("复核不合格会被摘牌吗?", 17),
        ("工作室成员能优先去休养吗?", 13),
        ("办法的解释权在谁手里?", 19),
        ("创新内容主要有哪几种?", 7),
    ],
)
def test_colloquial_questions_cite_the_right_article(
    engine: QAEngine, question: str, article: int
) -> None:
    answer = ask(engine, question)
    assert answer.covered
    assert answer.article == article
    assert not answer.about_notice
    assert answer.quote
    assert article not in answer.related
    assert 1 <= len(answer.related) <= 3


def test_quote_is_the_relevant_sentence(engine: QAEngine) -> None:
    answer = ask(engine, "资金要不要专款专用?")
    assert answer.article == 9
    assert "专款专用" in answer.quote
    assert "一次性补助" not in answer.quote


def test_art6_question_quotes_only_the_condition_asked(engine: QAEngine) -> None:
    reg = load_regulation()
    answer = ask(engine, "工作室一年至少要立项几个课题?")
    assert answer.article == 6
    assert answer.clause == 3
    assert answer.quote == reg.article(6).clause(3).text
    for other in (1, 2, 4, 5):
        assert reg.article(6).clause(other).text not in answer.quote


def test_general_art6_question_quotes_all_conditions(engine: QAEngine) -> None:
    answer = ask(engine, "创建工作室有哪些基本条件?")
    assert answer.article == 6
    assert answer.clause is None
    assert answer.quote == load_regulation().article(6).text


@pytest.mark.parametrize(
    ("question", "article", "clause"),
    [
        ("第十七条", 17, None),
        ("第17条讲什么", 17, None),
        ("第六条第三项是什么", 6, 3),
        ("基本条件第二条是什么", 6, 2),
        ("article 9", 9, None),
    ],
)
def test_article_references(
    engine: QAEngine, question: str, article: int, clause: int | None
) -> None:
    answer = ask(engine, question)
    assert (answer.covered, answer.article, answer.clause) == (True, article, clause)


def test_reference_to_a_missing_article_is_not_covered(engine: QAEngine) -> None:
    answer = ask(engine, "第二十条说了什么?")
    assert not answer.covered
    assert answer.article is None


def test_deadline_question_states_days_left(engine: QAEngine) -> None:
    answer = ask(engine, "年度考核什么时候报上去?还剩几天?")
    assert answer.covered and answer.article == 17 and answer.asks_deadline
    assert "12月31日" in answer.quote
    text = render_answer_zh(answer, load_regulation(), date(2026, 12, 1))
    assert text.splitlines()[0].startswith("第十七条")
    assert "距离 2026年12月31日 报送截止还有 30 天" in text


def test_re_review_question_is_not_a_deadline_question(engine: QAEngine) -> None:
    answer = ask(engine, "州总工会几年复核一次?")
    assert answer.article == 17
    assert not answer.asks_deadline
    assert "复核" in answer.quote


def test_notice_questions_are_answered_from_the_header(engine: QAEngine) -> None:
    answer = ask(engine, "这个文件的文号是多少?")
    assert answer.covered and answer.about_notice and answer.article is None
    assert "西工发〔2018〕56号" in answer.quote
    assert "2018年8月2日" in answer.quote


@pytest.mark.parametrize(
    "question",
    [
        "工会会费怎么交?",
        "请假扣不扣工资?",
        "工作室的一次性补助有多少钱?",  # the regulation states no amount
        "全国劳模怎么评?",
        "明天景洪下雨吗?",
        "差旅费怎么报销?",
        "昆明的劳模创新工作室怎么管理?",
        "Excel 怎么用?",
    ],
)
def test_out_of_scope_cites_nothing(engine: QAEngine, question: str) -> None:
    answer = ask(engine, question)
    assert not answer.covered
    assert answer.article is None
    assert answer.related == ()
    assert answer.quote == ""
    text = render_answer_zh(answer, load_regulation(), date(2026, 6, 1))
    assert text.startswith(NOT_COVERED_ZH)
    assert "/regulation" in text
    assert "第" not in text


@pytest.mark.parametrize(
    "question",
    [
        "",
        "   ",
        "?",
        "😀😀😀",
        "工作室" * 3000,
        "x" * 10_000,
        "What is the deadline?",
        "第",
        "第九九九九九九九九九九条",
        "第六条第九项",
        "\x00\ufffd\u200b",
        "12月31日",
        "()（）【】",
    ],
)
def test_never_raises(engine: QAEngine, question: str) -> None:
    answer = ask(engine, question)
    assert isinstance(answer, Answer)
    if not answer.covered:
        assert answer.article is None
    render_answer_zh(answer, load_regulation(), date(2026, 12, 31))


def test_warm_is_idempotent() -> None:
    engine = QAEngine()
    engine.warm()
    engine.warm()
    assert engine.answer("台账有哪些").article == 11


def test_dev_set_floor(engine: QAEngine) -> None:
    result = evaluate(DEV_SET, engine, today=date(2026, 6, 1))
    assert result.accuracy >= 0.95, [m.case.question for m in result.misses]


@pytest.mark.parametrize("path", TUNING_SETS, ids=lambda p: p.name)
def test_tuning_set_floor(engine: QAEngine, path: Path) -> None:
    result = evaluate(path, engine, today=date(2026, 6, 1))
    assert result.accuracy >= 0.9, [m.case.question for m in result.misses]


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("工作室命名谁说了算?", 8),  # 说了算 -> 决定; filler does not sink coverage
        ("这办法现在生效了没有?", 19),
        ("工作室这个称号是终身的吗?", 17),
        ("当工作室负责人得有啥本事?", 3),
        ("我们单位自己搞的工作室归不归这个办法管?", 2),
    ],
)
def test_colloquial_filler_does_not_cause_refusal(
    engine: QAEngine, question: str, article: int
) -> None:
    answer = ask(engine, question)
    assert answer.covered and answer.article == article, answer.reason


@pytest.mark.parametrize(
    ("question", "signal"),
    [
        ("补助什么时候能到账?", "money_timing"),
        ("申报每年几月份开始?", "application_timing"),
        ("工作室最多能有多少人?", "unstated_limit"),
        ("申报要交手续费吗?", "fees"),
        ("补助要交税吗?", "tax_insurance"),
        ("专利咋申请", "ip_filing"),
        ("可以申请国家级工作室不", "other_programme"),
        ("撤牌了补助要退回不", "refund"),
    ],
)
def test_near_miss_questions_are_refused_by_signal(
    engine: QAEngine, question: str, signal: str
) -> None:
    answer = ask(engine, question)
    assert not answer.covered and answer.article is None
    assert answer.reason == f"signal:{signal}"


@pytest.mark.parametrize(
    ("question", "article", "clause"),
    [
        ("必须有劳模么", 6, 1),  # having a model worker at the head is condition (一)
        ("劳模带头人需要有什么专长?", 3, None),  # the leader himself is Art. 3
        ("州里会管工作室么", 17, None),  # a union body managing studios, not scope
        ("工作室归谁管", 17, None),
        ("这办法管哪些工作室", 2, None),
        ("能直接报州总工会么", 8, None),
        ("本子要记啥", 11, None),
    ],
)
def test_neighbouring_articles_are_told_apart(
    engine: QAEngine, question: str, article: int, clause: int | None
) -> None:
    answer = ask(engine, question)
    assert answer.covered and answer.article == article, answer.reason
    assert answer.clause == clause


def test_generic_word_alone_is_not_enough_evidence(engine: QAEngine) -> None:
    answer = ask(engine, "工作室呢?")
    assert not answer.covered


# Held-out sets were written blind by people who never saw the engine, and are never tuned on.
# They only guard against regressions. heldout is the set (written before tuning,
# floor 90%); heldout2's misses were later described to a tuner, so it is no longer clean;
# heldout3 is the cleanest (88.7% when added), so its floor sits just below that.
HELDOUT_FLOORS = {
    "heldout_questions.tsv": 0.90,
    "heldout2_questions.tsv": 0.90,
    "heldout3_questions.tsv": 0.85,
}


@pytest.mark.parametrize("name", sorted(HELDOUT_FLOORS))
def test_heldout_set_floor(engine: QAEngine, name: str) -> None:
    result = evaluate(Path(__file__).parent / name, engine)
    assert result.accuracy >= HELDOUT_FLOORS[name], f"{name}: {result.accuracy:.1%}"
