"""The regulation's calendar cycles as pure functions (dates in Asia/Shanghai)."""

from __future__ import annotations

from datetime import date

# Art. 6(4): at least one recognised achievement every two years.
ACHIEVEMENT_CYCLE_YEARS = 2
# Art. 17: the prefecture federation re-reviews named studios every five years.
REREVIEW_CYCLE_YEARS = 5


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def achievement_window(named_on: date, today: date) -> tuple[date, date]:
    """The two-year window (start inclusive, end exclusive) that `today` falls in.

    Windows are counted from the naming date: the studio must show a recognised
    achievement in each successive two-year period (Art. 6(4)). Before naming, the
    first window is the one starting on the naming date.
    """
    k = 0
    while add_years(named_on, ACHIEVEMENT_CYCLE_YEARS * (k + 1)) <= today:
        k += 1
    return (
        add_years(named_on, ACHIEVEMENT_CYCLE_YEARS * k),
        add_years(named_on, ACHIEVEMENT_CYCLE_YEARS * (k + 1)),
    )


def next_rereview(named_on: date, today: date) -> date:
    """The next five-yearly anniversary of naming on or after `today` (Art. 17)."""
    k = 1
    while add_years(named_on, REREVIEW_CYCLE_YEARS * k) < today:
        k += 1
    return add_years(named_on, REREVIEW_CYCLE_YEARS * k)


def last_rereview_due(named_on: date, today: date) -> date | None:
    """The latest five-yearly anniversary of naming on or before `today` (Art. 17), if any."""
    k, latest = 1, None
    while (anniversary := add_years(named_on, REREVIEW_CYCLE_YEARS * k)) <= today:
        latest, k = anniversary, k + 1
    return latest
