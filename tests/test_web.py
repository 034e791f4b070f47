"""The dashboard (issue 13, items 1–3): both ways in, the chat's roles and jurisdiction on
every API route for every role and for nobody, the webhook on the same server, the page and
its chart library served from the package."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from openpyxl import load_workbook

from bot.offline import Person
from bot.web import web_deps
from storage.models import (
    Achievement,
    AchievementCategory,
    Attachment,
    Role,
    RoleGrant,
    User,
)
from tests.factories import add_studio, union_named
from tests.harness import BotHarness, Clock, Database
from web import initdata
from web.server import API_ROUTES, STATIC, WebDeps, create_app

TOKEN = "123456:web-test-token-abcdefghijklmnop"
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
ADMIN, JINGHONG, MENGHAI = Person(701, "州管理员"), Person(702, "景洪干部"), Person(703, "勐海干部")
LEADER, MEMBER, STRANGER = Person(704, "岩温"), Person(705, "玉罕"), Person(706, "路人")


async def fetch_file(file_id: str) -> bytes:
    return f"content of {file_id}".encode()  # the bot would download it from Telegram


@pytest.fixture
async def web(database: Database) -> AsyncIterator[tuple[BotHarness, WebDeps, Clock]]:
    async with BotHarness.started(database, NOW, web_port=8080) as harness:
        settings = harness.app.bot_data.deps.settings  # type: ignore[union-attr]
        deps = web_deps(harness.app, settings)
        deps.bot_token, deps.fetch_file = TOKEN, fetch_file
        yield harness, deps, harness.clock


def client(deps: WebDeps, **kwargs: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(deps))
    return httpx.AsyncClient(transport=transport, base_url="http://dash.test", **kwargs)


def signed(person: Person, at: datetime = NOW, token: str = TOKEN) -> str:
    fields = {
        "auth_date": str(int(at.timestamp())),
        "query_id": "AAF",
        "user": json.dumps({"id": person.id, "first_name": person.first_name}),
    }
    return urlencode({**fields, "hash": initdata.sign(fields, token)})


def tma(person: Person, at: datetime = NOW) -> dict[str, str]:
    return {"Authorization": "tma " + signed(person, at)}


async def seed(harness: BotHarness) -> dict[str, int]:
    async with harness.session() as s:
        ours = await add_studio(s, "岩温", "景洪市总工会")
        theirs = await add_studio(s, "玉香", "勐海县总工会")
        for p in (ADMIN, JINGHONG, MENGHAI, LEADER, MEMBER, STRANGER):
            s.add(User(id=p.id, full_name=p.first_name))
        await s.flush()
        jinghong = (await union_named(s, "景洪市总工会")).id
        menghai = (await union_named(s, "勐海县总工会")).id
        s.add_all([
            RoleGrant(user_id=ADMIN.id, role=Role.PREFECTURE_ADMIN),
            RoleGrant(user_id=JINGHONG.id, role=Role.UNION_OFFICER, union_id=jinghong),
            RoleGrant(user_id=MENGHAI.id, role=Role.UNION_OFFICER, union_id=menghai),
            RoleGrant(user_id=LEADER.id, role=Role.STUDIO_LEADER, studio_id=ours.id),
            RoleGrant(user_id=MEMBER.id, role=Role.STUDIO_MEMBER, studio_id=ours.id),
        ])  # fmt: skip
        achievement = Achievement(
            studio_id=ours.id,
            title="配网降损",
            achieved_on=NOW.date(),
            category=AchievementCategory.TECHNOLOGY,
            recognised_by="州科技局",
        )
        s.add(achievement)
        await s.flush()
        file = Attachment(file_id="tg-file-1", file_unique_id="u1", file_name="证书.pdf",
                          mime_type="application/pdf", achievement_id=achievement.id)  # fmt: skip
        s.add(file)
        await s.commit()
        return {"ours": ours.id, "theirs": theirs.id, "file": file.id}


def test_the_page_catalogs_match() -> None:
    from web.texts import EN, ZH

    assert ZH.keys() == EN.keys()


def test_init_data_is_verified_by_its_signature_and_age() -> None:
    user = initdata.verify(signed(LEADER), TOKEN, NOW)
    assert user["id"] == LEADER.id
    assert initdata.verify(signed(LEADER, NOW - timedelta(hours=23)), TOKEN, NOW)["id"] == LEADER.id
    with pytest.raises(initdata.InitDataError, match="stale"):
        initdata.verify(signed(LEADER, NOW - timedelta(hours=25)), TOKEN, NOW)
    with pytest.raises(initdata.InitDataError, match="signature"):
        initdata.verify(signed(LEADER, token="999:another-bots-token-xxxxxxxxxx"), TOKEN, NOW)
    forged = signed(LEADER).replace(str(LEADER.id), str(ADMIN.id))  # same hash, other person
    with pytest.raises(initdata.InitDataError):
        initdata.verify(forged, TOKEN, NOW)
    for junk in ("", "hash=", "user=1&hash=abc", "%%%"):
        with pytest.raises(initdata.InitDataError):
            initdata.verify(junk, TOKEN, NOW)


@pytest.mark.postgres
async def test_every_api_route_as_every_role_and_as_nobody(
    web: tuple[BotHarness, WebDeps, Clock],
) -> None:
    harness, deps, _ = web
    ids = await seed(harness)
    ours, theirs, file = ids["ours"], ids["theirs"], ids["file"]
    paths = {
        ("GET", "/api/me"): "/api/me",
        ("GET", "/api/overview"): "/api/overview",
        ("GET", "/api/charts"): "/api/charts",
        ("GET", "/api/studios/{studio}"): f"/api/studios/{ours}",
        ("GET", "/api/files/{attachment}"): f"/api/files/{file}",
        ("GET", "/api/export.xlsx"): "/api/export.xlsx",
        ("GET", "/api/report"): "/api/report",
        ("GET", "/api/report.xlsx"): "/api/report.xlsx",
        ("GET", "/api/sessions"): "/api/sessions",
        ("POST", "/api/sessions/{session}/end"): "/api/sessions/99/end",
    }
    assert set(paths) == set(API_ROUTES)  # a new route must be added to this table
    app_routes = {r.path for r in create_app(deps).routes if r.path.startswith("/api")}  # type: ignore[attr-defined]
    assert len(app_routes) == len(API_ROUTES)
    # Expected status per role for each route on the 景洪 studio (ours).
    expected = {
        "/api/me": dict(admin=200, jinghong=200, menghai=200, leader=200, member=200),
        "/api/overview": dict(admin=200, jinghong=200, menghai=200, leader=200, member=200),
        "/api/charts": dict(admin=200, jinghong=200, menghai=200, leader=200, member=200),
        f"/api/studios/{ours}": dict(admin=200, jinghong=200, menghai=404, leader=200, member=200),
        f"/api/files/{file}": dict(admin=200, jinghong=200, menghai=404, leader=200, member=200),
        "/api/export.xlsx": dict(admin=200, jinghong=200, menghai=200, leader=403, member=403),
        # The prefecture's year-end report is the admin's; a union's, its officers' (below).
        "/api/report": dict(admin=200, jinghong=403, menghai=403, leader=403, member=403),
        "/api/report.xlsx": dict(admin=200, jinghong=403, menghai=403, leader=403, member=403),
        "/api/sessions": dict(admin=200, jinghong=200, menghai=200, leader=200, member=200),
        "/api/sessions/99/end": dict(admin=404, jinghong=404, menghai=404, leader=404, member=404),
    }
    people = dict(admin=ADMIN, jinghong=JINGHONG, menghai=MENGHAI, leader=LEADER, member=MEMBER)
    async with client(deps) as c:
        for (method, _), path in paths.items():
            # Nobody: no initData, no cookie; a forged, a stale, and a stranger without a role.
            assert (await c.request(method, path)).status_code == 401, path
            forged = {"Authorization": "tma " + signed(ADMIN, token="1:someone-elses-token-xxxxx")}
            assert (await c.request(method, path, headers=forged)).status_code == 401, path
            stale = tma(ADMIN, NOW - timedelta(days=2))
            assert (await c.request(method, path, headers=stale)).status_code == 401, path
            assert (await c.request(method, path, headers=tma(STRANGER))).status_code == 403, path
            junk = {"Cookie": "studio_session=not-a-session"}
            assert (await c.request(method, path, headers=junk)).status_code == 401, path
            for role, person in people.items():
                got = await c.request(method, path, headers=tma(person))
                assert got.status_code == expected[path][role], (path, role, got.text)

        # Jurisdiction in what comes back, not only in the status.
        def studios(body: Any) -> set[int]:
            return {s["id"] for b in body["blocks"] for s in b["studios"]}

        seen = {r: studios((await c.get("/api/overview", headers=tma(p))).json())
                for r, p in people.items()}  # fmt: skip
        assert seen == dict(admin={ours, theirs}, jinghong={ours}, menghai={theirs},
                            leader={ours}, member={ours})  # fmt: skip
        assert (await c.get(f"/api/studios/{theirs}", headers=tma(JINGHONG))).status_code == 404
        mine = await c.get(f"/api/export.xlsx?studio={ours}", headers=tma(LEADER))
        assert mine.status_code == 200
        theirs_file = await c.get(f"/api/export.xlsx?studio={theirs}", headers=tma(LEADER))
        assert theirs_file.status_code == 404
        # The officer's download is the management ledger /export makes, only their studios.
        wb = load_workbook(
            BytesIO((await c.get("/api/export.xlsx", headers=tma(JINGHONG))).content)
        )
        assert wb.sheetnames[0] == "管理台帐"
        assert [r[0].value for r in wb["管理台帐"].iter_rows(min_row=2)] == [
            "岩温劳模创新工作室",
            "合计",
        ]
        async with harness.session() as s:
            jinghong = (await union_named(s, "景洪市总工会")).id
        own = await c.get(f"/api/report?union={jinghong}", headers=tma(JINGHONG))
        assert own.status_code == 200 and own.json()["unions"][0]["name"] == "景洪市总工会"
        assert [r["studio"] for r in own.json()["unions"][0]["rows"]] == ["岩温劳模创新工作室"]
        other = await c.get(f"/api/report.xlsx?union={jinghong}", headers=tma(MENGHAI))
        assert other.status_code == 403
        book = await c.get(f"/api/report.xlsx?union={jinghong}", headers=tma(JINGHONG))
        assert load_workbook(BytesIO(book.content)).sheetnames == ["汇总", "工作室考核"]
        page = (await c.get(f"/api/studios/{ours}", headers=tma(LEADER))).json()
        assert page["achievements"][0]["files"] == [
            {"id": file, "name": "证书.pdf", "paper": False}]  # fmt: skip
        got = await c.get(f"/api/files/{file}", headers=tma(LEADER))
        assert got.content == b"content of tg-file-1"
        assert "%E8%AF%81%E4%B9%A6.pdf" in got.headers["content-disposition"]
        # A file known by its name only (imported from a workbook): listed, never fetched.
        async with harness.session() as s:
            owner = await s.get(Attachment, file)
            assert owner is not None
            paper = Attachment(file_id=None, file_unique_id=None, file_name="奖状.jpg",
                               achievement_id=owner.achievement_id)  # fmt: skip
            s.add(paper)
            await s.commit()
        page = (await c.get(f"/api/studios/{ours}", headers=tma(LEADER))).json()
        assert page["achievements"][0]["files"][1] == {
            "id": paper.id, "name": "奖状.jpg", "paper": True}  # fmt: skip
        got = await c.get(f"/api/files/{paper.id}", headers=tma(LEADER))
        assert got.status_code == 404 and "只登记了文件名" in got.json()["error"]


async def test_a_one_time_link_signs_a_browser_in_for_a_working_day(
    web: tuple[BotHarness, WebDeps, Clock],
) -> None:
    harness, deps, clock = web
    await seed(harness)
    replies = await harness.send(JINGHONG, "/web")
    link = next(w for w in replies[0].split() if "/login?code=" in w)
    assert link.startswith("http://127.0.0.1:8080/login?code=")
    code = link.split("code=")[1]
    async with client(deps) as c:
        # Showing the link (a preview, a prefetch) does not use it up.
        page = await c.get(f"/login?code={code}")
        assert page.status_code == 200 and 'method="post"' in page.text
        assert (await c.get("/api/me")).status_code == 401
        signed_in = await c.post("/login", data={"code": code})
        assert signed_in.status_code == 303
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=36000" in cookie
        me = await c.get("/api/me")
        assert me.status_code == 200 and me.json()["id"] == JINGHONG.id
        # Once only: the same link again, in another browser, is refused.
        async with client(deps) as other:
            assert (await other.post("/login", data={"code": code})).status_code == 403
            assert (await other.get("/api/me")).status_code == 401
            # A second browser with a fresh link; ten minutes later a link is dead.
            late = (await harness.send(JINGHONG, "/web"))[0].split("code=")[1].split()[0]
            clock.at = NOW + timedelta(minutes=11)
            assert (await other.post("/login", data={"code": late})).status_code == 403
            fresh = (await harness.send(JINGHONG, "/web"))[0].split("code=")[1].split()[0]
            assert (await other.post("/login", data={"code": fresh})).status_code == 303
            listed = (await other.get("/api/sessions")).json()
            assert len(listed) == 2 and [s["current"] for s in listed] == [True, False]
            # End the first browser's session from the second.
            first = next(s["id"] for s in listed if not s["current"])
            assert (await other.post(f"/api/sessions/{first}/end")).status_code == 200
            assert (await c.get("/api/me")).status_code == 401
            # Logout ends this one; the cookie no longer opens anything.
            assert (await other.post("/logout")).status_code == 303
            assert (await other.get("/api/me")).status_code == 401
        # A working day, then the session is over.
        replies = await harness.send(JINGHONG, "/web")
        code = replies[0].split("code=")[1].split()[0]
        await c.post("/login", data={"code": code})
        assert (await c.get("/api/me")).status_code == 200
        clock.shift(timedelta(hours=10, minutes=1))
        assert (await c.get("/api/me")).status_code == 401
    # Someone with no role gets no link.
    assert "只对工会干部" in (await harness.send(STRANGER, "/web"))[0]


async def test_the_dashboard_is_off_unless_configured(bot: BotHarness) -> None:
    assert "没有开启" in (await bot.send(Person(1, "某人"), "/web"))[0]


async def test_the_same_server_takes_the_webhook_and_checks_its_secret(
    web: tuple[BotHarness, WebDeps, Clock],
) -> None:
    _, deps, _ = web
    received: list[Any] = []

    async def on_update(data: Any) -> None:
        received.append(data)

    deps.webhook_path, deps.webhook_secret, deps.on_update = "/tg", "s" * 20, on_update
    async with client(deps) as c:
        update = {"update_id": 1}
        assert (await c.post("/tg", json=update)).status_code == 403
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "t" * 20}
        assert (await c.post("/tg", json=update, headers=wrong)).status_code == 403
        right = {"X-Telegram-Bot-Api-Secret-Token": "s" * 20}
        assert (await c.post("/tg", json=update, headers=right)).status_code == 200
        assert received == [update]
        assert (await c.get("/")).status_code == 200  # the page is still there


async def test_the_page_and_its_charts_come_from_the_package_and_stay_light(
    web: tuple[BotHarness, WebDeps, Clock],
) -> None:
    _, deps, _ = web
    index = (STATIC / "index.html").read_text()
    assert "/static/echarts.min.js" in index
    for name in ("index.html", "app.js", "app.css"):
        text = (STATIC / name).read_text()
        assert "http://" not in text and "https://" not in text, name  # no CDN, nothing remote
    weight = 0
    async with client(deps) as c:
        for path in ("/", "/static/app.js", "/static/app.css", "/static/echarts.min.js"):
            got = await c.get(path, headers={"Accept-Encoding": "gzip"})
            assert got.status_code == 200, path
            weight += int(got.headers.get("content-length") or len(gzip.compress(got.content)))
    assert weight <= 1_500_000  # first load, as sent
    started = time.perf_counter()
    assert (STATIC / "echarts.min.js").stat().st_size > 500_000
    assert time.perf_counter() - started < 1


async def test_uvicorn_serves_it_inside_the_bots_own_loop(
    web: tuple[BotHarness, WebDeps, Clock],
) -> None:
    import asyncio
    import socket

    import uvicorn

    harness, deps, _ = web
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(deps), host="127.0.0.1", port=port,
                                           lifespan="off", log_level="warning"))  # fmt: skip
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(100):
            if server.started:
                break
            await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
            assert (await c.get("/api/overview")).status_code == 401
            # Meanwhile the bot answers in the same loop.
            assert await harness.send(LEADER, "/help")
            assert "echarts" in (await c.get("/")).text
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, 5)


async def test_a_dashboard_button_under_status_and_reported_opens_the_mini_app(
    database: Database,
) -> None:
    async with BotHarness.started(database, NOW, web_url="https://dash.example.org") as harness:
        await seed(harness)
        await harness.send(ADMIN, "/status")
        buttons = harness.chat.buttons(harness.last_message(ADMIN))
        assert buttons[-1]["web_app"] == {"url": "https://dash.example.org/"}
        await harness.send(ADMIN, "/reported")
        assert harness.chat.buttons(harness.last_message(ADMIN))[-1]["text"] == "📊 打开看板"
        replies = await harness.send(JINGHONG, "/dashboard")
        assert "打开辖区看板" in replies[0]
        # /web links to the public address.
        assert "https://dash.example.org/login?code=" in (await harness.send(JINGHONG, "/web"))[0]
    async with BotHarness.started(database, NOW, web_port=8080) as harness:
        # No https address: no Mini App (Telegram would refuse the button); /web instead.
        assert "/web" in (await harness.send(JINGHONG, "/dashboard"))[0]
        await harness.send(ADMIN, "/status")
        assert not [b for b in harness.chat.buttons(harness.last_message(ADMIN)) if "web_app" in b]


async def test_the_overview_lights_follow_a_change_at_once(
    web: tuple[BotHarness, WebDeps, Clock],
) -> None:
    from storage.models import FundDirection, FundRecord, FundSource, Studio

    harness, deps, _ = web
    ours = (await seed(harness))["ours"]

    async def lights() -> list[str]:
        body = (await c.get("/api/overview", headers=tma(ADMIN))).json()
        return next(s["lights"] for b in body["blocks"] for s in b["studios"] if s["id"] == ours)

    async with client(deps) as c:
        assert (await lights())[4] == "missing"  # Art. 6(5): no venue, no funds
        assert (await lights())[4] == "missing"  # (now from the cache)
        async with harness.session() as s:
            studio = await s.get(Studio, ours)
            assert studio is not None
            studio.venue = "供电局三楼"
            s.add(FundRecord(studio_id=ours, direction=FundDirection.INCOME, amount_fen=100_000,
                             source=FundSource.HOST_UNIT, on_date=NOW.date()))  # fmt: skip
            await s.commit()
        assert (await lights())[4] == "met"
