"""The forms engine as people really use it: two forms at once, old buttons, double presses
(also from a second instance), a crash at submit, corrections from the summary, typed
labels, and forms left for weeks."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.offline import Person
from storage.ledgers import LedgerService
from storage.models import (
    Activity,
    AuditLog,
    FormDraft,
    FundRecord,
    Member,
    Project,
    Role,
    RoleGrant,
    Studio,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness, Database

LEADER = Person(901, "岩温")
OFFICER = Person(902, "李强")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


async def setup(bot: BotHarness) -> int:
    async with bot.session() as s:
        studio = await add_studio(s, "岩温", "景洪市总工会")
        union = await union_named(s, "景洪市总工会")
        for person in (LEADER, OFFICER):
            s.add(User(id=person.id, full_name=person.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=studio.id))
        s.add(RoleGrant(user_id=OFFICER.id, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()
        return studio.id


async def count(bot: BotHarness, model: Any) -> int:
    async with bot.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def drafts_of(bot: BotHarness, person: Person) -> list[FormDraft]:
    async with bot.session() as s:
        rows = await s.scalars(select(FormDraft).where(FormDraft.user_id == person.id))
        return list(rows)


async def fill_project(bot: BotHarness, title: str = "配网降损") -> None:
    await bot.send(LEADER, "/project")
    await bot.send(LEADER, title)
    await bot.press(LEADER, "2026")
    await bot.press(LEADER, "技术攻关")
    await bot.send(LEADER, "2026-03-05")
    await bot.send(LEADER, "无")
    await bot.press(LEADER, "进行中")


def button_data(bot: BotHarness, person: Person, label: str) -> tuple[dict[str, Any], str]:
    for message in bot._recent(person):
        for button in bot.chat.buttons(message):
            if label in button["text"]:
                return message, button["callback_data"]
    raise AssertionError(f"no button {label!r}")


# ------------------------------------------------------------------ 13: two forms at once
@pytest.mark.postgres
async def test_an_old_button_of_one_form_never_answers_another(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/funds")
    funds_message, expense = button_data(bot, LEADER, "支出")
    await bot.send(LEADER, "/member")
    assert "暂存" in bot.last(LEADER)  # /funds was set aside, not overwritten
    assert "登记哪类成员变动" in bot.last(LEADER)
    # The /funds button (first option, 收入/支出 step) must not pick /member's first option.
    reply = await bot.chat.press_data(LEADER, funds_message, expense)
    texts = [m.get("text", "") for m in reply]
    assert any("暂存的「经费」" in t for t in texts), texts
    member = next(d for d in await drafts_of(bot, LEADER) if d.form == "member")
    assert member.active and "action" not in member.state["data"]

    # Finish /member; the set-aside /funds is offered back, at the step it was left.
    await bot.press(LEADER, "新成员加入")
    await bot.send(LEADER, "玉香")
    await bot.send(LEADER, "茶艺")
    await bot.press(LEADER, "大专")
    await bot.send(LEADER, "1990")
    await bot.send(LEADER, "2026-03-01")
    await bot.press(LEADER, "确认提交")
    assert await count(bot, Member) == 1
    assert "继续「经费」" in " ".join(bot.button_labels(LEADER))
    await bot.press(LEADER, "继续「经费」")
    assert "收入还是支出" in bot.last(LEADER)
    await bot.press(LEADER, "支出")
    assert "金额" in bot.last(LEADER)


async def test_a_review_press_in_the_middle_of_apply_keeps_the_application(
    bot: BotHarness,
) -> None:
    await setup(bot)
    await bot.send(OFFICER, "/apply")
    await bot.send(OFFICER, "李强")
    await bot.press(OFFICER, "省级劳动模范")
    await bot.send(OFFICER, "景洪市供电局")
    # Meanwhile a ledger entry waits for this officer; he returns it, which opens a form.
    await fill_project(bot)
    await bot.press(LEADER, "确认提交")
    await bot.press(OFFICER, "退回")
    assert "请写明理由" in bot.last(OFFICER)
    await bot.send(OFFICER, "立项文件缺失")
    await bot.press(OFFICER, "确认提交")
    await bot.press(OFFICER, "继续「工作室创建申请」")
    assert "由哪个工会推荐" in bot.last(OFFICER)
    apply = next(d for d in await drafts_of(bot, OFFICER) if d.form == "apply")
    assert apply.state["data"]["host_unit"] == "景洪市供电局"


async def test_starting_the_same_form_again_asks_continue_or_start_over(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/project")
    await bot.send(LEADER, "配网降损")
    await bot.send(LEADER, "/project")
    assert "没填完" in bot.last(LEADER)
    await bot.press(LEADER, "继续填写")
    assert "年度" in bot.last(LEADER) or "2026" in " ".join(bot.button_labels(LEADER))
    await bot.send(LEADER, "/project")
    await bot.press(LEADER, "重新开始")
    assert "名称" in bot.last(LEADER)
    (draft,) = await drafts_of(bot, LEADER)
    assert "title" not in draft.state["data"]


# ----------------------------------------------------------- 14: counters that do not lie
async def test_step_counters_count_only_the_steps_that_apply(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/project")  # one studio: the studio step does not apply
    assert "第 1/6 步" in bot.last(LEADER)
    await bot.send(LEADER, "/cancel")
    await bot.send(LEADER, "/member")
    await bot.press(LEADER, "新成员加入")
    seen = [bot.last(LEADER)]
    for answer in ("玉香", "茶艺"):
        await bot.send(LEADER, answer)
        seen.append(bot.last(LEADER))
    await bot.press(LEADER, "大专")
    seen.append(bot.last(LEADER))
    await bot.send(LEADER, "1990")
    seen.append(bot.last(LEADER))
    assert [f"第 {n}/6 步" in text for n, text in enumerate(seen, 2)] == [True] * 5, seen


# --------------------------------------------------------- 15: typing what a button says
async def test_typing_a_button_label_or_a_number_with_its_unit_is_accepted(
    bot: BotHarness,
) -> None:
    await setup(bot)
    await bot.send(LEADER, "/activity")
    await bot.send(LEADER, "2026-03-05")
    await bot.send(LEADER, "技术培训")  # the label of a button, typed
    assert "人数" in bot.last(LEADER)
    await bot.send(LEADER, "30人")
    assert "内容" in bot.last(LEADER) or "活动" in bot.last(LEADER)
    await bot.send(LEADER, "/funds")
    await bot.send(LEADER, "收入")
    await bot.send(LEADER, "所在单位保障")
    await bot.send(LEADER, "两万块")
    await bot.send(LEADER, "2026-03-01")
    await bot.send(LEADER, "购置工具")
    assert "20,000.00" in bot.last(LEADER)


# -------------------------------------------------------------- 16: edit in place
async def test_a_press_edits_the_form_message_in_place(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/project")
    await bot.send(LEADER, "配网降损")
    year_prompt = bot.last_message(LEADER)
    replies = await bot.press(LEADER, "2026")
    assert len(replies) == 1 and bot.last_message(LEADER) is year_prompt
    assert "类别" in bot.last(LEADER) or "技术攻关" in " ".join(bot.button_labels(LEADER))
    await bot.press(LEADER, "技术攻关")
    await bot.send(LEADER, "2026-03-05")  # a typed answer: a new prompt below ...
    assert not bot.chat.buttons(year_prompt)  # ... and the old one has no dead keyboard
    keyboards = [m for m in bot.fake.sent[LEADER.id] if bot.chat.buttons(m)]
    assert len(keyboards) == 1


# --------------------------------------------------- 17: ✏ from the summary, and expiry
async def test_the_summary_edits_one_field_and_comes_back(bot: BotHarness) -> None:
    await setup(bot)
    await fill_project(bot, "配网降损")
    assert "✏ 名称" in bot.button_labels(LEADER)
    await bot.press(LEADER, "✏ 名称")
    assert "当前：配网降损" in bot.last(LEADER)
    await bot.send(LEADER, "配网节能降损")
    summary = bot.last(LEADER)
    assert "名称：配网节能降损" in summary and "确认提交" in " ".join(bot.button_labels(LEADER))
    await bot.press(LEADER, "✏ 进展")
    await bot.press(LEADER, "保持不变")
    assert "进展：进行中" in bot.last(LEADER)
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        titles = list(await s.scalars(select(Project.title)))
    assert titles == ["配网节能降损"]


async def test_changing_an_answer_asks_the_steps_it_opens(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/funds")
    await bot.press(LEADER, "支出")
    await bot.send(LEADER, "500")
    await bot.send(LEADER, "2026-03-01")
    await bot.send(LEADER, "购置工具")
    await bot.press(LEADER, "✏ 收支")
    await bot.press(LEADER, "收入")
    assert "来源" in bot.last(LEADER) or "所在单位保障" in " ".join(bot.button_labels(LEADER))
    await bot.press(LEADER, "所在单位保障")
    assert "来源：所在单位保障" in bot.last(LEADER)
    await bot.press(LEADER, "确认提交")
    async with bot.session() as s:
        record = await s.scalar(select(FundRecord))
    assert record is not None and record.source is not None


async def test_a_form_left_for_two_weeks_is_removed_and_the_owner_told_once(
    bot: BotHarness,
) -> None:
    await setup(bot)
    await bot.send(LEADER, "/project")
    await bot.send(LEADER, "配网降损")
    bot.clock.shift(timedelta(days=15))
    replies = await bot.send(LEADER, "2026")
    assert any("超过 14 天" in r for r in replies), replies
    assert await drafts_of(bot, LEADER) == []
    again = await bot.send(LEADER, "/me")
    assert not any("超过 14 天" in r for r in again)


# ------------------------------------------------------------ 18: the receipt's own 完成
async def test_each_file_receipt_carries_its_own_done_button(bot: BotHarness) -> None:
    await setup(bot)
    await bot.send(LEADER, "/activity")
    await bot.send(LEADER, "2026-03-05")
    await bot.press(LEADER, "技术培训")
    await bot.send(LEADER, "30")
    await bot.send(LEADER, "培训 30 人")
    doc = {"file_id": "f1", "file_unique_id": "u1", "file_name": "a.pdf",
           "mime_type": "application/pdf", "file_size": 10}  # fmt: skip
    replies = await bot.send_other(LEADER, {"document": doc})
    assert "已收到第 1 个文件" in replies[0]
    assert any("完成" in label for label in bot.button_labels(LEADER))
    await bot.press(LEADER, "完成")
    await bot.press(LEADER, "确认提交")
    assert await count(bot, Activity) == 1


# ------------------------------------------ hardening 1-2: double press, second instance, crash
@pytest.mark.postgres
async def test_a_double_pressed_submit_saves_once(bot: BotHarness) -> None:
    await setup(bot)
    await fill_project(bot)
    message, submit = button_data(bot, LEADER, "确认提交")
    await bot.chat.press_data(LEADER, message, submit)
    replies = await bot.chat.press_data(LEADER, message, submit)
    assert any("已经提交" in m.get("text", "") for m in replies)
    assert await count(bot, Project) == 1


@pytest.mark.postgres
async def test_two_instances_pressing_the_same_submit_save_once(database: Database) -> None:
    async with (
        BotHarness.started(database, NOW) as first,
        BotHarness.started(database, NOW) as second,
    ):
        await setup(first)
        await fill_project(first)
        message, submit = button_data(first, LEADER, "确认提交")
        second.fake.chats[LEADER.id] = first.fake.chats[LEADER.id]
        second.fake.sent[LEADER.id] = [message]
        results = await asyncio.gather(
            first.chat.press_data(LEADER, message, submit),
            second.chat.press_data(LEADER, message, submit),
        )
        texts = [m.get("text", "") for replies in results for m in replies]
        assert await count(first, Project) == 1
        assert sum("已记入" in t for t in texts) == 1, texts
        assert sum("已经提交" in t or "有了变化" in t for t in texts) == 1, texts
        # The union was asked to acknowledge once, not twice.
        asked = [m for m in first.fake.sent.get(OFFICER.id, []) + second.fake.sent.get(
            OFFICER.id, []) if "确认" in m.get("text", "")]  # fmt: skip
        assert len(asked) == 1


@pytest.mark.postgres
async def test_a_crash_while_saving_keeps_the_form(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup(bot)
    await fill_project(bot)
    real_add = LedgerService.add

    async def dies_after_writing(self: LedgerService, *args: Any, **kwargs: Any) -> Any:
        await self.session.flush()
        raise ConnectionError("database went away mid-save")

    monkeypatch.setattr(LedgerService, "add", dies_after_writing)
    replies = await bot.press(LEADER, "确认提交")
    assert any("没有保存成功" in r and "都还在" in r for r in replies), replies
    assert await count(bot, Project) == 0
    assert len(await drafts_of(bot, LEADER)) == 1
    monkeypatch.setattr(LedgerService, "add", real_add)
    await bot.press(LEADER, "确认提交")
    assert await count(bot, Project) == 1 and await drafts_of(bot, LEADER) == []


async def test_a_refused_submit_keeps_the_form_to_correct(bot: BotHarness) -> None:
    studio_id = await setup(bot)
    await fill_project(bot)
    async with bot.session() as s:  # the studio loses its title while the form is open
        studio = await s.get(Studio, studio_id)
        assert studio is not None
        studio.status = studio.status.__class__("revoked")
        await s.commit()
    await bot.press(LEADER, "确认提交")
    assert await count(bot, Project) == 0
    assert len(await drafts_of(bot, LEADER)) == 1


@pytest.mark.postgres
async def test_two_instances_acknowledging_the_same_entry_review_it_once(
    database: Database,
) -> None:
    async with (
        BotHarness.started(database, NOW) as first,
        BotHarness.started(database, NOW) as second,
    ):
        await setup(first)
        await fill_project(first)
        await first.press(LEADER, "确认提交")
        message, ack = button_data(first, OFFICER, "确认")
        second.fake.sent[OFFICER.id] = [message]
        await asyncio.gather(
            first.chat.press_data(OFFICER, message, ack),
            second.chat.press_data(OFFICER, message, ack),
        )
        async with first.session() as s:
            reviews = await s.scalar(
                select(func.count())
                .select_from(AuditLog)
                .where(AuditLog.action == "project.review")
            )
        told = [
            m
            for m in first.fake.sent.get(LEADER.id, []) + second.fake.sent.get(LEADER.id, [])
            if "已确认" in m.get("text", "")
        ]
        assert reviews == 1 and len(told) == 1, told


async def test_an_old_step_button_is_refused_with_a_reply(bot: BotHarness) -> None:
    # The press is answered once (Telegram refuses a second answer), and the refusal still
    # reaches the person as a message.
    await setup(bot)
    await bot.send(LEADER, "/project")
    await bot.send(LEADER, "配网降损")
    _, year_2026 = button_data(bot, LEADER, "2026")
    await bot.press(LEADER, "2026")
    replies = await bot.press_data(LEADER, year_2026)
    assert any("按钮已失效" in r for r in replies), replies
    (draft,) = await drafts_of(bot, LEADER)
    assert draft.state["data"]["year"] in (2026, "2026") and "kind" not in draft.state["data"]
