"""The dashboard's HTTP side (Starlette): pages, a JSON API and, in webhook mode, Telegram's
webhook — one ASGI app served by uvicorn inside the bot's own asyncio loop.

Every API request names its person one of two ways, checked on every request: Telegram's
Mini App `initData` (header `Authorization: tma <initData>`, HMAC-verified, at most a day
old), or the session cookie a one-time login link set. Then the same roles and jurisdiction
as the chat apply, through the same services."""

from __future__ import annotations

import asyncio
import hmac
import html
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from storage import dashboard
from storage.access import load_access, load_tree
from storage.errors import DomainError
from storage.ledgers import StudioLedgers
from storage.models import User
from storage.reports import YearReport, year_report
from storage.webauth import WORKING_DAY, WebAuthService
from web import initdata
from web.texts import CATALOGS

STATIC = Path(__file__).parent / "static"
COOKIE = "studio_session"
Label = Callable[..., str]  # (language, catalog key, **params) → text
Workbook = Callable[[Sequence[StudioLedgers], str, date, bool], bytes]


@dataclass
class WebDeps:
    """What the bot hands the web layer (the web layer imports nothing of the bot)."""

    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    tz: ZoneInfo
    label: Label
    workbook: Workbook
    report_workbook: Callable[[YearReport, str], bytes] | None = None
    bot_token: str | None = None  # None: no Mini App (offline, console)
    fetch_file: Callable[[str], Awaitable[bytes]] | None = None
    secure_cookies: bool = False  # WEB_URL is https
    webhook_path: str | None = None
    webhook_secret: str | None = None
    on_update: Callable[[Any], Awaitable[None]] | None = None
    # GET /healthz: (healthy, facts) from the bot (database, scheduler, last update).
    health: Callable[[], Awaitable[tuple[bool, dict[str, Any]]]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()


class Refused(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


_TAGS = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Catalog text is Telegram HTML; the page sets it as text, so tags and entities go."""
    return html.unescape(_TAGS.sub("", text))


def create_app(deps: WebDeps) -> Starlette:
    async def person(request: Request) -> int:
        """Who is asking: verified initData, or a live session cookie. 401 otherwise."""
        header = request.headers.get("authorization", "")
        now = deps.clock()
        if header.startswith("tma "):
            if deps.bot_token is None:
                raise Refused(401)
            try:
                user = initdata.verify(header[4:], deps.bot_token, now)
            except initdata.InitDataError as exc:
                raise Refused(401) from exc
            return int(user["id"])
        token = request.cookies.get(COOKIE)
        if token:
            async with deps.sessions() as session:
                user_id = await WebAuthService(session).user_of(token, now)
            if user_id is not None:
                return user_id
        raise Refused(401)

    async def lang_of(user_id: int, request: Request) -> str:
        asked = request.query_params.get("lang")
        if asked in CATALOGS:
            return asked
        async with deps.sessions() as session:
            user = await session.get(User, user_id)
        chosen = user.language if user else None
        if chosen in CATALOGS:
            return str(chosen)
        telegram = (user.telegram_language if user else None) or ""
        return "en" if telegram.lower().startswith("en") else "zh"

    def api(
        handler: Callable[[Request, int, str], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                user_id = await person(request)
                async with deps.sessions() as session:
                    if not (await load_access(session, user_id)).has_any_role:
                        raise Refused(403)
                return await handler(request, user_id, await lang_of(user_id, request))
            except Refused as exc:
                return JSONResponse({"error": exc.status}, status_code=exc.status)
            except DomainError as exc:
                status = 404 if exc.key.endswith("not_found") else 403
                return JSONResponse({"error": status, "reason": exc.key}, status_code=status)
            except ValueError:
                return JSONResponse({"error": 400}, status_code=400)

        return endpoint

    def year_of(request: Request) -> int:
        year = int(request.query_params.get("year") or deps.today().year)
        if not 2000 <= year <= 2100:
            raise ValueError("year")
        return year

    # ------------------------------------------------------------------ API
    async def me(request: Request, user_id: int, lang: str) -> Response:
        async with deps.sessions() as session:
            access = await load_access(session, user_id)
            user = await session.get(User, user_id)
        return JSONResponse({
            "id": user_id,
            "name": user.full_name if user else "",
            "lang": lang,
            "admin": access.is_admin,
            "officer": bool(access.officer_unions),
            "unions": sorted(access.officer_unions),
            "year": deps.today().year,
            "texts": CATALOGS[lang],
            "cookie": request.headers.get("authorization", "") == "",
        })  # fmt: skip

    async def overview(request: Request, user_id: int, lang: str) -> Response:
        year = year_of(request)
        q = request.query_params
        async with deps.sessions() as session:
            blocks = await dashboard.overview(session, user_id, year, deps.today())
        unions = [{"id": b.id, "name": b.name} for b in blocks]
        out = []
        for block in blocks:
            if q.get("union") and str(block.id) != q["union"]:
                continue
            studios = [
                s for s in block.studios
                if (not q.get("grade") or (s.grade or "none") == q["grade"])
                and (not q.get("status") or s.status == q["status"])
                and (not q.get("light") or _worst(s.lights) == q["light"])
                and (not q.get("q") or q["q"] in s.name or q["q"] in s.leader)
            ]  # fmt: skip
            if not studios:
                continue
            out.append({
                "id": block.id,
                "name": block.name,
                "report": block.report,
                "studios": [{
                    "id": s.id, "name": s.name, "leader": s.leader, "union": s.union,
                    "status": s.status,
                    "status_label": plain(deps.label(lang, f"status.short.{s.status}")),
                    "lights": s.lights, "grade": s.grade,
                    "grade_label": plain(deps.label(lang, f"grade.{s.grade}")) if s.grade else "",
                } for s in studios],
            })  # fmt: skip
        grades = [
            {"value": g, "label": plain(deps.label(lang, f"grade.{g}"))}
            for g in ("excellent", "good", "pass", "fail")
        ]
        statuses = [
            {"value": st, "label": plain(deps.label(lang, f"status.short.{st}"))}
            for st in ("named", "under_rereview", "declared", "endorsed", "recommended",
                       "applied", "returned", "revoked")
        ]  # fmt: skip
        return JSONResponse({"year": year, "unions": unions, "blocks": out, "grades": grades,
                             "statuses": statuses})  # fmt: skip

    async def charts(request: Request, user_id: int, lang: str) -> Response:
        year = year_of(request)
        async with deps.sessions() as session:
            figures = await dashboard.charts(session, user_id, year, deps.today())
        labels = {
            **{g: plain(deps.label(lang, f"grade.{g}"))
               for g in ("excellent", "good", "pass", "fail")},
            "none": CATALOGS[lang]["grade.none"],
            **{c: plain(deps.label(lang, f"enum.category.{c}")) for c in figures["categories"]},
            **{s: plain(deps.label(lang, f"enum.source.{s}")) for s in figures["sources"]},
        }  # fmt: skip
        return JSONResponse({"year": year, "labels": labels, **figures})

    async def studio(request: Request, user_id: int, lang: str) -> Response:
        studio_id = int(request.path_params["studio_id"])
        async with deps.sessions() as session:
            page = await dashboard.studio_page(session, user_id, studio_id, deps.today())
        s = page.studio
        lab = deps.label

        def files(kind: str, record_id: int) -> list[dict[str, Any]]:
            # paper: known by its name only (imported), nothing to download.
            return [{"id": a.id, "name": a.file_name or a.mime_type or str(a.id),
                     "paper": a.file_id is None}
                    for a in page.files.get((kind, record_id), [])]  # fmt: skip

        def fact(level: str, key: str, params: dict[str, Any]) -> dict[str, str]:
            if "honour" in params:
                params = {**params, "honour": plain(lab(lang, f"honour.{params['honour']}"))}
            return {"level": level, "text": plain(lab(lang, key, **params))}

        led = page.ledgers
        return JSONResponse({
            "id": s.id, "name": s.name, "leader": s.leader_name,
            "honour": plain(lab(lang, f"honour.{s.leader_honour.value}")),
            "union": page.union, "host": s.host_unit, "venue": s.venue,
            "status": plain(lab(lang, f"status.{s.status.value}")),
            "named_on": s.named_on.isoformat() if s.named_on else "",
            "facts": [fact(*x) for x in page.lights],
            "grades": {str(y): plain(lab(lang, f"grade.{g}"))
                       for y, g in sorted(page.grades.items())},
            "history": [{"at": c.at.astimezone(deps.tz).strftime("%Y-%m-%d %H:%M"),
                         "to": plain(lab(lang, f"status.{c.to_status.value}")),
                         "by": name, "reason": c.reason} for c, name in page.history],
            "members": [{"name": m.name, "specialty": m.specialty, "education": m.education,
                         "birth_year": m.birth_year} for m in page.members],
            "projects": [{"year": p.year, "title": p.title,
                          "approved_on": p.approved_on.isoformat() if p.approved_on else "",
                          "body": p.approving_body} for p in led.projects],
            "achievements": [{"title": a.title, "on": a.achieved_on.isoformat(),
                              "by": a.recognised_by,
                              "category": plain(lab(lang, f"enum.category.{a.category.value}")),
                              "files": files("achievement", a.id)} for a in led.achievements],
            "activities": [{"on": v.held_on.isoformat(), "summary": v.summary,
                            "people": v.people_reached,
                            "files": files("activity", v.id)} for v in led.activities],
            "funds": [{"on": f.on_date.isoformat(), "direction": f.direction.value,
                       "yuan": f.amount_fen / 100, "purpose": f.purpose} for f in led.funds],
        })  # fmt: skip

    async def file(request: Request, user_id: int, lang: str) -> Response:
        attachment_id = int(request.path_params["attachment_id"])
        async with deps.sessions() as session:
            row = await dashboard.attachment_for(session, user_id, attachment_id)
        if row.file_id is None:  # known by its name only: on paper, or never uploaded
            return JSONResponse({"error": plain(deps.label(lang, "files.paper",
                                                           name=row.file_name))},
                                status_code=404)  # fmt: skip
        if deps.fetch_file is None:
            raise Refused(404)
        content = await deps.fetch_file(row.file_id)  # through the bot, from Telegram
        name = row.file_name or f"file-{row.id}"
        return Response(content, media_type=row.mime_type or "application/octet-stream",
                        headers={"Content-Disposition": _attachment(name)})  # fmt: skip

    async def export(request: Request, user_id: int, lang: str) -> Response:
        raw = request.query_params.get("studio")
        studio_id = int(raw) if raw else None
        union = request.query_params.get("union")
        async with deps.sessions() as session:
            ledgers = await dashboard.management_ledgers(session, user_id, studio_id)
            if union and studio_id is None:
                tree = await load_tree(session)
                ledgers = [
                    i for i in ledgers
                    if str(tree.reporting_union(i.studio.union_id) or i.studio.union_id) == union
                ]  # fmt: skip
        today = deps.today()
        # The same workbook /export makes, built off the event loop.
        content = await asyncio.to_thread(deps.workbook, ledgers, lang, today, studio_id is None)
        name = ledgers[0].studio.name if studio_id is not None and ledgers else "管理台帐"
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": _attachment(f"{name}-{today.isoformat()}.xlsx")},
        )

    async def _year_report(request: Request, user_id: int) -> YearReport:
        raw = request.query_params.get("union")
        async with deps.sessions() as session:
            return await year_report(
                session, user_id, int(raw) if raw else None, year_of(request), deps.today()
            )

    async def report(request: Request, user_id: int, lang: str) -> Response:
        """The year-end report (Art. 17) as a printable page: a union's, or the prefecture's."""
        data = await _year_report(request, user_id)
        lab = deps.label
        return JSONResponse({
            "year": data.year,
            "title": plain(lab(lang, "report.book.title", year=data.year,
                               union=data.union or lab(lang, "report.book.prefecture"))),
            "unions": [{
                "name": u.union, "state": u.state,
                "rows": [{
                    "studio": r.studio, "union": r.union, "leader": r.leader,
                    "grade": plain(lab(lang, f"grade.{r.grade}")) if r.grade else "",
                    "comment": r.comment, "lights": r.lights, "projects": r.projects,
                    "achievements": r.achievements, "income": r.income_fen / 100,
                    "expense": r.expense_fen / 100, "rereview": r.failed_twice,
                } for r in u.rows],
            } for u in data.unions],
        })  # fmt: skip

    async def report_file(request: Request, user_id: int, lang: str) -> Response:
        data = await _year_report(request, user_id)
        if deps.report_workbook is None:
            raise Refused(404)
        content = await asyncio.to_thread(deps.report_workbook, data, lang)
        who = data.union or plain(deps.label(lang, "report.book.prefecture"))
        return Response(
            content,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": _attachment(f"{who}-{data.year}-考核报告.xlsx")},
        )

    async def sessions(request: Request, user_id: int, lang: str) -> Response:
        token = request.cookies.get(COOKIE, "")
        async with deps.sessions() as session:
            auth = WebAuthService(session)
            rows = await auth.sessions(user_id, deps.clock())
            current = await auth.session_id_of(token) if token else None
        return JSONResponse([{
            "id": r.id, "agent": r.agent, "current": r.id == current,
            "since": r.created_at.astimezone(deps.tz).strftime("%Y-%m-%d %H:%M"),
            "seen": r.last_seen_at.astimezone(deps.tz).strftime("%Y-%m-%d %H:%M"),
        } for r in rows])  # fmt: skip

    async def end_session(request: Request, user_id: int, lang: str) -> Response:
        async with deps.sessions() as session:
            ended = await WebAuthService(session).end(
                user_id, int(request.path_params["session_id"]), deps.clock()
            )
        return JSONResponse({"ended": ended}, status_code=200 if ended else 404)

    # ------------------------------------------------------------------ pages
    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=_NO_STORE)

    async def texts(request: Request) -> Response:
        # The page's own words, public: a visitor who is not signed in is told how to.
        lang = "en" if request.query_params.get("lang") == "en" else "zh"
        return JSONResponse(CATALOGS[lang])

    async def login_page(request: Request) -> Response:
        # GET only shows a button: link previews and prefetchers must not use the code up.
        code = html.escape(request.query_params.get("code", ""))
        lang = "en" if request.query_params.get("lang") == "en" else "zh"
        texts = CATALOGS[lang]
        return HTMLResponse(
            _LOGIN.format(title=texts["login.title"], button=texts["login.button"],
                          note=texts["login.note"], code=code, lang=lang),
            headers=_NO_STORE,
        )  # fmt: skip

    async def login(request: Request) -> Response:
        # A two-field urlencoded form: read here rather than add python-multipart.
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        code = form.get("code", "")
        async with deps.sessions() as session:
            signed = await WebAuthService(session).redeem(
                code, deps.clock(), request.headers.get("user-agent", "")
            )
        if signed is None:
            texts = CATALOGS["en" if form.get("lang") == "en" else "zh"]
            return HTMLResponse(_MESSAGE.format(text=texts["login.bad"]), status_code=403)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(
            COOKIE, signed.token, max_age=int(WORKING_DAY.total_seconds()), httponly=True,
            samesite="strict", secure=deps.secure_cookies, path="/",
        )  # fmt: skip
        return response

    async def logout(request: Request) -> Response:
        token = request.cookies.get(COOKIE)
        if token:
            async with deps.sessions() as session:
                auth = WebAuthService(session)
                user_id = await auth.user_of(token, deps.clock())
                session_id = await auth.session_id_of(token)
                if user_id is not None and session_id is not None:
                    await auth.end(user_id, session_id, deps.clock())
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                               secure=deps.secure_cookies)  # fmt: skip
        return response

    async def webhook(request: Request) -> Response:
        given = request.headers.get("x-telegram-bot-api-secret-token", "")
        if deps.webhook_secret is None or not hmac.compare_digest(given, deps.webhook_secret):
            return Response(status_code=403)
        try:
            data = await request.json()
        except ValueError:
            return Response(status_code=400)
        if deps.on_update is not None:
            await deps.on_update(data)
        return Response(status_code=200)

    routes = [
        Route("/", index),
        Route("/texts", texts),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/api/me", api(me)),
        Route("/api/overview", api(overview)),
        Route("/api/charts", api(charts)),
        Route("/api/studios/{studio_id:int}", api(studio)),
        Route("/api/files/{attachment_id:int}", api(file)),
        Route("/api/export.xlsx", api(export)),
        Route("/api/report", api(report)),
        Route("/api/report.xlsx", api(report_file)),
        Route("/api/sessions", api(sessions)),
        Route("/api/sessions/{session_id:int}/end", api(end_session), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if deps.webhook_path is not None:
        routes.insert(0, Route(deps.webhook_path, webhook, methods=["POST"]))
    if deps.health is not None:
        check = deps.health

        async def healthz(request: Request) -> Response:
            healthy, facts = await check()
            return JSONResponse({"healthy": healthy, **facts}, status_code=200 if healthy else 503)

        routes.insert(0, Route("/healthz", healthz, methods=["GET"]))
    # gzip: ECharts is 1.1 MB as shipped, 0.37 MB on the wire (first load ≤ 1.5 MB).
    return Starlette(routes=routes, middleware=[Middleware(GZipMiddleware, minimum_size=1000)])


API_ROUTES = (
    ("GET", "/api/me"),
    ("GET", "/api/overview"),
    ("GET", "/api/charts"),
    ("GET", "/api/studios/{studio}"),
    ("GET", "/api/files/{attachment}"),
    ("GET", "/api/export.xlsx"),
    ("GET", "/api/report"),
    ("GET", "/api/report.xlsx"),
    ("GET", "/api/sessions"),
    ("POST", "/api/sessions/{session}/end"),
)


def _worst(lights: list[str]) -> str:
    for level in ("missing", "at_risk", "met"):
        if level in lights:
            return level
    return ""


def _attachment(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


_NO_STORE = {"Cache-Control": "no-store"}
_LOGIN = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>
<link rel="stylesheet" href="/static/app.css"></head><body class="login">
<form method="post" action="/login"><h1>{title}</h1>
<input type="hidden" name="code" value="{code}"><input type="hidden" name="lang" value="{lang}">
<button type="submit" id="login">{button}</button><p>{note}</p></form></body></html>"""
_MESSAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="stylesheet" href="/static/app.css"></head>
<body class="login"><p>{text}</p></body></html>"""
