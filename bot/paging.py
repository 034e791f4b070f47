"""One pager for every list that can outgrow a Telegram message (4,096 characters): pages
cut by size and count, with ◀ ▶ buttons whose data names the page to show."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot.callbacks import Codec, StaleButton
from bot.context import BotContext
from bot.keyboards import Button

BUDGET = 3000  # characters of list per message, leaving room for the header and footer
PER_PAGE = 20  # items per page, so a page's buttons stay within reach


@dataclass(frozen=True)
class Page:
    number: int  # 0-based, clamped to the pages that exist
    total: int
    start: int  # the slice of the list shown on this page
    stop: int

    def nav(self, data: Callable[[int], str]) -> list[Button]:
        """◀ and ▶ where there is somewhere to go; `data(n)` is the button data for page n."""
        buttons: list[Button] = []
        if self.number > 0:
            buttons.append(("◀", data(self.number - 1)))
        if self.number + 1 < self.total:
            buttons.append(("▶", data(self.number + 1)))
        return buttons


def paginate(
    lines: Sequence[str], page: int, *, budget: int = BUDGET, per_page: int = PER_PAGE
) -> Page:
    """Cut `lines` into pages of at most `per_page` items and about `budget` characters
    (a single longer line gets a page of its own), and pick page `page`."""
    bounds: list[tuple[int, int]] = []
    start = size = 0
    for i, line in enumerate(lines):
        if i > start and (i - start >= per_page or size + len(line) + 1 > budget):
            bounds.append((start, i))
            start, size = i, 0
        size += len(line) + 1
    bounds.append((start, len(lines)))
    number = max(0, min(page, len(bounds) - 1))
    first, stop = bounds[number]
    return Page(number, len(bounds), first, stop)


def page_label(context: BotContext, page: Page) -> str:
    """'（第 2/5 页）' where there is more than one page, else nothing."""
    if page.total <= 1:
        return ""
    return context.t("paging.label", n=page.number + 1, total=page.total)


def number(text: str) -> int:
    """A page number or an id read from button data; a forged one outside 64 bits (or
    negative) is a stale button, not a driver overflow."""
    value = int(text)
    if not 0 <= value < 2**63:
        raise ValueError("out of range")
    return value


async def read(codec: Codec, update: Update, *convert: Callable[[str], Any]) -> list[Any]:
    """A list button's arguments, exactly as many as `convert`; the press is answered. An old
    layout or a forged press raises StaleButton, which the error handler answers."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if query.data.count(":") != len(convert):
        raise StaleButton
    args = codec.unpack(query.data, *convert)
    await query.answer()
    return args
