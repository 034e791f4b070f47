"""Lists that outgrow one message page with ◀ ▶ (issue 11, item 8): /invites, the studio
card's team and /people, each at 1,000 items. The fake Bot API refuses any message over
4,096 characters, so every page shown here fits."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import insert

from bot.offline import Person
from bot.paging import paginate
from storage.accounts import AccountService
from storage.db import utcnow
from storage.invitations import hash_code
from storage.models import Invitation, Member, Role, RoleGrant, StudioStatus, User
from tests.factories import add_studio
from tests.harness import BotHarness

ADMIN = Person(9501, "王芳")
LEADER = Person(9502, "岩温")
N = 1000


def test_pages_respect_both_the_count_and_the_size() -> None:
    lines = [f"{n}. " + "长" * (n % 300) for n in range(N)]
    seen, page, number = [], paginate(lines, 0), 0
    while True:
        chunk = lines[page.start : page.stop]
        assert 1 <= len(chunk) <= 20
        assert sum(len(x) + 1 for x in chunk) <= 3000 or len(chunk) == 1
        seen += chunk
        if page.number + 1 == page.total:
            break
        number += 1
        page = paginate(lines, number)
    assert seen == lines
    assert paginate(lines, 10**6).number == page.number  # beyond the end: the last page
    assert paginate([], 0).total == 1 and paginate(["x" * 5000], 0).stop == 1


async def _walk(bot: BotHarness, person: Person, first: list[str]) -> list[str]:
    """Press ▶ until there is none; every page's text."""
    pages = [first[-1]]
    while "▶" in bot.button_labels(person):
        pages.append((await bot.press(person, "▶"))[-1])
        assert len(pages) <= N
    return pages


def _numbers(pages: list[str]) -> list[int]:
    return [int(m) for page in pages for m in re.findall(r"^(\d+)\. ", page, re.M)]


async def test_a_thousand_open_invitations_page_and_each_can_be_revoked(bot: BotHarness) -> None:
    async with bot.session() as s:
        await AccountService(s).grant_admin(ADMIN.id)
        now = utcnow()
        await s.execute(
            insert(Invitation),
            [
                {"code_hash": hash_code(f"code-{n:04d}-padding"), "role": Role.PREFECTURE_ADMIN,
                 "created_by": ADMIN.id, "created_at": now, "expires_at": now + timedelta(days=7)}
                for n in range(N)
            ],
        )  # fmt: skip
        await s.commit()
    first = await bot.send(ADMIN, "/invites")
    assert "共 1000 个" in first[0] and "第 1/" in first[0]
    listing = bot.last_message(ADMIN)
    pages = await _walk(bot, ADMIN, first)
    # Turning pages edits the list in place: one message, not fifty.
    assert bot.last_message(ADMIN) is listing
    assert sum("共 1000 个" in m.get("text", "") for m in bot.fake.sent[ADMIN.id]) == 1
    assert _numbers(pages) == list(range(1, N + 1))
    assert len(pages) == N // 20

    # Back one page, and revoke an invitation listed there.
    await bot.press(ADMIN, "◀")
    assert f"第 {len(pages) - 1}/{len(pages)} 页" in bot.last(ADMIN)
    label = bot.button_labels(ADMIN)[0]
    assert label == f"撤销 {N - 39}"
    assert "已撤销" in (await bot.press(ADMIN, label))[0]
    assert "共 999 个" in (await bot.send(ADMIN, "/invites"))[0]


async def test_a_studio_card_with_a_thousand_members_pages_its_team(bot: BotHarness) -> None:
    async with bot.session() as s:
        studio = await add_studio(s, "岩温", "景洪市总工会", StudioStatus.NAMED)
        s.add(User(id=LEADER.id, full_name=LEADER.first_name))
        await s.flush()
        s.add(RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=studio.id))
        await s.execute(
            insert(Member),
            [
                {"studio_id": studio.id, "name": f"成员{n:04d}" + "长" * 15,
                 "specialty": "电气自动化及继电保护" * 4, "education": "本科", "birth_year": 1990}
                for n in range(N)
            ],
        )  # fmt: skip
        await s.commit()
    first = await bot.send(LEADER, "/studio")
    assert "团队（1000 人）" in first[0] and "岩温劳模创新工作室" in first[0]
    pages = await _walk(bot, LEADER, first)
    names = [m for page in pages for m in re.findall(r"成员(\d{4})", page)]
    assert names == [f"{n:04d}" for n in range(N)]
    assert all("岩温劳模创新工作室" in page for page in pages)  # each page is the whole card


async def test_people_with_a_thousand_members_pages(bot: BotHarness) -> None:
    async with bot.session() as s:
        studio = await add_studio(s, "岩温", "景洪市总工会", StudioStatus.NAMED)
        await AccountService(s).grant_admin(ADMIN.id)
        await s.execute(
            insert(User), [{"id": 100_000 + n, "full_name": f"成员{n:04d}"} for n in range(N)]
        )
        await s.execute(
            insert(RoleGrant),
            [{"user_id": 100_000 + n, "role": Role.STUDIO_MEMBER, "studio_id": studio.id}
             for n in range(N)],
        )  # fmt: skip
        await s.commit()
    first = await bot.send(ADMIN, "/people")
    assert "共 1000 个" in first[0]
    pages = await _walk(bot, ADMIN, first)
    assert _numbers(pages) == list(range(1, N + 1))
