from datetime import date
from pathlib import Path

import pytest

from policy import qa
from policy.eval import evaluate
from policy.qa import ANSWERED, MULTI, NONE, SILENT, Answer, QAEngine
from policy.regulation import load_regulation
from policy.render import render_answer

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
    text = render_answer(answer, load_regulation(), date(2026, 12, 1))
    assert text.splitlines()[0].startswith("✅ ")
    assert text.splitlines()[1].startswith("📖 第十七条")
    assert "截止日是 2026-12-31，还剩 30 天" in text


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
    assert answer.kind == NONE
    text = render_answer(answer, load_regulation(), date(2026, 6, 1))
    assert text.startswith("❔ 《办法》没有规定这个问题")
    assert "/regulation" in text and "州总工会" in text
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
    # The engine catches nothing, so an exception on any of these fails this test.
    answer = ask(engine, question)
    assert isinstance(answer, Answer)
    if not answer.covered:
        assert answer.article is None
    render_answer(answer, load_regulation(), date(2026, 12, 31))
    reply = engine.reply(question, previous=question)
    assert reply.parts
    render_answer(reply.parts[0], load_regulation(), date(2026, 12, 31), reply.lang)


def test_an_engine_error_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = QAEngine()
    engine.warm()

    def broken(text: str) -> Answer:
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(engine, "_retrieve", broken)
    with pytest.raises(RuntimeError):
        engine.answer("台账有哪些")


def test_a_repeated_question_is_answered_from_memory_with_the_same_reply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = QAEngine()
    first = engine.reply("考核什么时候报?", "台账有哪些")
    follow_up = engine.reply("那成果呢？", "工作室每年要有几个项目")
    calls: list[str] = []
    real = engine._answer
    monkeypatch.setattr(engine, "_answer", lambda text: calls.append(text) or real(text))
    assert engine.reply("考核什么时候报?", "台账有哪些") == first
    # not a follow-up: what was asked before plays no part, so another asker shares it
    assert engine.reply("考核什么时候报?", "补助有多少") == first
    assert engine.reply("考核什么时候报?") == first
    assert engine.reply("那成果呢？", "工作室每年要有几个项目") == follow_up
    assert calls == []  # all remembered: no retrieval
    # a follow-up depends on the question before it
    assert engine.reply("那成果呢？", "考核什么时候报") != follow_up
    assert calls
    calls.clear()
    engine.forget()
    assert engine.reply("考核什么时候报?", "台账有哪些") == first
    assert calls


@pytest.mark.parametrize("question", ["考核什么时候报", "台账有哪些", "补助经费能买电脑吗", "天气"])
def test_ranking_through_postings_equals_a_scan_of_every_unit(
    engine: QAEngine, question: str
) -> None:
    index = engine._index
    assert index is not None
    tokens = set(engine._tokenizer.tokens(engine.prepare(question)[1]))
    best: dict[int, tuple[float, object]] = {}
    for unit in index.units:  # BM25 as written, unit by unit
        norm = qa._K1 * (1 - qa._B + qa._B * unit.length / index.avg_length)
        score = 0.0
        for token in tokens:
            tf = unit.tf.get(token)
            if tf:
                score += index.idf[token] * tf * (qa._K1 + 1) / (tf + norm)
        if unit.label not in best or score > best[unit.label][0]:
            best[unit.label] = (score, unit)
    expected = sorted(best.items(), key=lambda kv: kv[1][0], reverse=True)
    got = engine._rank(tokens)
    assert [(r.label, r.score, r.unit) for r in got] == [(k, s, u) for k, (s, u) in expected]


def test_warm_is_idempotent() -> None:
    engine = QAEngine()
    engine.warm()
    engine.warm()
    assert engine.answer("台账有哪些").article == 11


def test_dev_set_floor(engine: QAEngine) -> None:
    result = evaluate(DEV_SET, engine, today=date(2026, 6, 1))
    assert result.accuracy >= 0.95, [m.case.question for m in result.misses]


# tuning26: 220 questions all in English, written blind; 62.3% at its first run, and
# still the hardest set the engine knows (English reaches it through a phrase map).
TUNING_FLOORS = {"tuning26_questions.tsv": 0.89}


@pytest.mark.parametrize("path", TUNING_SETS, ids=lambda p: p.name)
def test_tuning_set_floor(engine: QAEngine, path: Path) -> None:
    result = evaluate(path, engine, today=date(2026, 6, 1))
    floor = TUNING_FLOORS.get(path.name, 0.9)
    assert result.accuracy >= floor, [m.case.question for m in result.misses]


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
        ("补助要交税吗?", "tax_insurance"),
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


# A question on a topic the regulation covers, asking for what its text does not state.
@pytest.mark.parametrize(
    ("question", "article", "missing"),
    [
        ("工作室的一次性补助有多少钱?", 9, "amount"),
        ("补助什么时候能到账?", 9, "time"),
        ("申报每年几月份开始?", 8, "time"),
        ("专利咋申请", 14, "procedure"),
        ("专利申请费由谁承担?", 14, "funding"),
        ("申报要交手续费吗?", 8, "fee"),
        ("创新团队最少要几个人?", 6, "headcount"),
        ("技术培训要搞几次?", 4, "count"),
        ("复核不达标的可以申诉吗?", 17, "appeal"),
        ("成果得到认定了有没有奖励?", 6, "reward"),
    ],
)
def test_asked_facet_missing_from_the_clause_is_silent(
    engine: QAEngine, question: str, article: int, missing: str
) -> None:
    answer = ask(engine, question)
    assert (answer.kind, answer.article, answer.missing) == (SILENT, article, missing), (
        answer.reason
    )
    text = render_answer(answer, load_regulation(), date(2026, 6, 1))
    assert text.startswith("🟡 第") and "《办法》本身没有规定" in text


@pytest.mark.parametrize(
    "question",
    [
        "每年要有多少个立项的创新课题?",  # the clause states the number
        "考核情况什么时候报?",  # and the date
        "工作室由谁命名?",  # and the body
        "怎么申报劳模创新工作室?",  # and the procedure
        "台帐要建几本?",  # three, named
        "多少年复核一次?",
    ],
)
def test_asked_facet_present_in_the_clause_is_answered(engine: QAEngine, question: str) -> None:
    assert ask(engine, question).kind == ANSWERED


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("復核不達標會怎樣", 17),  # traditional characters
        ("复合不达标会怎样", 17),  # homophone typo
        ("老模要带徒弟不", 4),  # typo and a dialect particle
        ("工做室的台仗有几本", 11),
        ("咋个整才能申报工作室嘛", 8),  # dialect
        ("工作室每年要立项几个项目🙏🙏", 6),  # emoji
        ("工作室每年要有１个项目吗", 6),  # full-width digit
        ("啥子人可以当工作室负责人", 3),
    ],
)
def test_phone_typing(engine: QAEngine, question: str, article: int) -> None:
    answer = ask(engine, question)
    assert answer.kind == ANSWERED and answer.article == article, answer.reason


@pytest.mark.parametrize(
    ("question", "kind", "article"),
    [
        ("How many approved projects does a studio need every year?", ANSWERED, 6),
        ("Can a county-level model worker lead a studio?", ANSWERED, 3),
        ("Who owns the patents a studio produces?", ANSWERED, 14),
        ("When must the annual assessment be reported?", ANSWERED, 17),
        ("How much is the one-time subsidy?", SILENT, 9),
        ("How do I claim travel expenses?", NONE, None),
        # "how often" and a plain "review" were words the phrase map did not know
        ("How often are named studios reviewed?", ANSWERED, 17),
    ],
)
def test_english_questions(engine: QAEngine, question: str, kind: str, article: int | None) -> None:
    reply = engine.reply(question)
    assert reply.lang == "en"
    assert (reply.kind, reply.parts[0].article) == (kind, article), reply.parts[0].reason


def test_several_questions_in_one_message(engine: QAEngine) -> None:
    reply = engine.reply("台账要建几本？补助有多少钱？工资怎么发？")
    assert reply.kind == MULTI
    assert [(p.kind, p.article) for p in reply.parts] == [
        (ANSWERED, 11),
        (SILENT, 9),
        (NONE, None),
    ]
    run_on = engine.reply("工作室一年要几个项目成果两年要几项吗日常经费谁出")
    assert [p.article for p in run_on.parts][:1] == [6]
    single = engine.reply("我是州级劳模 能不能当工作室带头人")  # a space inside one question
    assert single.kind == ANSWERED and single.parts[0].article == 3


def test_follow_up_takes_what_the_previous_question_asked(engine: QAEngine) -> None:
    reply = engine.reply("那成果呢？", previous="工作室每年要有几个立项的项目？")
    assert (reply.parts[0].article, reply.parts[0].clause) == (6, 4)
    assert "成果" in reply.question  # kept for the next follow-up
    english = engine.reply("What about achievements?", previous="How many projects a year?")
    assert (english.parts[0].article, english.parts[0].clause, english.lang) == (6, 4, "en")
    # Not elliptical: answered on its own even with a previous question.
    alone = engine.reply("台账要建几本？", previous="工作室每年要有几个立项的项目？")
    assert alone.parts[0].article == 11


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
# They only guard against regressions. heldout is the issue's set (written before tuning,
# floor 90%); heldout2's misses were later described to a tuner, so it is no longer clean;
# heldout3 is the cleanest (88.7% when added, 92.5% with the second-generation engine,
# 95.3% after blindA's causes were fixed).  blindA was written blind (83.0% at its first
# run); its misses were then studied, so it too is now only a regression guard.  So is
# blindB (81.5% at its first run, 95.4% once the causes of its misses were fixed).
# blindC is the honest estimate: written blind, scored once (86.2%) after all tuning of this
# round, and NEVER tuned on; its floor is that first score. Write a new blind set to measure
# the next round; do not study blindC's misses.
HELDOUT_FLOORS = {
    "heldout_questions.tsv": 0.97,
    "heldout2_questions.tsv": 0.97,
    "heldout3_questions.tsv": 0.95,
    "blindA_questions.tsv": 0.99,
    # blindB: written blind, 81.5% at its first run; its misses were then studied (qa3)
    "blindB_questions.tsv": 0.94,
    "blindC_questions.tsv": 0.86,
    # Since the learned second opinion (policy.learned), every set above, blindD, blindE and
    # blindF are training data: these floors only guard against regressions.  First runs:
    # blindD 86.9%, blindE 85.4%, blindF 90.0%, blindG 83.8%.  blindI is the one set no
    # model and no tuner has seen (policy.training.HELD_OUT).
    "blindD_questions.tsv": 0.95,
    "blindE_questions.tsv": 0.95,
    "blindF_questions.tsv": 0.95,
    "blindG_questions.tsv": 0.9,
    # blindH: 87.7% at its first run (2b8447b; the lexical engine alone 78.5%); training
    # data since, so a regression guard.
    "blindH_questions.tsv": 0.95,
    # blindI, never trained or tuned on: 94.6% at its first and only run (4d9bfd6; the
    # lexical engine alone: 88.5%).  policy.training.HELD_OUT.  Never tune on it.
    "blindI_questions.tsv": 0.94,
    # blindJ, written after the last tuning of the round and scored once (b5bf801): 96.2%
    # (the lexical engine alone: 90.8%).  Held out too; never tune on it.
    "blindJ_questions.tsv": 0.96,
}

FINAL_SETS = ("blindI_questions.tsv", "blindJ_questions.tsv")


def test_the_issues_floors_on_the_sets_never_tuned_on(engine: QAEngine) -> None:
    # Issue 10's floors, on the two sets written blind and scored once after this round's
    # tuning (pooled, 260 questions: 248 right at their first runs; English 46/50, near
    # misses 64/68).
    results = [evaluate(Path(__file__).parent / name, engine) for name in FINAL_SETS]

    def share(**what: str) -> float:
        right = sum(r.count(**what)[0] for r in results)  # type: ignore[arg-type]
        total = sum(r.count(**what)[1] for r in results)  # type: ignore[arg-type]
        return right / total

    near = [r.count(kind=k) for r in results for k in (SILENT, NONE)]
    assert share() >= 0.95
    assert share(lang="en") >= 0.9
    assert sum(r for r, _ in near) / sum(t for _, t in near) >= 0.9


@pytest.mark.parametrize("name", sorted(HELDOUT_FLOORS))
def test_heldout_set_floor(engine: QAEngine, name: str) -> None:
    result = evaluate(Path(__file__).parent / name, engine)
    assert result.accuracy >= HELDOUT_FLOORS[name], f"{name}: {result.accuracy:.1%}"


# The issue's floors per kind, on our own sets written in the new format (English, near
# misses, several questions in one message).
KIND_SETS = (
    *(f"tuning{n}_questions.tsv" for n in range(9, 24)),
    "blindA_questions.tsv",
    "blindB_questions.tsv",
)


def test_floors_per_kind_and_language(engine: QAEngine) -> None:
    results = [evaluate(Path(__file__).parent / name, engine) for name in KIND_SETS]

    def share(**what: str) -> float:
        right = sum(r.count(**what)[0] for r in results)  # type: ignore[arg-type]
        total = sum(r.count(**what)[1] for r in results)  # type: ignore[arg-type]
        assert total >= 5, what
        return right / total

    assert share(lang="en") >= 0.95
    assert share(kind=SILENT) >= 0.92  # near misses: related-but-silent or not covered
    assert share(kind=NONE) >= 0.97
    assert share(kind=MULTI) >= 0.95
    assert share(kind=ANSWERED) >= 0.96


def test_every_facet_can_be_said_in_both_languages() -> None:
    from policy.answers import DIRECT, FACET_PATTERNS, MISSING_EN, MISSING_ZH
    from policy.qa import GENERIC_MISSING

    names = {name for name, _ in FACET_PATTERNS}
    # "point": the learned model judged a question silent without a facet naming the point
    assert names | {GENERIC_MISSING} == set(MISSING_ZH) == set(MISSING_EN)
    for unit, direct in DIRECT.items():
        assert direct.present <= names, unit
        assert direct.zh and direct.en, unit


def test_every_sentence_and_condition_has_a_direct_answer(engine: QAEngine) -> None:
    from policy.answers import ART6_ALL, DIRECT, NOTICE_UNIT, clause_unit

    regulation = load_regulation()
    for article in regulation.articles:
        if article.number == 6:
            assert ART6_ALL in DIRECT
            assert all(clause_unit(c.number) in DIRECT for c in article.clauses)
        else:
            units = engine._all_units(article.number, None)
            assert units and all(unit in DIRECT for unit in units), article.number
    assert NOTICE_UNIT in DIRECT


@pytest.mark.parametrize(
    ("question", "facet", "asked"),
    [
        # a specific level is a threshold; the general mix Art. 6(2) states is not
        ("团队成员要本科以上吗", "threshold", True),
        ("五十几岁还能进团队吗", "threshold", True),
        ("负责人有没有年龄限制", "threshold", True),
        ("团队的学历结构有要求吗", "threshold", False),
        ("团队年龄上有啥讲究", "threshold", False),
        # "随便拉几个人" is "a few people", not "how many"
        ("团队随便拉几个人行不行", "headcount", False),
        ("团队至少要几个人", "headcount", True),
        ("这个办法有效期到哪年", "expiry", True),
        ("成果赚了钱个人能分几成", "sharing", True),
        ("年度考核看哪些内容", "standard", True),
        ("年度考核什么时候报", "standard", False),
        # where the money would go is not what is asked about it
        ("补助能拿去发奖金吗", "reward", False),
    ],
)
def test_asked_facets(question: str, facet: str, asked: bool) -> None:
    from policy.answers import asked_facets

    assert (facet in asked_facets(question)) is asked


@pytest.mark.parametrize(
    ("question", "kind", "article"),
    [
        ("团队结构有啥讲究", ANSWERED, 6),
        ("团队成员有年龄限制不 五十几岁还能进不", SILENT, 6),
        ("这个办法有效期到哪年", SILENT, 19),
        ("评上了是不是永远有效", ANSWERED, 17),
        ("这个办法从哪天开始执行", ANSWERED, 19),
        ("我们县总要不要自己出个办法", ANSWERED, 18),
        ("单位自己挂牌的工作室算数吗", ANSWERED, 2),
        ("办法发布以前建的工作室算不算", ANSWERED, 19),
        ("补助的钱能挪去发过节福利吗", ANSWERED, 9),
        ("关于打造工会品牌项目,办法有何要求?", ANSWERED, 16),
    ],
)
def test_neighbouring_articles_and_kinds(
    engine: QAEngine, question: str, kind: str, article: int
) -> None:
    reply = engine.reply(question)
    assert len(reply.parts) == 1
    assert (reply.parts[0].kind, reply.parts[0].article) == (kind, article)


@pytest.mark.parametrize(
    ("message", "articles"),
    [
        ("每年考核啥时候报 还有这个办法归哪个解释", {17, 19}),
        ("县总是要每年考核还是要自己订办法 还是两样都要整", {17, 18}),
        ("文号是好多 哪天开始实施的", {None, 19}),  # None: the notice header
        # a comma between two questions is a pause like a space
        ("台账要建哪几本，考核结果几号前报上去", {11, 17}),
        ("who names the studios and how often are they reviewed after that", {8, 17}),
        ("doc number + from when is it valid", {None, 19}),
    ],
)
def test_second_questions_are_not_lost(engine: QAEngine, message: str, articles: set) -> None:
    reply = engine.reply(message)
    assert reply.kind == MULTI
    assert {p.article for p in reply.parts} == articles


@pytest.mark.parametrize(
    "message",
    [
        "工作室的钱是单位出还是工会出",  # either-or about one article
        "工作室除了劳模本人 其他成员要啥子人",  # the first piece asks nothing
        "我们工作室今年还没有立项的课题，这样符合要求吗？",
    ],
)
def test_one_question_stays_one(engine: QAEngine, message: str) -> None:
    assert len(engine.reply(message).parts) == 1


@pytest.mark.parametrize(
    ("message", "articles"),
    [
        # "第几条" and "找哪个" read as asking for a number and a body the article lacks;
        # the learned model knows such questions are answered (policy.qa.LEARNED_ANSWERED)
        ("高师带徒这个说法出自办法第几条", [4]),
        ("哪些工作室归这办法管，出了争议找哪个解释", [2, 19]),
    ],
)
def test_asking_words_misread_as_a_missing_point_are_answered(
    engine: QAEngine, message: str, articles: list[int]
) -> None:
    reply = engine.reply(message)
    assert [(p.kind, p.article) for p in reply.parts] == [(ANSWERED, a) for a in articles]


def test_english_the_phrase_map_cannot_read_is_not_guessed_from_nothing(
    engine: QAEngine,
) -> None:
    # An English question with no word the phrase map knows is read by the learned model
    # alone, and then only when it is as sure as a rescue needs (LEARNED_RESCUE).
    reply = engine.reply("what happens to the bananas")
    assert (reply.kind, reply.lang) == (NONE, "en")


@pytest.mark.parametrize("chinese", ["👍👍", "文号 什么时候"])
def test_a_chinese_question_is_never_read_in_an_english_ones_words(
    engine: QAEngine, chinese: str
) -> None:
    # "doc number when" translates to what "文号 什么时候" is; "what about gao shi dai tu"
    # and "👍👍" both come out empty.
    for english in ("doc number when", "what about gao shi dai tu"):
        engine.reply(english)
        _, text = engine.prepare(chinese)
        assert engine.model_text(text) == text
        engine.reply(chinese)  # a remembered read, too
        assert engine.model_text(text) == text


def test_a_part_outside_the_regulation_does_not_silence_the_part_inside(
    engine: QAEngine,
) -> None:
    reply = engine.reply("台账要几本 要用excel做吗")
    assert [(p.kind, p.article) for p in reply.parts] == [(ANSWERED, 11), (NONE, None)]
    # noise is not a question of its own
    assert len(engine.reply("工作室要几个项目 谢谢啦").parts) == 1


# blindB's misses, by cause; each case is in words of our own (tuning22/23 hold more).
@pytest.mark.parametrize(
    ("question", "kind", "article"),
    [
        # an article's own concept (持久, 台帐) decides when situation words dilute the rest
        ("工作室这个事情是一直要搞下去的吗 还是过两年就不搞了", ANSWERED, 16),
        ("我是系统工会的 我们要不要给下属的工作室弄本管理台账", ANSWERED, 11),
        # other programmes, other bodies, other titles
        ("人社局的首席技师工作室补助怎么申请", NONE, None),
        ("五一劳动奖章怎么报名", NONE, None),
        ("省总的示范性创新工作室多久评一次", NONE, None),
        ("How do I get my studio recognised as a national model studio by the ACFTU?", NONE, None),
        # a point the article on the topic does not state
        ("五年复核的五年从哪一年起算", SILENT, 17),
        ("补助可不可以拿来添置仪器设备", SILENT, 9),
        ("补助能不能给团队成员发讲课费", SILENT, 9),
        ("成果认定是县里认定也算还是必须州里认定", SILENT, 6),
        ("每年考核排最后的工作室会被罚吗", SILENT, 17),
        ("工作室补助用不完可以结转吗", SILENT, 9),
        ("Who are the judges when the federation evaluates and names studios?", SILENT, 8),
        ("How many training courses must a studio hold each year at least?", SILENT, 4),
        # whose measures: a county's or sector union's are Art. 18, a studio's Art. 10
        ("我们市还用不用自己订管理办法", ANSWERED, 18),
        ("工作室自己要定些啥子管理制度", ANSWERED, 10),
    ],
)
def test_blindb_causes(engine: QAEngine, question: str, kind: str, article: int | None) -> None:
    reply = engine.reply(question)
    assert len(reply.parts) == 1, [p.article for p in reply.parts]
    assert (reply.parts[0].kind, reply.parts[0].article) == (kind, article), reply.parts[0].reason


@pytest.mark.parametrize(
    ("message", "articles"),
    [
        ("成果工会帮不帮转化 先进事迹会不会宣传 成员疗休养能优先吗", {13, 14, 15}),
        ("台账要几本 补助给几次 复核多久一回", {9, 11, 17}),
        ("我在市总工会 年底考核要报哪里 我们市还用不用自己订管理办法", {17, 18}),
    ],
)
def test_run_ons_of_a_not_a_and_多久_questions_are_split(
    engine: QAEngine, message: str, articles: set[int]
) -> None:
    reply = engine.reply(message)
    assert {p.article for p in reply.parts} == articles


@pytest.mark.parametrize(
    "message",
    [
        "想评省级劳模 得具备哪些条件 找谁推荐",
        "全国劳模和工匠人才创新工作室要走什么程序?要不要省总推荐?",
    ],
)
def test_questions_after_another_programme_are_about_it(engine: QAEngine, message: str) -> None:
    reply = engine.reply(message)
    assert [p.kind for p in reply.parts] == [NONE]


def test_concepts_are_an_articles_own_distinctive_words(engine: QAEngine) -> None:
    engine.warm()
    assert engine._index is not None
    concepts = engine._index.concepts
    assert "w:台帐" in concepts[11] and "w:智囊团" in concepts[5] and "w:目的" in concepts[1]
    assert all("w:工作室" not in words for words in concepts.values())  # in every article


@pytest.mark.parametrize(
    ("typed", "kept", "fixed"),
    [
        ("单位同事说复合一次要几年", "同事", "复核"),  # an everyday word is no typo
        ("我用语音问一下老模工作室", "语音", "劳模"),  # nor is a window that cuts one in two
    ],
)
def test_pinyin_typos_spare_everyday_words(
    engine: QAEngine, typed: str, kept: str, fixed: str
) -> None:
    _, text = engine.prepare(typed)
    assert kept in text and fixed in text
