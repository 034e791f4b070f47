"""Per-person flood control: one person cannot hold up everyone else.

Updates are handled one at a time, so 1,000 presses from one person used to make everyone
behind them wait. Past `limit` updates in `per` seconds a person is answered once ("slow
down") and their updates are dropped, unread, for `pause` seconds: a dropped update costs no
database work, so a bystander's reply stays prompt.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class Verdict(enum.Enum):
    HANDLE = "handle"
    WARN = "warn"  # the first update over the limit: say so, handle nothing
    DROP = "drop"


@dataclass
class _Window:
    start: float
    count: int = 0
    quiet_until: float = 0.0


@dataclass
class Throttle:
    limit: int = 20  # more than a person filling a form with buttons ever needs
    per: float = 10.0
    pause: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _people: dict[int, _Window] = field(default_factory=dict)

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        window = self._people.get(user_id)
        if window is not None and now < window.quiet_until:
            return Verdict.DROP
        if window is None or now - window.start >= self.per:
            if len(self._people) > 10_000:
                self._forget(now)
            window = self._people[user_id] = _Window(now)
        window.count += 1
        if window.count <= self.limit:
            return Verdict.HANDLE
        window.quiet_until = now + self.pause
        window.start = window.quiet_until  # a fresh window once the pause is over
        window.count = 0
        return Verdict.WARN

    def _forget(self, now: float) -> None:
        for user_id, window in list(self._people.items()):
            if now - window.start >= self.per and now >= window.quiet_until:
                del self._people[user_id]
