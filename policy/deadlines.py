"""Art. 17: county and system unions report each year's assessments by 31 December."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

REPORT_TZ = ZoneInfo("Asia/Shanghai")


def report_deadline(year: int) -> date:
    # Art. 17: 将考核情况于12月31日前报州总工会备案
    return date(year, 12, 31)


def next_report_deadline(today: date) -> date:
    # Every date of a year is on or before its own 31 December, so the
    # next deadline is always this year's (on 31 December itself: today).
    return report_deadline(today.year)


def days_until(deadline: date, today: date) -> int:
    return (deadline - today).days


def local_today(now: datetime, tz: tzinfo = REPORT_TZ) -> date:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(tz).date()
