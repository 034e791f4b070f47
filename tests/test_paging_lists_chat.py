"""Every list pages (issue 11, item 8): /review, the /studio picker, /rereview, the /ledger
studio picker, a ledger's entries and its 「已删除」, the /export picker and the activity
permission panel, each at 1,000 items. Nothing is cut: every item is reachable exactly once,
each page fits a message (the fake Bot API refuses more than 4,096 characters), and turning a
page edits the list in place."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from bot.offline import Person
from policy.deadlines import REPORT_TZ
from storage.accounts import AccountService
from storage.db import utcnow
from storage.models import (
    Honour,
    Project,
    ProjectKind,
    ReminderLog,
    ReminderStatus,
    Role,
    RoleGrant,
    Studio,
    StudioStatus,
    Union,
    UnionKind,
    User,
)
from tests.factories import union_named
from tests.harness import BotHarness

ADMIN = Person(9601, "王芳")
LEADER = Person(9602, "岩温")
N = 1000


async def _studios(bot: BotHarness, status: StudioStatus, **extra: Any) -> list[int]:
    """N studios in one bulk insert; their ids in order."""
    async with bot.session() as s:
        union = await union_named(s, "景洪市总工会")
        now = utcnow()
        await s.execute(
            insert(Studio),
            [
                {"name": f"岩{n:04d}劳模创新工作室", "leader_name": f"岩{n:04d}",
                 "leader_honour": Honour.PROVINCIAL_MODEL_WORKER, "host_unit": "景洪市供电局",
                 "union_id": union.id, "status": status, "created_at": now,
                 "updated_at": now + timedelta(seconds=n), **extra}
                for n in range(N)
            ],
        )  # fmt: skip
        await s.commit()
        return list(await s.scalars(select(Studio.id).order_by(Studio.id)))


async def _admin(bot: BotHarness) -> None:
    async with bot.session() as s:
        await AccountService(s).grant_admin(ADMIN.id)
        await s.commit()


async def _leader(bot: BotHarness, studio_ids: list[int]) -> None:
    async with bot.session() as s:
        s.add(User(id=LEADER.id, full_name=LEADER.first_name))
        await s.flush()
        await s.execute(
            insert(RoleGrant),
            [{"user_id": LEADER.id, "role": Role.STUDIO_LEADER, "studio_id": i}
             for i in studio_ids],
        )  # fmt: skip
        await s.commit()


async def _walk(bot: BotHarness, person: Person, step: str = "▶") -> list[dict[str, Any]]:
    """Turn pages with `step` until there is none: each page's text and button data. Every
    turn must edit the list in place."""
    listing = bot.last_message(person)
    pages: list[dict[str, Any]] = []
    while True:
        text = listing.get("text", "")
        assert len(text) <= 4096
        data = [b.get("callback_data", "") for b in bot.chat.buttons(listing)]
        labels = [b["text"] for b in bot.chat.buttons(listing)]
        pages.append({"text": text, "data": data, "labels": labels})
        assert len(pages) <= N
        if step not in labels:
            return pages
        sent = len(bot.fake.sent[person.id])
        await bot.press(person, step)
        assert bot.last_message(person) is listing  # edited, not a new message
        assert len(bot.fake.sent[person.id]) == sent


def _numbers(pages: list[dict[str, Any]]) -> list[int]:
    return [int(m) for p in pages for m in re.findall(r"^(\d+)\. ", p["text"], re.M)]


def _ids(pages: list[dict[str, Any]], prefix: str) -> list[int]:
    """The studio or record id in each button of the form <prefix>:<id>[:…]."""
    return [
        int(d.split(":")[1 if prefix.count(":") == 0 else prefix.count(":") + 1])
        for p in pages
        for d in p["data"]
        if d.startswith(prefix + ":")
    ]


@pytest.mark.postgres  # the order of the list is the database's
async def test_review_lists_a_thousand_applications_a_page_at_a_time(bot: BotHarness) -> None:
    ids = await _studios(bot, StudioStatus.DECLARED)  # waiting for the admin to name them
    await _admin(bot)
    first = await bot.send(ADMIN, "/review")
    assert len(first) == 1 and "共 1000 件" in first[0] and "第 1/" in first[0]
    pages = await _walk(bot, ADMIN)
    assert _numbers(pages) == list(range(1, N + 1))
    assert _ids(pages, "rvo") == ids  # a button for every application, once
    assert len(pages) == N // 20

    # From the last page, open the last application: its own message, with its actions.
    opened = await bot.press(ADMIN, f"📥 {N}")
    assert len(opened) == 1 and "岩0999劳模创新工作室" in opened[0]
    assert any(d.startswith("st:") for d in (b["callback_data"] for b in
               bot.chat.buttons(bot.last_message(ADMIN))))  # fmt: skip
    # Back a page in the list (the open application stays below).
    await bot.press(ADMIN, "◀")
    assert "第 49/50 页" in bot.fake.sent[ADMIN.id][0]["text"]


async def test_the_studio_picker_reaches_a_thousand_studios(bot: BotHarness) -> None:
    ids = await _studios(bot, StudioStatus.NAMED)
    await _admin(bot)
    first = await bot.send(ADMIN, "/studio")
    assert "共 1000 个" in first[0]
    pages = await _walk(bot, ADMIN)
    assert _ids(pages, "sc") == ids
    card = await bot.press(ADMIN, "岩0999劳模创新工作室")
    assert "岩0999劳模创新工作室" in card[0] and "负责人" in card[0]


async def test_rereview_lists_a_thousand_studios_due(bot: BotHarness) -> None:
    named = bot.clock().date() - timedelta(days=6 * 366)
    ids = await _studios(bot, StudioStatus.NAMED, named_on=named)
    await _admin(bot)
    first = await bot.send(ADMIN, "/rereview")
    assert len(first) == 1 and "1000 个" in first[0]
    pages = await _walk(bot, ADMIN)
    assert _numbers(pages) == list(range(1, N + 1))
    assert _ids(pages, "rro") == ids
    opened = await bot.press(ADMIN, f"🔁 {N}")
    assert "岩0999劳模创新工作室" in opened[0]
    await bot.press(ADMIN, "开始复核")
    async with bot.session() as s:
        studio = await s.get(Studio, ids[-1])
        assert studio is not None and studio.status is StudioStatus.UNDER_REREVIEW
    # Opened again from the old list: no longer due, and it says so.
    assert "不需要开始复核" in (await bot.press_data(ADMIN, f"rro:{ids[-1]}"))[0]


async def test_the_ledger_picker_reaches_a_thousand_studios(bot: BotHarness) -> None:
    ids = await _studios(bot, StudioStatus.NAMED)
    await _admin(bot)
    first = await bot.send(ADMIN, "/ledger")
    assert "共 1000 个" in first[0]
    pages = await _walk(bot, ADMIN)
    assert _ids(pages, "lsk") == ids
    # The last studio, then its ledger kinds, then back to the page it was on.
    await bot.press(ADMIN, "岩0999劳模创新工作室")
    assert "岩0999劳模创新工作室" in bot.last(ADMIN) and "攻关项目" in bot.button_labels(ADMIN)
    await bot.press(ADMIN, "返回")
    assert "第 50/50 页" in bot.last(ADMIN)
    await bot.press(ADMIN, "岩0999劳模创新工作室")
    assert "台帐还是空的" in (await bot.press(ADMIN, "攻关项目"))[0]


async def _projects(bot: BotHarness, studio_id: int, deleted: bool) -> list[int]:
    now = utcnow()
    async with bot.session() as s:
        await s.execute(
            insert(Project),
            [
                {"studio_id": studio_id, "title": f"课题{n:04d}" + "长" * 60, "year": 2026,
                 "kind": ProjectKind.BREAKTHROUGH, "approved_on": date(2026, 3, 1),
                 "created_by": LEADER.id, "created_at": now,
                 "deleted_at": now + timedelta(seconds=n) if deleted else None}
                for n in range(N)
            ],
        )  # fmt: skip
        await s.commit()
        return list(await s.scalars(select(Project.id).order_by(Project.id)))


async def _one_studio_led(bot: BotHarness) -> int:
    async with bot.session() as s:
        union = await union_named(s, "景洪市总工会")
        studio = Studio(name="岩温劳模创新工作室", leader_name="岩温", host_unit="景洪市供电局",
                        leader_honour=Honour.PROVINCIAL_MODEL_WORKER, union_id=union.id,
                        status=StudioStatus.NAMED)  # fmt: skip
        s.add(studio)
        await s.commit()
        studio_id = studio.id
    await _leader(bot, [studio_id])
    return studio_id


async def test_a_ledger_of_a_thousand_entries_pages_back_to_the_first(bot: BotHarness) -> None:
    studio_id = await _one_studio_led(bot)
    ids = await _projects(bot, studio_id, deleted=False)
    await bot.send(LEADER, "/ledger")
    opened = await bot.press(LEADER, "攻关项目")
    # The ledger opens on its newest entries, as it always did; ◀ reaches the first.
    assert "共 1000 条" in opened[0] and "1000. 2026 课题0999" in opened[0]
    pages = await _walk(bot, LEADER, "◀")
    assert sorted(_numbers(pages)) == list(range(1, N + 1))
    assert len(_numbers(pages)) == N
    assert sorted(_ids(pages, "le:p")) == ids  # ✏ for every entry, once
    assert "1. 2026 课题0000" in pages[-1]["text"]
    # ✏ on the first page still edits the first entry.
    assert "✏ 1" in pages[-1]["labels"] and f"le:p:{ids[0]}" in pages[-1]["data"]


@pytest.mark.postgres  # the order of the list is the database's
async def test_a_thousand_deleted_entries_page_and_each_can_come_back(bot: BotHarness) -> None:
    studio_id = await _one_studio_led(bot)
    ids = await _projects(bot, studio_id, deleted=True)
    await bot.send(LEADER, "/ledger")
    await bot.press(LEADER, "攻关项目")
    opened = await bot.press(LEADER, "已删除（1000）")
    assert "共 1000 条" in opened[0] and "1000. 2026 课题0999" in opened[0]
    pages = await _walk(bot, LEADER, "◀")
    assert sorted(_numbers(pages)) == list(range(1, N + 1)) and len(_numbers(pages)) == N
    assert sorted(_ids(pages, "lu:p")) == ids
    assert "恢复" in (await bot.press(LEADER, "♻ 1"))[0]
    async with bot.session() as s:
        first = await s.get(Project, ids[0])
        assert first is not None and first.deleted_at is None


async def test_the_export_picker_reaches_a_thousand_studios(bot: BotHarness) -> None:
    ids = await _studios(bot, StudioStatus.NAMED)
    await _leader(bot, ids)
    first = await bot.send(LEADER, "/export")
    assert "共 1000 个" in first[0]
    pages = await _walk(bot, LEADER)
    assert _ids(pages, "ex") == ids
    await bot.press(LEADER, f"岩0999劳模创新工作室 #{ids[-1]}")
    assert bot.fake.calls[-1].method == "sendDocument"


async def test_the_permission_panel_pages_a_thousand_members(bot: BotHarness) -> None:
    studio_id = await _one_studio_led(bot)
    async with bot.session() as s:
        await s.execute(
            insert(User), [{"id": 200_000 + n, "full_name": f"成员{n:04d}"} for n in range(N)]
        )
        await s.execute(
            insert(RoleGrant),
            [{"user_id": 200_000 + n, "role": Role.STUDIO_MEMBER, "studio_id": studio_id}
             for n in range(N)],
        )  # fmt: skip
        await s.commit()
        grants = list(await s.scalars(select(RoleGrant.id).where(
            RoleGrant.role == Role.STUDIO_MEMBER).order_by(RoleGrant.id)))  # fmt: skip
    await bot.send(LEADER, "/member")
    panel = next(m for m in bot.fake.sent[LEADER.id] if "谁可以记录活动" in m.get("text", ""))
    assert "第 1/" in panel["text"]
    bot.fake.touched.append(panel)  # the panel is the list to walk (the form asks below it)
    pages = await _walk(bot, LEADER)
    names = [m for p in pages for m in re.findall(r"成员(\d{4})", p["text"])]
    assert names == [f"{n:04d}" for n in range(N)]
    toggles = [int(d.split(":")[2]) for p in pages for d in p["data"]
               if d.startswith("mp:") and ":a:" not in d]  # fmt: skip
    assert toggles == grants
    # Allowing the last member keeps the panel on its last page.
    await bot.press(LEADER, "成员0999")
    assert "成员0999" in bot.last(LEADER) and f"第 {len(pages)}/{len(pages)} 页" in bot.last(LEADER)
    async with bot.session() as s:
        grant = await s.get(RoleGrant, grants[-1])
        assert grant is not None and grant.may_record_activities


async def test_status_of_a_thousand_studios_in_one_union_pages(bot: BotHarness) -> None:
    ids = await _studios(bot, StudioStatus.NAMED)
    await _admin(bot)
    first = await bot.send(ADMIN, "/status")
    assert "1000 个" in first[0] and "第 1/50 页" in first[0]
    pages = await _walk(bot, ADMIN)
    assert sorted(_ids(pages, "ss")) == ids and len(_ids(pages, "ss")) == N
    detail = await bot.press(ADMIN, pages[-1]["labels"][0])
    assert "劳模创新工作室" in detail[0]


@pytest.mark.postgres  # forged ids past 64 bits must not reach the driver
async def test_old_and_forged_page_buttons(bot: BotHarness) -> None:
    studio_id = await _one_studio_led(bot)
    ids = await _projects(bot, studio_id, deleted=False)
    # Past the end: the last page; an unknown ledger code or a missing part: a stale button.
    await bot.press_data(LEADER, f"lgp:p:{studio_id}:{2**40}")
    assert "第 100/100 页" in bot.last(LEADER)
    for forged in (f"lgp:z:{studio_id}:0", f"lgp:p:{studio_id}", f"lgp:p:{studio_id}:-1",
                   f"rvp:{2**64}", "scp:x", f"mpp:{studio_id}"):  # fmt: skip
        assert "按钮已失效" in (await bot.press_data(LEADER, forged))[0], forged
    # Someone else's ledger page, or a list of applications that do not wait for them.
    assert "按钮已失效" not in (await bot.press_data(ADMIN, f"lgp:p:{studio_id}:0"))[0]
    assert "课题" not in bot.last(ADMIN)
    assert "不在等你处理" in (await bot.press_data(ADMIN, f"rvo:{studio_id}"))[0]
    # The permission buttons sent before pages existed (mp:<studio>:<grant>:<allow>) still work.
    async with bot.session() as s:
        s.add(User(id=300_001, full_name="玉香"))
        await s.flush()
        grant = RoleGrant(user_id=300_001, role=Role.STUDIO_MEMBER, studio_id=studio_id)
        s.add(grant)
        await s.commit()
        grant_id = grant.id
    await bot.send(LEADER, "/member")
    await bot.press_data(LEADER, f"mp:{studio_id}:{grant_id}:1")
    async with bot.session() as s:
        refreshed = await s.get(RoleGrant, grant_id)
        assert refreshed is not None and refreshed.may_record_activities
    assert ids  # the ledger was there all along


async def test_reminders_of_a_thousand_studios_page(bot: BotHarness) -> None:
    # Named almost five years ago: each studio's re-review reminder (Art. 17) lies ahead.
    today = bot.clock().astimezone(REPORT_TZ).date()
    await _studios(bot, StudioStatus.NAMED, named_on=today.replace(year=today.year - 5)
                   + timedelta(days=60))  # fmt: skip
    await _admin(bot)
    upcoming = await bot.app.bot_data.deps.reminders.upcoming(ADMIN.id)  # type: ignore[union-attr]
    assert len(upcoming) >= N
    await bot.send(ADMIN, "/reminders")
    pages = await _walk(bot, ADMIN)
    listed = [m for p in pages for m in re.findall(r"岩(\d{4})劳模创新工作室", p["text"])]
    assert sorted(listed) == sorted(u.subject[1:5] for u in upcoming if u.subject)
    assert sum(len(re.findall(r"^· ", p["text"], re.M)) for p in pages) == len(upcoming)
    assert all("rem:" in " ".join(p["data"]) for p in pages)  # the mute buttons on every page


async def test_the_delivery_report_of_a_thousand_problems_pages_in_place(bot: BotHarness) -> None:
    await _admin(bot)
    now = utcnow()
    async with bot.session() as s:
        await s.execute(
            insert(User), [{"id": 400_000 + n, "full_name": f"收件人{n:04d}"} for n in range(N)]
        )
        await s.execute(
            insert(ReminderLog),
            [{"kind": "deadline", "recipient_id": 400_000 + n, "period": "2026",
              "stage": "d30", "status": ReminderStatus.FAILED, "payload": {},
              "created_at": now - timedelta(minutes=n)}
             for n in range(N)],
        )  # fmt: skip
        await s.commit()
    await bot.send(ADMIN, "/delivery")
    pages = await _walk(bot, ADMIN)
    names = [m for p in pages for m in re.findall(r"收件人(\d{4})", p["text"])]
    assert sorted(names) == [f"{n:04d}" for n in range(N)] and len(names) == N


async def test_a_leader_of_many_studios_reaches_each_permission_panel(bot: BotHarness) -> None:
    """Was: the panels of the first three studios only, a message each. Now one panel, and
    ⏮ ⏭ to the others, in place (30 studios: each step re-reads the leader's studios)."""
    ids = (await _studios(bot, StudioStatus.NAMED))[:30]
    await _leader(bot, ids)
    async with bot.session() as s:
        await s.execute(
            insert(User), [{"id": 500_000 + n, "full_name": f"成员{n:04d}"} for n in range(30)]
        )
        await s.execute(
            insert(RoleGrant),
            [{"user_id": 500_000 + n, "role": Role.STUDIO_MEMBER, "studio_id": i}
             for n, i in enumerate(ids)],
        )  # fmt: skip
        await s.commit()
    await bot.send(LEADER, "/member")
    panels = [m for m in bot.fake.sent[LEADER.id] if "谁可以记录活动" in m.get("text", "")]
    assert len(panels) == 1
    bot.fake.touched.append(panels[0])
    pages = await _walk(bot, LEADER, "⏭")
    assert [re.findall(r"岩(\d{4})劳模", p["text"]) for p in pages] == [
        [f"{n:04d}"] for n in range(30)
    ]
    assert [re.findall(r"成员(\d{4})", p["text"]) for p in pages] == [
        [f"{n:04d}"] for n in range(30)
    ]


async def _unions(bot: BotHarness) -> None:
    async with bot.session() as s:
        top = await s.scalar(select(Union).where(Union.kind == UnionKind.PREFECTURE))
        assert top is not None
        await s.execute(
            insert(Union),
            [{"name": f"第{n:04d}县总工会", "kind": UnionKind.COUNTY, "parent_id": top.id}
             for n in range(N)],
        )  # fmt: skip
        await s.commit()


async def test_reported_of_a_thousand_unions_pages(bot: BotHarness) -> None:
    await _unions(bot)
    await _admin(bot)
    first = await bot.send(ADMIN, "/reported")
    assert "第 1/" in first[0]
    pages = await _walk(bot, ADMIN)
    names = [m for p in pages for m in re.findall(r"第(\d{4})县总工会", p["text"])]
    assert sorted(names) == [f"{n:04d}" for n in range(N)] and len(names) == N


async def test_the_prefectures_report_list_of_a_thousand_unions_pages(bot: BotHarness) -> None:
    await _unions(bot)
    await _admin(bot)
    first = await bot.send(ADMIN, "/report")
    assert "第 1/" in first[0]
    pages = await _walk(bot, ADMIN)
    names = [m for p in pages for m in re.findall(r"第(\d{4})县总工会", p["text"])]
    assert sorted(names) == [f"{n:04d}" for n in range(N)] and len(names) == N
    assert all(f"rw:0:{bot.clock().year}" in p["data"] for p in pages)  # the workbook on each


async def test_assess_a_union_of_a_thousand_studios_pages(bot: BotHarness) -> None:
    """Was: the first ten studios, a message each; the rest only after grading those."""
    ids = await _studios(bot, StudioStatus.NAMED)  # all under 景洪市总工会
    async with bot.session() as s:
        union = await union_named(s, "景洪市总工会")
        s.add(User(id=LEADER.id, full_name="县工会干部"))
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.UNION_OFFICER, union_id=union.id))
        await s.commit()
    first = await bot.send(LEADER, "/assess")
    assert len(first) == 1 and "已考核 0/1000" in first[0] and "第 1/50 页" in first[0]
    pages = await _walk(bot, LEADER)
    assert _numbers(pages) == list(range(1, N + 1))
    assert _ids(pages, "ao") == ids
    opened = await bot.press(LEADER, f"📝 {N}")
    assert "岩0999劳模创新工作室" in opened[0]
    await bot.press(LEADER, "良好")
    assert "还有 999 个待考核" in bot.last(LEADER)


async def test_me_with_a_thousand_roles_pages(bot: BotHarness) -> None:
    ids = await _studios(bot, StudioStatus.NAMED)
    await _leader(bot, ids)
    first = await bot.send(LEADER, "/me")
    assert "第 1/" in first[0]
    pages = await _walk(bot, LEADER)
    named = [m for p in pages for m in re.findall(r"岩(\d{4})劳模创新工作室", p["text"])]
    assert named == [f"{n:04d}" for n in range(N)]
