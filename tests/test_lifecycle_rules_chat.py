"""The lifecycle as real people use it: a second /apply, dates that contradict each other,
irreversible steps that ask first, and the naming subsidy the leader must not count twice."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from policy.lifecycle import Action, Honour, StudioStatus
from storage.errors import DomainError
from storage.models import FundRecord, Studio
from storage.studios import Details, StudioApplication, StudioService
from tests.factories import add_studio, union_named
from tests.harness import BotHarness
from tests.test_lifecycle_chat import ADMIN, COUNTY, GRASSROOTS, LEADER, apply, officers, studio

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Xishuangbanna


@contextmanager
def at(bot: BotHarness, day: str) -> Iterator[None]:
    """The bot's clock at 10:00 Xishuangbanna time on the given day, then back at NOW."""
    bot.clock.at = datetime.fromisoformat(f"{day}T02:00:00+00:00")
    try:
        yield
    finally:
        bot.clock.at = NOW


@pytest.fixture
def now() -> datetime:
    return NOW


def button_data(bot: BotHarness, person: Any, label: str) -> str:
    """The callback data of a button on the newest message, to press it again later."""
    buttons = bot.chat.buttons(bot.last_message(person))
    return next(b["callback_data"] for b in buttons if label in b["text"])


async def count_studios(bot: BotHarness) -> int:
    async with bot.session() as s:
        return int(await s.scalar(select(func.count()).select_from(Studio)) or 0)


# ----------------------------------------------------------------- item 2: one per person
async def test_a_second_apply_shows_the_pending_one_and_can_withdraw_it(bot: BotHarness) -> None:
    await officers(bot)
    await apply(bot)
    first = await studio(bot)

    replies = await bot.send(LEADER, "/apply")
    assert "已经有一份申请在办理中" in replies[0] and f"#{first.id}" in replies[0]
    assert "第 1/10 步" not in bot.last(LEADER)  # no second form
    assert bot.button_labels(LEADER) == ["📋 查看详情", "撤回申请"]
    assert "岩温劳模创新工作室" in (await bot.press(LEADER, "查看详情"))[0]

    # Withdrawing asks first; cancelling changes nothing.
    await bot.send(LEADER, "/apply")
    assert "不能恢复" in (await bot.press(LEADER, "撤回申请"))[0]
    assert "什么也没有改" in (await bot.press(LEADER, "取消"))[0]
    assert (await studio(bot)).status is StudioStatus.APPLIED
    # The grassroots officer may return it, but not withdraw it for the applicant.
    await bot.send(LEADER, "/apply")
    await bot.press(LEADER, "撤回申请")
    confirm = button_data(bot, LEADER, "确认撤回申请")
    assert "没有权限" in (await bot.press_data(GRASSROOTS, confirm))[0]
    await bot.press(LEADER, "确认撤回申请")
    assert "已撤回申请" in bot.last(LEADER)
    assert (await studio(bot)).status is StudioStatus.WITHDRAWN
    assert "按钮已失效" in (await bot.press_data(LEADER, confirm))[0]  # a double press

    # Withdrawn, the person may apply afresh; the two look-alikes are told apart.
    await apply(bot)
    assert await count_studios(bot) == 2
    await bot.send(GRASSROOTS, "/studio")
    labels = bot.button_labels(GRASSROOTS)
    assert len(labels) == 2 and len(set(labels)) == 2
    assert any("已撤回" in label for label in labels)
    review = await bot.send(GRASSROOTS, "/review")
    assert len(review) == 2 and "#2" in review[1] and "负责人：岩温" in review[1]


async def test_an_officer_cannot_file_the_same_model_worker_twice(bot: BotHarness) -> None:
    await officers(bot)
    await apply(bot, GRASSROOTS)  # on the model worker's behalf
    await apply(bot, GRASSROOTS)  # again, the same name under the same union
    assert "已经有一份申请在办理中" in bot.last(GRASSROOTS)
    assert await count_studios(bot) == 1


async def test_storage_refuses_a_duplicate_even_when_two_instances_race(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await officers(bot)
    await bot.send(LEADER, "/start")
    async with bot.session() as s:
        union_id = (await union_named(s, "景洪市供电局工会")).id
    app = StudioApplication(
        leader_name="岩温",
        honour=Honour.PROVINCIAL_MODEL_WORKER,
        host_unit="景洪市供电局",
        union_id=union_id,
        specialty="电力",
        venue="三楼",
        funding="单位",
        plan="计划",
        name="岩温劳模创新工作室",
    )
    async with bot.session() as s:
        await StudioService(s).apply(LEADER.id, app, today=NOW.date(), now=NOW)
    async with bot.session() as s:
        with pytest.raises(DomainError) as refused:
            await StudioService(s).apply(LEADER.id, app, today=NOW.date(), now=NOW)
    assert refused.value.key == "apply.duplicate"

    # The other instance checked before this one committed: the unique key still holds.
    async def nothing_pending(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(StudioService, "duplicate_of", nothing_pending)
    async with bot.session() as s:
        with pytest.raises(DomainError) as raced:
            await StudioService(s).apply(LEADER.id, app, today=NOW.date(), now=NOW)
    assert raced.value.key == "apply.duplicate"
    assert await count_studios(bot) == 1


# ------------------------------------------------------------- item 3: dates in order
async def test_lifecycle_dates_must_follow_each_other(bot: BotHarness) -> None:
    await officers(bot)
    with at(bot, "2026-11-20"):
        await apply(bot)
        await bot.press(GRASSROOTS, "推荐")
        await bot.press(GRASSROOTS, "确认推荐")
    with at(bot, "2026-11-23"):
        await bot.press(GRASSROOTS, "登记单位党政认可")
        refusal = (await bot.send(GRASSROOTS, "2026-11-19"))[0]
        assert "早于申请日期（2026-11-20）" in refusal and "请重新输入" in refusal
        assert "还没到" in (await bot.send(GRASSROOTS, "2026-11-24"))[0]
        await bot.send(GRASSROOTS, "2026-11-21")  # the same step, asked again
        assert "文号" in bot.last(GRASSROOTS)
        await bot.send(GRASSROOTS, "无")
        await bot.send(GRASSROOTS, "无")
        await bot.press(GRASSROOTS, "确认提交")
    with at(bot, "2026-11-25"):
        await bot.press(COUNTY, "同意申报")
        await bot.press(COUNTY, "确认同意申报")
    await bot.press(ADMIN, "考评命名")
    refusal = (await bot.send(ADMIN, "2024-01-01"))[0]
    assert "早于县（系统）工会申报的日期（2026-11-25）" in refusal
    await bot.send(ADMIN, "2026-11-26")
    await bot.send(ADMIN, "西工发〔2026〕12号")
    await bot.send(ADMIN, "无")
    await bot.press(ADMIN, "确认提交")
    named = await studio(bot)
    assert named.status is StudioStatus.NAMED and named.named_on == date(2026, 11, 26)


async def test_storage_refuses_a_date_before_the_step_it_follows(bot: BotHarness) -> None:
    await officers(bot)
    with at(bot, "2026-11-20"):
        await apply(bot)
        await bot.press(GRASSROOTS, "推荐")
        await bot.press(GRASSROOTS, "确认推荐")
    target = await studio(bot)
    for day, key in ((date(2026, 11, 2), "studio.date_after.applied"),
                     (date(2026, 12, 2), "form.future_date")):  # fmt: skip
        async with bot.session() as s:
            with pytest.raises(DomainError) as refused:
                await StudioService(s).act(GRASSROOTS.id, target.id, Action.ENDORSE,
                                           details=Details(on=day), today=NOW.date(),
                                           now=NOW)  # fmt: skip
        assert refused.value.key == key
    assert (await studio(bot)).status is StudioStatus.RECOMMENDED


# --------------------------------------------------- items 9 and 11: ask, then tell
async def test_irreversible_steps_say_what_will_happen_and_stale_confirms_do_nothing(
    bot: BotHarness,
) -> None:
    await officers(bot)
    await apply(bot)
    await bot.press(GRASSROOTS, "推荐")
    stale = button_data(bot, GRASSROOTS, "确认推荐")
    # Meanwhile the application is returned (from /review), so the confirmation is stale.
    await bot.send(GRASSROOTS, "/review")
    await bot.press(GRASSROOTS, "退回")
    await bot.send(GRASSROOTS, "材料不全")
    assert "对方修改后可以重新提交" in bot.last(GRASSROOTS)
    await bot.press(GRASSROOTS, "确认提交")
    await bot.press(LEADER, "重新提交")
    await bot.press(LEADER, "确认提交")
    assert (await studio(bot)).status is StudioStatus.APPLIED
    # The confirmation shown before the return names the same state ("applied") but an
    # earlier round: pressing it now changes nothing.
    assert "按钮已失效" in (await bot.press_data(GRASSROOTS, stale))[0]
    assert (await studio(bot)).status is StudioStatus.APPLIED
    # A fresh confirmation works once; its double press is refused.
    await bot.send(GRASSROOTS, "/review")
    await bot.press(GRASSROOTS, "推荐")
    again = button_data(bot, GRASSROOTS, "确认推荐")
    await bot.press(GRASSROOTS, "确认推荐")
    assert (await studio(bot)).status is StudioStatus.RECOMMENDED
    assert "按钮已失效" in (await bot.press_data(GRASSROOTS, again))[0]


async def test_naming_summary_notice_and_card_mention_the_subsidy(bot: BotHarness) -> None:
    await officers(bot)
    await apply(bot)
    await bot.press(GRASSROOTS, "推荐")
    await bot.press(GRASSROOTS, "确认推荐")
    await bot.press(GRASSROOTS, "登记单位党政认可")
    for text in ("2026-11-27", "无", "无"):
        await bot.send(GRASSROOTS, text)
    await bot.press(GRASSROOTS, "确认提交")
    await bot.press(COUNTY, "同意申报")
    await bot.press(COUNTY, "确认同意申报")
    await bot.press(ADMIN, "考评命名")
    for text in ("2026-11-27", "西工发〔2026〕12号", "2万"):
        await bot.send(ADMIN, text)
    summary = bot.last(ADMIN)
    assert "岩温 成为负责人" in summary and "20,000.00 元（第九条）" in summary
    assert "命名不能撤回" in summary
    await bot.press(ADMIN, "确认提交")
    notice = bot.last(LEADER)
    assert "已命名" in notice and "一次性补助 20,000.00 元" in notice
    assert "不要再登记" in notice
    card = (await bot.send(LEADER, "/studio"))[0]
    assert "一次性补助：20,000.00 元" in card and "不要重复登记" in card
    async with bot.session() as s:
        assert await s.scalar(select(func.count()).select_from(FundRecord)) == 1


async def test_revocation_asks_with_what_will_happen(bot: BotHarness) -> None:
    await officers(bot)
    async with bot.session() as s:
        old = await add_studio(s, "刀建华", "景洪市供电局工会", StudioStatus.UNDER_REREVIEW)
    await bot.send(ADMIN, "/review")
    await bot.press(ADMIN, "撤销称号")
    await bot.send(ADMIN, "复核不达标")
    assert "撤销不能撤回" in bot.last(ADMIN)
    assert "已取消" in (await bot.press(ADMIN, "取消"))[0]
    async with bot.session() as s:
        kept = await s.get(Studio, old.id)
    assert kept is not None and kept.status is StudioStatus.UNDER_REREVIEW


@pytest.mark.parametrize("command", ["/status", "/ledger", "/studio"])
async def test_pickers_tell_look_alike_studios_apart(bot: BotHarness, command: str) -> None:
    await officers(bot)
    async with bot.session() as s:
        first = await add_studio(s, "岩温", "景洪市供电局工会")
        second = await add_studio(s, "岩温", "景洪市供电局工会")
    await bot.send(GRASSROOTS, command)
    labels = bot.button_labels(GRASSROOTS)
    assert any(f"#{first.id}" in label for label in labels)
    assert any(f"#{second.id}" in label for label in labels)
    assert len(set(labels)) == len(labels)


async def test_a_revocation_confirmed_after_a_new_rereview_round_changes_nothing(
    bot: BotHarness,
) -> None:
    await officers(bot)
    async with bot.session() as s:
        old = await add_studio(s, "刀建华", "景洪市供电局工会")
        old.named_on = date(2020, 6, 1)
        await s.commit()
    await bot.send(ADMIN, "/rereview")
    await bot.press(ADMIN, "开始复核")
    await bot.send(ADMIN, "/review")
    keep = button_data(bot, ADMIN, "保留称号")
    await bot.press(ADMIN, "撤销称号")
    await bot.send(ADMIN, "复核不达标")
    # Before confirming, the title is kept and a new re-review opened (the same state).
    await bot.press_data(ADMIN, keep)
    await bot.press_data(ADMIN, f"st:o:{old.id}:5")
    assert (await studio_named(bot, old.id)).status is StudioStatus.UNDER_REREVIEW
    assert "按钮已失效" in (await bot.press(ADMIN, "确认提交"))[0]
    assert (await studio_named(bot, old.id)).status is StudioStatus.UNDER_REREVIEW


async def studio_named(bot: BotHarness, studio_id: int) -> Studio:
    async with bot.session() as s:
        found = await s.get(Studio, studio_id)
    assert found is not None
    return found
