"""First contact, help, roles, language, and that every kind of input gets a useful answer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.i18n import t
from bot.offline import Person
from storage.accounts import AccountService
from storage.db import Base, utcnow
from storage.invitations import InvitationService
from tests.factories import union_named
from tests.harness import BotHarness

GUEST = Person(5005, "玉罕")
ADMIN = Person(1001, "王芳")
ENGLISH = Person(6006, "Anna", language_code="en")


async def test_start_greets_a_guest_and_offers_next_steps(bot: BotHarness) -> None:
    replies = await bot.send(GUEST, "/start")
    assert "你好，玉罕" in replies[0]
    assert "邀请链接" in replies[0] and "/help" in replies[0]
    assert bot.button_labels(GUEST) == ["📖 《办法》目录", "❓ 帮助"]
    replies = await bot.press(GUEST, "帮助")
    assert "/ask" in replies[0] and "还没有身份" in replies[0]


async def test_start_greets_by_role(bot: BotHarness) -> None:
    async with bot.session() as session:
        await AccountService(session).grant_admin(ADMIN.id)
    replies = await bot.send(ADMIN, "/start")
    assert "州总工会管理员（全州）" in replies[0]


async def test_help_lists_what_this_user_may_do(bot: BotHarness) -> None:
    guest_help = (await bot.send(GUEST, "/help"))[0]
    assert "/invite" not in guest_help
    async with bot.session() as session:
        await AccountService(session).grant_admin(ADMIN.id)
    admin_help = (await bot.send(ADMIN, "/help"))[0]
    assert "/invite" in admin_help and "/invites" in admin_help and "还没有身份" not in admin_help


async def test_me_shows_roles_and_id(bot: BotHarness) -> None:
    replies = await bot.send(GUEST, "/me")
    assert "5005" in replies[0] and "还没有身份" in replies[0]


async def test_language_follows_telegram_and_can_be_changed(bot: BotHarness) -> None:
    assert "Hello, Anna" in (await bot.send(ENGLISH, "/start"))[0]
    await bot.send(GUEST, "/language")
    picker = bot.last_message(GUEST)
    await bot.press(GUEST, "English")
    assert "English" in bot.last(GUEST)
    # The choice replaces the picker in place: no dead keyboard left behind.
    assert bot.last_message(GUEST) is picker and not bot.chat.buttons(picker)
    assert "What the" in (await bot.send(GUEST, "/help"))[0]
    await bot.send(GUEST, "/language")
    await bot.press(GUEST, "简体中文")
    assert "能做的事" in (await bot.send(GUEST, "/help"))[0]


async def test_command_menu_is_published_per_language(bot: BotHarness) -> None:
    menus = bot.fake.commands
    zh = {c["command"]: c["description"] for c in menus[("all_private_chats", "zh")]}
    en = {c["command"]: c["description"] for c in menus[("all_private_chats", "en")]}
    assert zh.keys() == en.keys() >= {"start", "help", "me", "invite", "ask", "regulation"}
    assert zh["help"] == "帮助" and en["help"] == "Help"
    assert menus[("all_private_chats", "")] == menus[("all_private_chats", "zh")]


async def test_unknown_command_gets_a_way_forward(bot: BotHarness) -> None:
    replies = await bot.send(GUEST, "/frobnicate now")
    assert "不认识 /frobnicate" in replies[0] and "/help" in replies[0]


@pytest.mark.parametrize(
    "extra",
    [
        {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                     "is_animated": False, "is_video": False, "type": "regular"}},
        {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}},
        {"location": {"latitude": 22.0, "longitude": 100.8}},
    ],
)  # fmt: skip
async def test_non_text_messages_are_answered(bot: BotHarness, extra: dict[str, Any]) -> None:
    replies = await bot.send_other(GUEST, extra)
    assert len(replies) == 1 and "文字" in replies[0]


async def _rows(bot: BotHarness) -> dict[str, list[str]]:
    """Every row of every table, except when people were last seen (each update touches it)."""
    seen = {"last_seen_at", "updated_at"}
    dump: dict[str, list[str]] = {}
    async with bot.session() as s:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.c if not (table.name == "users" and c.name in seen)]
            dump[table.name] = sorted(repr(tuple(r)) for r in await s.execute(select(*columns)))
    return dump


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ("inv:zz", "errors.stale_button"),
        ("inv:u:o:notanumber", "errors.stale_button"),
        ("nonsense", "errors.stale_button"),
        ("art:99", "errors.stale_button"),
        ("lang:fr", "errors.stale_button"),
        ("inv:u:o:{union}", "invite.not_allowed"),  # well-formed, but not the guest's to press
        ("inv:x:{invitation}", "invite.not_allowed"),  # revoking the admin's invitation
    ],
)
async def test_stale_or_forged_buttons_are_answered(bot: BotHarness, data: str, key: str) -> None:
    async with bot.session() as session:
        await AccountService(session).grant_admin(ADMIN.id)
        from storage.models import Role

        union = await union_named(session, "勐海县总工会")
        pending = await InvitationService(session).create(
            ADMIN.id, Role.UNION_OFFICER, union_id=union.id, now=utcnow()
        )
    await bot.send(GUEST, "/start")
    before = await _rows(bot)
    forged = data.format(union=union.id, invitation=pending.invitation.id)
    replies = await bot.press_data(GUEST, forged)
    assert replies + bot.alerts() == [t("zh", key)]
    assert await _rows(bot) == before


async def test_user_text_cannot_break_formatting(bot: BotHarness) -> None:
    # The fake Bot API refuses malformed HTML exactly like Telegram, so a missed escape fails here.
    sly = Person(7007, "<b>Bob & </i>", last_name="<script>")
    replies = await bot.send(sly, "/me")
    assert "<b>Bob & </i> <script>" in replies[0]
    assert "你好，<b>Bob & </i>" in (await bot.send(sly, "/start"))[0]


async def test_inviter_name_with_markup_is_escaped_in_notice(bot: BotHarness) -> None:
    async with bot.session() as session:
        await AccountService(session).grant_admin(ADMIN.id)
    await bot.send(ADMIN, "/start")
    async with bot.session() as session:
        from storage.models import Role

        new = await InvitationService(session).create(ADMIN.id, Role.PREFECTURE_ADMIN, now=utcnow())
    await bot.send(Person(8008, "<i>x&y"), f"/start {new.code}")
    assert "<i>x&y 已接受你的邀请" in bot.last(ADMIN)


async def test_an_internal_error_is_apologised_for_without_details(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(AccountService, "profile", broken)
    replies = await bot.send(GUEST, "/me")
    assert len(replies) == 1
    assert "出了点问题" in replies[0] and "secret" not in replies[0]


async def test_group_chat_commands_that_are_personal_redirect_to_private(bot: BotHarness) -> None:
    replies = await bot.send_in_group(GUEST, "/me")
    assert "私聊" in replies[0]
    assert "5005" not in replies[0]  # never shows account details in a group


@pytest.mark.postgres
async def test_blocking_the_bot_is_recorded_and_lifted(bot: BotHarness) -> None:
    from storage.models import User

    await bot.send(GUEST, "/start")

    def change(status: str, update_id: int) -> dict[str, Any]:
        member = {"user": bot.fake.me, "status": status, "until_date": 0}
        return {
            "update_id": update_id,
            "my_chat_member": {
                "chat": {"id": GUEST.id, "type": "private", "first_name": GUEST.first_name},
                "from": GUEST.as_json(),
                "date": 0,
                "old_chat_member": {**member, "status": "member"},
                "new_chat_member": member,
            },
        }

    async def blocked() -> bool:
        async with bot.session() as s:
            user = await s.get(User, GUEST.id)
        return user is not None and user.blocked_bot_at is not None

    await bot.chat._process(change("kicked", 9001))
    assert await blocked()
    await bot.chat._process(change("member", 9002))
    assert not await blocked()


async def test_an_edited_message_is_not_run_again(bot: BotHarness) -> None:
    await bot.send(GUEST, "/start")
    before = len(bot.fake.sent[GUEST.id])
    edited = {"message_id": 5, "date": 0, "edit_date": 1, "text": "/invite",
              "chat": {"id": GUEST.id, "type": "private"}, "from": GUEST.as_json(),
              "entities": [{"type": "bot_command", "offset": 0, "length": 7}]}  # fmt: skip
    await bot.chat._process({"update_id": 9100, "edited_message": edited})
    assert len(bot.fake.sent[GUEST.id]) == before + 1
    assert "重新发送" in bot.last(GUEST)
