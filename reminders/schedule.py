"""When reminders fire: the configurable schedule, and the kinds of reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from policy.compliance import ACHIEVEMENT_WARNING_DAYS, PROJECT_LATE_FROM
from policy.deadlines import REPORT_TZ

DEADLINE = "deadline"  # Art. 17: report by 31 December
OVERDUE = "overdue"  # Art. 17: not reported by 31 December
OVERDUE_SUMMARY = "overdue_summary"  # to the prefecture: who has not reported
NO_PROJECT = "no_project"  # Art. 6(3): no approved project this calendar year
ACHIEVEMENT_WINDOW = "achievement_window"  # Art. 6(4): two-year window closing, none recognised
REREVIEW = "rereview"  # Art. 17: five-yearly re-review coming up
DELIVERY = "delivery"  # to the admins: reminders that did not plainly arrive the day before

KINDS = (DEADLINE, OVERDUE, OVERDUE_SUMMARY, NO_PROJECT, ACHIEVEMENT_WINDOW, REREVIEW, DELIVERY)
# An officer cannot mute the deadline itself; everything else is a courtesy that may be muted.
MANDATORY = frozenset({DEADLINE, OVERDUE})
OPTIONAL = tuple(k for k in KINDS if k not in MANDATORY)


@dataclass(frozen=True)
class ReminderSchedule:
    tz: ZoneInfo = REPORT_TZ
    hour: int = 9
    # (month, day) of each year-end reminder before the 31 December deadline.
    deadline_days: tuple[tuple[int, int], ...] = ((12, 1), (12, 15), (12, 24), (12, 29), (12, 31))
    # Reminded when /status turns from "at risk" to "missing": the same constants.
    duty_day: tuple[int, int] = PROJECT_LATE_FROM  # no approved project yet (Art. 6(3))
    overdue_until: tuple[int, int] = (1, 31)  # an overdue notice still goes out until then
    achievement_lead_days: int = ACHIEVEMENT_WARNING_DAYS  # window closing (Art. 6(4))
    rereview_lead_days: tuple[int, ...] = (90, 30)

    def at(self, day: date) -> datetime:
        """The moment a reminder for `day` fires: the configured hour, local time."""
        return datetime.combine(day, time(self.hour), tzinfo=self.tz)


def parse_days(text: str) -> tuple[tuple[int, int], ...]:
    """'12-01,12-15,12-31' → ((12, 1), (12, 15), (12, 31)); ValueError on a bad day."""
    days = []
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        month, _, day = part.partition("-")
        date(2024, int(month), int(day))  # validates (2024 is a leap year: 02-29 allowed)
        days.append((int(month), int(day)))
    if not days:
        raise ValueError("no days given")
    return tuple(sorted(set(days)))
