from datetime import date

import pytest

from policy.cycles import achievement_window, add_years, last_rereview_due, next_rereview


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2024, 2, 29), 5, date(2029, 2, 28)),
        (date(2023, 12, 31), 2, date(2025, 12, 31)),
    ],
)
def test_add_years_handles_leap_days(day: date, years: int, expected: date) -> None:
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("named_on", "today", "window"),
    [
        # Art. 6(4): successive two-year windows counted from naming; end is exclusive.
        (date(2024, 3, 1), date(2024, 3, 1), (date(2024, 3, 1), date(2026, 3, 1))),
        (date(2024, 3, 1), date(2026, 2, 28), (date(2024, 3, 1), date(2026, 3, 1))),
        (date(2024, 3, 1), date(2026, 3, 1), (date(2026, 3, 1), date(2028, 3, 1))),
        (date(2024, 3, 1), date(2031, 12, 31), (date(2030, 3, 1), date(2032, 3, 1))),
        (date(2024, 2, 29), date(2026, 2, 27), (date(2024, 2, 29), date(2026, 2, 28))),
        (date(2024, 2, 29), date(2026, 2, 28), (date(2026, 2, 28), date(2028, 2, 29))),
        (date(2024, 3, 1), date(2023, 1, 1), (date(2024, 3, 1), date(2026, 3, 1))),
    ],
)
def test_achievement_window(named_on: date, today: date, window: tuple[date, date]) -> None:
    assert achievement_window(named_on, today) == window


@pytest.mark.parametrize(
    ("named_on", "today", "expected"),
    [
        (date(2021, 12, 31), date(2026, 11, 27), date(2026, 12, 31)),
        (date(2021, 12, 31), date(2026, 12, 31), date(2026, 12, 31)),
        (date(2021, 12, 31), date(2027, 1, 1), date(2031, 12, 31)),
        (date(2020, 2, 29), date(2025, 1, 1), date(2025, 2, 28)),
        (date(2026, 5, 1), date(2026, 5, 2), date(2031, 5, 1)),
    ],
)
def test_next_rereview(named_on: date, today: date, expected: date) -> None:
    assert next_rereview(named_on, today) == expected


@pytest.mark.parametrize(
    ("named_on", "today", "expected"),
    [
        (date(2021, 12, 31), date(2026, 12, 30), None),
        (date(2021, 12, 31), date(2026, 12, 31), date(2026, 12, 31)),
        (date(2016, 3, 1), date(2026, 11, 27), date(2026, 3, 1)),
        (date(2020, 2, 29), date(2025, 2, 28), date(2025, 2, 28)),
    ],
)
def test_last_rereview_due(named_on: date, today: date, expected: date | None) -> None:
    assert last_rereview_due(named_on, today) == expected
