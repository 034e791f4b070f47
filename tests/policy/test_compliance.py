from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from policy.compliance import (
    ComplianceFacts,
    ConditionResult,
    Level,
    MemberInfo,
    assess,
    leader_qualifies,
    overall,
    worst_first,
)

MET, AT_RISK, MISSING = Level.MET, Level.AT_RISK, Level.MISSING

TEAM = (
    MemberInfo("电气", "本科", 1974),
    MemberInfo("机械", "大专", 1990),
    MemberInfo("电气", "本科", 1998),
)

# A studio meeting every condition on 2026-06-01.
GOOD = ComplianceFacts(
    leader_honour="provincial_model_worker",
    members=TEAM,
    approved_project_years=(2026,),
    achievement_dates=(date(2026, 3, 1),),
    named_on=date(2025, 3, 1),
    applied_on=date(2024, 11, 1),
    venue="景洪市某厂二楼",
    income_sources=("host_unit", "prefecture_subsidy"),
)


def condition(facts: ComplianceFacts, today: date, clause: int) -> ConditionResult:
    result = assess(facts, today)[clause - 1]
    assert result.clause == clause
    return result


# --- the whole assessment -------------------------------------------------------


def test_assess_returns_five_results_in_clause_order() -> None:
    results = assess(GOOD, date(2026, 6, 1))
    assert [r.clause for r in results] == [1, 2, 3, 4, 5]
    assert [r.level for r in results] == [MET] * 5
    assert overall(results) == MET


def test_assess_of_an_empty_draft() -> None:
    results = assess(ComplianceFacts(leader_honour="other"), date(2026, 6, 1))
    assert [(r.level, r.fact_key) for r in results] == [
        (MISSING, "status.leader.not_qualified"),
        (MISSING, "status.team.too_small"),
        (AT_RISK, "status.project.pending"),
        (AT_RISK, "status.achievement.no_window"),
        (MISSING, "status.venue_funds.none"),
    ]
    assert overall(results) == MISSING


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((), MET),
        ((MET, MET), MET),
        ((MET, AT_RISK), AT_RISK),
        ((AT_RISK, MISSING, MET), MISSING),
    ],
)
def test_overall_is_the_worst_level(levels: tuple[Level, ...], expected: Level) -> None:
    results = [ConditionResult(i + 1, level, "k") for i, level in enumerate(levels)]
    assert overall(results) == expected


# --- (1) leader: Art. 3, Art. 6(1) --------------------------------------------------


@pytest.mark.parametrize(
    ("honour", "qualifies"),
    [
        ("national_model_worker", True),
        ("provincial_model_worker", True),
        ("provincial_advanced_worker", True),
        ("model_worker_treatment", True),
        # Art. 3: a prefecture- or county-level model worker cannot lead a studio.
        ("other", False),
        ("prefecture_model_worker", False),
        ("", False),
        ("NATIONAL_MODEL_WORKER", False),
    ],
)
def test_leader_honour(honour: str, qualifies: bool) -> None:
    assert leader_qualifies(honour) is qualifies
    result = condition(replace(GOOD, leader_honour=honour), date(2026, 6, 1), 1)
    if qualifies:
        assert (result.level, result.fact_key) == (MET, "status.leader.ok")
    else:
        assert (result.level, result.fact_key) == (MISSING, "status.leader.not_qualified")
    assert result.params == {"honour": honour}


# --- (2) team: Art. 6(2) ------------------------------------------------------------


def _m(specialty: str, education: str, birth_year: int | None, active: bool = True) -> MemberInfo:
    return MemberInfo(specialty, education, birth_year, active)


@pytest.mark.parametrize(
    ("members", "level", "key"),
    [
        pytest.param((), MISSING, "status.team.too_small", id="no-members"),
        pytest.param(TEAM[:2], MISSING, "status.team.too_small", id="two-members"),
        pytest.param(TEAM, MET, "status.team.ok", id="three-diverse"),
        pytest.param(
            (*TEAM[:2], _m("化工", "硕士", 1980, active=False), _m("财务", "博士", 1960, False)),
            MISSING,
            "status.team.too_small",
            id="inactive-members-do-not-make-up-the-number",
        ),
        pytest.param(
            (*TEAM, _m("", "", None, active=False)),
            MET,
            "status.team.ok",
            id="inactive-member-lacking-data-ignored",
        ),
        pytest.param(
            (*TEAM[:2], _m("电气", "本科", None)),
            AT_RISK,
            "status.team.incomplete",
            id="member-lacks-birth-year",
        ),
        pytest.param(
            (*TEAM[:2], _m("电气", "  ", 1998)),
            AT_RISK,
            "status.team.incomplete",
            id="member-lacks-education",
        ),
        pytest.param(
            (*TEAM[:2], _m("", "本科", 1998)),
            AT_RISK,
            "status.team.incomplete",
            id="member-lacks-specialty",
        ),
        pytest.param(
            (_m("电气", "本科", 1970), _m("电气 ", "大专", 1985), _m("电气", "硕士", 1995)),
            AT_RISK,
            "status.team.one_specialty",
            id="one-specialty-ignoring-spaces",
        ),
        pytest.param(
            (_m("IT", "本科", 1970), _m("it", "大专", 1985), _m("It", "硕士", 1995)),
            AT_RISK,
            "status.team.one_specialty",
            id="one-specialty-ignoring-case",
        ),
        pytest.param(
            (_m("电气", "本科", 1970), _m("机械", "本科", 1985), _m("化工", "本科", 1995)),
            AT_RISK,
            "status.team.one_education",
            id="one-education",
        ),
        pytest.param(
            (_m("电气", "本科", 1980), _m("机械", "大专", 1985), _m("化工", "硕士", 1989)),
            AT_RISK,
            "status.team.narrow_ages",
            id="age-spread-9",
        ),
        pytest.param(
            (_m("电气", "本科", 1980), _m("机械", "大专", 1985), _m("化工", "硕士", 1990)),
            MET,
            "status.team.ok",
            id="age-spread-10",
        ),
        pytest.param(
            (*TEAM[1:], _m("化工", "硕士", 1960, active=False), _m("财务", "大专", 1991)),
            AT_RISK,
            "status.team.narrow_ages",
            id="inactive-member-does-not-widen-ages",
        ),
        pytest.param(
            (_m("电气", "本科", None), _m("电气", "本科", None), _m("电气", "本科", None)),
            AT_RISK,
            "status.team.incomplete",
            id="missing-data-reported-before-structure",
        ),
    ],
)
def test_team(members: tuple[MemberInfo, ...], level: Level, key: str) -> None:
    result = condition(replace(GOOD, members=members), date(2026, 6, 1), 2)
    assert (result.level, result.fact_key) == (level, key)


def test_team_params_describe_the_structure() -> None:
    # "团队 5 人：3 个专业、学历 本科/大专、年龄 28–52 岁"
    members = (
        _m("电气", "本科", 1974),
        _m("机械", "大专", 1990),
        _m("电气", "本科", 1998),
        _m("自动化", "大专", 1985),
        _m("机械", "本科", 1980),
        _m("化工", "博士", 1950, active=False),
    )
    result = condition(replace(GOOD, members=members), date(2026, 12, 31), 2)
    assert result.level == MET
    assert result.params == {
        "size": 5,
        "min_size": 3,
        "specialties": 3,
        "educations": "本科/大专",
        "age_min": 28,
        "age_max": 52,
        "incomplete": 0,
        "min_age_spread": 10,
    }


def test_team_params_without_any_birth_year() -> None:
    members = (_m("电气", "本科", None), _m("机械", "大专", None))
    result = condition(replace(GOOD, members=members), date(2026, 6, 1), 2)
    assert result.params["age_min"] == result.params["age_max"] == 0
    assert result.params["incomplete"] == 2


# --- (3) projects: Art. 6(3) --------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "today", "level", "key", "params"),
    [
        ((2026,), date(2026, 6, 1), MET, "status.project.ok", {"year": 2026, "count": 1}),
        ((2025, 2026, 2026), date(2026, 1, 1), MET, "status.project.ok", {"count": 2}),
        ((2025,), date(2025, 12, 31), MET, "status.project.ok", {"year": 2025}),
        # A new calendar year starts with nothing approved.
        ((2025,), date(2026, 1, 1), AT_RISK, "status.project.pending", {"days_left": 364}),
        ((), date(2026, 9, 30), AT_RISK, "status.project.pending", {"days_left": 92}),
        ((), date(2026, 10, 1), MISSING, "status.project.none", {"days_left": 91}),
        ((), date(2026, 12, 31), MISSING, "status.project.none", {"days_left": 0}),
        # Next year's project does not count for this year.
        ((2027,), date(2026, 12, 31), MISSING, "status.project.none", {"year": 2026}),
        # Leap year: 366 days.
        ((), date(2024, 1, 1), AT_RISK, "status.project.pending", {"days_left": 365}),
        ((), date(2024, 2, 29), AT_RISK, "status.project.pending", {"late_from": "2024-10-01"}),
    ],
)
def test_projects(
    years: tuple[int, ...], today: date, level: Level, key: str, params: dict[str, object]
) -> None:
    result = condition(replace(GOOD, approved_project_years=years), today, 3)
    assert (result.level, result.fact_key) == (level, key)
    assert params.items() <= result.params.items()


# --- (4) achievements: Art. 6(4) ----------------------------------------------------

NAMED = date(2025, 3, 1)  # windows [2025-03-01, 2027-03-01), last day 2027-02-28


@pytest.mark.parametrize(
    ("named_on", "applied_on", "achieved", "today", "level", "key", "params"),
    [
        pytest.param(
            NAMED,
            None,
            (date(2026, 6, 1),),
            date(2026, 11, 27),
            MET,
            "status.achievement.ok",
            {
                "start": "2025-03-01",
                "end": "2027-02-28",
                "days": 93,
                "last": "2026-06-01",
                "count": 1,
            },
            id="met-93-days-left",
        ),
        pytest.param(
            NAMED,
            None,
            (date(2025, 4, 1), date(2026, 6, 1), date(2024, 1, 1)),
            date(2026, 7, 1),
            MET,
            "status.achievement.ok",
            {"last": "2026-06-01", "count": 2},
            id="counts-only-the-window",
        ),
        pytest.param(
            NAMED, None, (), date(2026, 11, 29), AT_RISK, "status.achievement.pending",
            {"days": 91}, id="none-91-days-left",
        ),
        pytest.param(
            NAMED, None, (), date(2026, 11, 30), MISSING, "status.achievement.closing",
            {"days": 90}, id="none-90-days-left",
        ),
        pytest.param(
            NAMED, None, (), date(2027, 2, 27), MISSING, "status.achievement.closing",
            {"days": 1, "end": "2027-02-28"}, id="day-before-closing",
        ),
        pytest.param(
            NAMED, None, (), date(2027, 2, 28), MISSING, "status.achievement.closing",
            {"days": 0}, id="closing-day",
        ),
        pytest.param(
            NAMED, None, (date(2027, 2, 28),), date(2027, 2, 28), MET, "status.achievement.ok",
            {"last": "2027-02-28"}, id="achieved-on-closing-day",
        ),
        pytest.param(
            NAMED, None, (date(2025, 3, 1),), date(2025, 3, 1), MET, "status.achievement.ok",
            {"days": 729}, id="achieved-on-naming-day",
        ),
        pytest.param(
            NAMED,
            None,
            (),
            date(2027, 3, 1),
            MISSING,
            "status.achievement.lapsed",
            {"lapsed_end": "2027-02-28", "start": "2027-03-01", "end": "2029-02-28", "days": 730},
            id="window-closed-empty",
        ),
        pytest.param(
            NAMED, None, (date(2026, 6, 1),), date(2027, 3, 1), AT_RISK,
            "status.achievement.pending", {"days": 730}, id="new-window-after-a-met-one",
        ),
        pytest.param(
            NAMED, None, (date(2025, 2, 28),), date(2026, 6, 1), AT_RISK,
            "status.achievement.pending", {}, id="before-naming-does-not-count",
        ),
        pytest.param(
            NAMED, None, (date(2026, 12, 1),), date(2026, 6, 1), AT_RISK,
            "status.achievement.pending", {}, id="future-date-does-not-count",
        ),
        # Windows crossing 31 December / 1 January.
        pytest.param(
            date(2024, 1, 1), None, (), date(2025, 12, 31), MISSING,
            "status.achievement.closing", {"end": "2025-12-31", "days": 0}, id="closes-31-dec",
        ),
        pytest.param(
            date(2024, 1, 1), None, (), date(2026, 1, 1), MISSING, "status.achievement.lapsed",
            {"lapsed_end": "2025-12-31", "end": "2027-12-31"}, id="lapsed-on-1-jan",
        ),
        pytest.param(
            date(2024, 1, 1), None, (date(2025, 12, 31),), date(2026, 1, 1), AT_RISK,
            "status.achievement.pending", {"end": "2027-12-31"}, id="met-on-31-dec-then-1-jan",
        ),
        # Named on a leap day: the first window ends 2026-02-28 (exclusive).
        pytest.param(
            date(2024, 2, 29), None, (), date(2025, 11, 28), AT_RISK,
            "status.achievement.pending", {"end": "2026-02-27", "days": 91}, id="leap-91-days",
        ),
        pytest.param(
            date(2024, 2, 29), None, (), date(2025, 11, 29), MISSING,
            "status.achievement.closing", {"days": 90}, id="leap-90-days",
        ),
        pytest.param(
            date(2024, 2, 29), None, (), date(2026, 2, 27), MISSING,
            "status.achievement.closing", {"days": 0}, id="leap-closing-day",
        ),
        pytest.param(
            date(2024, 2, 29), None, (), date(2026, 2, 28), MISSING, "status.achievement.lapsed",
            {"lapsed_end": "2026-02-27", "start": "2026-02-28", "end": "2028-02-28"},
            id="leap-next-window",
        ),
        pytest.param(
            date(2024, 2, 29), None, (date(2026, 2, 27),), date(2026, 2, 27), MET,
            "status.achievement.ok", {"end": "2026-02-27"}, id="leap-met-on-last-day",
        ),
        # Before naming the window counts from the application.
        pytest.param(
            None, date(2025, 6, 15), (), date(2026, 1, 1), AT_RISK,
            "status.achievement.pending", {"start": "2025-06-15", "end": "2027-06-14"},
            id="from-application",
        ),
        pytest.param(
            None, date(2025, 6, 15), (date(2025, 7, 1),), date(2026, 1, 1), MET,
            "status.achievement.ok", {"count": 1}, id="from-application-met",
        ),
        pytest.param(
            NAMED, date(2024, 11, 1), (date(2025, 1, 1),), date(2026, 1, 1), AT_RISK,
            "status.achievement.pending", {"start": "2025-03-01"}, id="naming-date-wins",
        ),
        pytest.param(
            None, None, (date(2025, 1, 1), date(2027, 1, 1)), date(2026, 1, 1), AT_RISK,
            "status.achievement.no_window", {"count": 1}, id="no-date-to-count-from",
        ),
    ],
)  # fmt: skip
def test_achievements(
    named_on: date | None,
    applied_on: date | None,
    achieved: tuple[date, ...],
    today: date,
    level: Level,
    key: str,
    params: dict[str, object],
) -> None:
    facts = replace(GOOD, named_on=named_on, applied_on=applied_on, achievement_dates=achieved)
    result = condition(facts, today, 4)
    assert (result.level, result.fact_key) == (level, key)
    assert params.items() <= result.params.items()


# --- (5) venue and funds: Art. 6(5), Art. 9 -----------------------------------------


@pytest.mark.parametrize(
    ("venue", "incomes", "level", "key", "params"),
    [
        (
            "XX",
            ("host_unit", "other"),
            MET,
            "status.venue_funds.ok",
            {"venue": "XX", "incomes": 2, "host_unit_incomes": 1},
        ),
        ("XX", ("other_union",), MET, "status.venue_funds.ok", {"host_unit_incomes": 0}),
        (" XX ", ("host_unit",), MET, "status.venue_funds.ok", {"venue": "XX"}),
        ("XX", (), AT_RISK, "status.venue_funds.no_funds", {"incomes": 0}),
        ("", ("host_unit",), AT_RISK, "status.venue_funds.no_venue", {"venue": ""}),
        ("   ", ("host_unit",), AT_RISK, "status.venue_funds.no_venue", {"venue": ""}),
        ("", (), MISSING, "status.venue_funds.none", {"incomes": 0}),
    ],
)
def test_venue_and_funds(
    venue: str, incomes: tuple[str, ...], level: Level, key: str, params: dict[str, object]
) -> None:
    result = condition(replace(GOOD, venue=venue, income_sources=incomes), date(2026, 6, 1), 5)
    assert (result.level, result.fact_key) == (level, key)
    assert params.items() <= result.params.items()


# --- officer view ---------------------------------------------------------------------

_LEVELS = {".": MET, "!": AT_RISK, "x": MISSING}


def _results(pattern: str) -> tuple[ConditionResult, ...]:
    return tuple(ConditionResult(i + 1, _LEVELS[c], "k") for i, c in enumerate(pattern))


@pytest.mark.parametrize(
    ("studios", "expected"),
    [
        ([], []),
        # One more ❌ outweighs any number of ⚠️.
        ([("甲", "!!!!x"), ("乙", "xx...")], ["乙", "甲"]),
        # Same ❌: more ⚠️ first.
        ([("甲", "x!..."), ("乙", "x!!..")], ["乙", "甲"]),
        # All equal: by name, in Unicode order (radical-stroke for 汉字: 乙 before 甲).
        ([("甲", "....."), ("乙", ".....")], ["乙", "甲"]),
        ([("B", "!!..."), ("A", "!!...")], ["A", "B"]),
        ([("B", "!...."), ("A", "....."), ("C", "x....")], ["C", "B", "A"]),
    ],
)
def test_worst_first(studios: list[tuple[str, str]], expected: list[str]) -> None:
    ordered = worst_first([(name, _results(p)) for name, p in studios])
    assert [name for name, _ in ordered] == expected


def test_worst_first_keeps_results_and_input_order_on_ties() -> None:
    first, second = _results("x...."), _results("....x")
    ordered = worst_first([("同名", first), ("同名", second)])
    assert ordered == [("同名", first), ("同名", second)]
