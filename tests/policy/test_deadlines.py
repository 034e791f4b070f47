from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from policy.deadlines import (
    REPORT_TZ,
    days_until,
    local_today,
    next_report_deadline,
    report_deadline,
)


@pytest.mark.parametrize("year", [2018, 2024, 2026, 2100])
def test_report_deadline_is_31_december(year: int) -> None:
    assert report_deadline(year) == date(year, 12, 31)


@pytest.mark.parametrize(
    ("today", "deadline", "days"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), 364),
        (date(2026, 12, 1), date(2026, 12, 31), 30),
        (date(2026, 12, 30), date(2026, 12, 31), 1),
        (date(2026, 12, 31), date(2026, 12, 31), 0),  # the day itself still counts
        (date(2027, 1, 1), date(2027, 12, 31), 364),
        (date(2024, 1, 1), date(2024, 12, 31), 365),  # leap year
        (date(2024, 2, 28), date(2024, 12, 31), 307),
        (date(2024, 2, 29), date(2024, 12, 31), 306),
        (date(2024, 3, 1), date(2024, 12, 31), 305),
        (date(2025, 2, 28), date(2025, 12, 31), 306),
        (date(2100, 3, 1), date(2100, 12, 31), 305),  # 2100 is not a leap year
    ],
)
def test_next_deadline_and_days_left(today: date, deadline: date, days: int) -> None:
    assert next_report_deadline(today) == deadline
    assert days_until(deadline, today) == days


def test_days_until_is_negative_after_the_deadline() -> None:
    assert days_until(date(2026, 12, 31), date(2027, 1, 2)) == -2


@pytest.mark.parametrize(
    ("now", "today"),
    [
        # 16:30 UTC on 31 Dec is 00:30 on 1 Jan in Shanghai (UTC+8).
        (datetime(2026, 12, 31, 16, 30, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2026, 12, 31, 15, 59, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2026, 6, 1, 0, 0, tzinfo=UTC), date(2026, 6, 1)),
        (datetime(2026, 12, 31, 1, 0, tzinfo=timezone(timedelta(hours=-5))), date(2026, 12, 31)),
        (datetime(2026, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-5))), date(2027, 1, 1)),
        (datetime(2027, 1, 1, 0, 30, tzinfo=REPORT_TZ), date(2027, 1, 1)),
    ],
)
def test_local_today_in_shanghai(now: datetime, today: date) -> None:
    assert local_today(now) == today


def test_timezone_edge_moves_to_next_year_deadline() -> None:
    today = local_today(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    deadline = next_report_deadline(today)
    assert deadline == date(2027, 12, 31)
    assert days_until(deadline, today) == 364


def test_local_today_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        local_today(datetime(2026, 12, 31, 16, 30))
