"""The dashboard in a real browser (issue 13, item 6): Debian's headless Chromium driven by
Selenium with the system's chromedriver (never a downloaded browser build). Signs in through
a one-time link and through signed initData, sees only its jurisdiction, is refused with a
forged initData, draws the charts (canvas not blank), downloads a table.

Without a browser these skip and say why, except in CI (TEST_REQUIRE_BROWSER=1, set by
.ci/run after installing `chromium chromium-driver`), where they fail instead."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.harness import BotHarness, Database
from tests.test_web import JINGHONG, LEADER, TOKEN, fetch_file, seed, signed

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
MISSING = None if CHROMIUM and DRIVER else "no Debian chromium/chromium-driver on this machine"
if MISSING is None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        MISSING = "selenium is not installed (pip install -e '.[dev]')"
if MISSING and os.environ.get("TEST_REQUIRE_BROWSER"):
    raise RuntimeError(f"browser tests required here, but {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
SHOTS = os.environ.get("SAVE_SCREENSHOTS")  # e.g. docs/screenshots, for the README


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,900", "--lang=zh-CN")  # fmt: skip


async def until(check: Callable[[], Any], seconds: float = 15) -> Any:
    """Poll a condition outside the loop's control (a browser, a file on disk)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := await check():
            return value
        await asyncio.sleep(0.1)
    return None


class Browser:
    """Selenium is synchronous: every call runs in a thread, so the server in this
    test's event loop keeps answering the browser."""

    def __init__(self, downloads: Path) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM or ""
        for arg in ARGS:
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
        self.driver = webdriver.Chrome(options=options, service=Service(DRIVER or ""))
        self.downloads = downloads

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    async def get(self, url: str) -> None:
        await self.run(self.driver.get, url)

    async def js(self, script: str) -> Any:
        return await self.run(self.driver.execute_script, script)

    async def wait_for(self, script: str) -> Any:
        if value := await until(lambda: self.js(script)):
            return value
        body = await self.js("return document.body.innerText")
        raise AssertionError(f"timed out waiting for {script!r}; page says: {body[:300]}")

    async def shot(self, name: str) -> None:
        if SHOTS:
            await self.run(lambda: Path(SHOTS).mkdir(parents=True, exist_ok=True))
            await self.run(self.driver.save_screenshot, str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
async def served(database: Database, tmp_path: Path) -> AsyncIterator[tuple[BotHarness, str]]:
    import uvicorn

    from bot.web import web_deps
    from web.server import create_app

    port = _free_port()
    async with BotHarness.started(database, web_port=port) as harness:
        settings = harness.app.bot_data.deps.settings  # type: ignore[union-attr]
        deps = web_deps(harness.app, settings)
        deps.bot_token, deps.fetch_file = TOKEN, fetch_file
        server = uvicorn.Server(uvicorn.Config(create_app(deps), host="127.0.0.1", port=port,
                                               lifespan="off", log_level="warning"))  # fmt: skip
        serving = asyncio.create_task(server.serve())

        async def started() -> bool:
            return bool(server.started)

        assert await until(started)
        try:
            yield harness, f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await serving


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Browser]:
    b = await asyncio.to_thread(Browser, tmp_path)
    try:
        yield b
    finally:
        await asyncio.to_thread(b.driver.quit)


ROWS = "return [...document.querySelectorAll('tr[data-studio] a')].map(a => a.textContent)"


async def test_a_desk_browser_signs_in_with_a_link_and_sees_its_county(
    served: tuple[BotHarness, str], browser: Browser
) -> None:
    harness, base = served
    await seed(harness)
    link = next(w for w in (await harness.send(JINGHONG, "/web"))[0].split() if "code=" in w)
    await browser.get(link)
    await browser.wait_for("return document.getElementById('login')")
    await browser.js("document.getElementById('login').click()")
    names = await browser.wait_for(ROWS)
    assert names == ["岩温劳模创新工作室"]  # 景洪 only, not 勐海's 玉香
    await browser.shot("overview")
    # The table as the workbook /export makes.
    await browser.js("document.getElementById('download').click()")

    async def downloaded() -> list[Path]:
        return [p for p in browser.downloads.glob("*.xlsx")]

    [file] = await until(downloaded)
    assert file.name.startswith("管理台帐") and file.stat().st_size > 2000
    # Charts are drawn: every chart has a canvas with something on it.
    await browser.get(base + "/#/charts")
    await browser.wait_for("return document.querySelectorAll('.chart canvas').length === 6")
    await asyncio.sleep(1.0)  # ECharts animates in
    painted = await browser.js(
        "return [...document.querySelectorAll('.chart canvas')].map(c => {"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })"
    )
    assert all(n > 500 for n in painted), painted
    await browser.shot("charts")
    # The year-end report as a printable page (Art. 17).
    await browser.get(base + "/#/report")
    title = await browser.wait_for(
        "const h = document.querySelector('.report-title'); return h && h.textContent"
    )
    assert title == "景洪市总工会 2026 年度劳模创新工作室考核报告"
    assert await browser.js("return document.querySelectorAll('table.report tbody tr').length") == 1
    await browser.shot("report")
    # A used link does not sign in a second time.
    await browser.get(link)
    await browser.js("document.getElementById('login').click()")
    await browser.wait_for("return document.body.innerText.includes('已失效')")


async def test_the_mini_app_signs_in_with_init_data_and_a_forged_one_is_refused(
    served: tuple[BotHarness, str], browser: Browser
) -> None:
    harness, base = served
    ids = await seed(harness)
    now = datetime.now(UTC)  # the server checks the age against the real clock here
    await browser.get(f"{base}/#tgWebAppData={quote(signed(LEADER, now))}")
    assert await browser.wait_for(ROWS) == ["岩温劳模创新工作室"]
    await browser.get(f"{base}/#/studio/{ids['ours']}")
    await browser.wait_for("return document.body.innerText.includes('证书.pdf')")
    await browser.shot("studio")
    # Another browser tab of someone who forged the data: nothing but the way in.
    await browser.js("sessionStorage.clear()")
    forged = signed(LEADER, now).replace("%22id%22%3A+704", "%22id%22%3A+701")
    assert forged != signed(LEADER, now)
    await browser.get(f"{base}/?x=1#tgWebAppData={quote(forged)}")
    await browser.wait_for("return document.body.innerText.includes('请先登录')")
    assert not await browser.js(ROWS)
