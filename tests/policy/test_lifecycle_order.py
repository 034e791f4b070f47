"""Art. 8's steps follow each other: the earliest date an endorsement or a naming may carry."""

from datetime import date

import pytest

from policy.lifecycle import Action, StudioStatus, not_before

S = StudioStatus
APPLIED = (S.APPLIED, date(2026, 3, 1))
RETURNED = (S.RETURNED, date(2026, 4, 1))
RESUBMITTED = (S.APPLIED, date(2026, 5, 1))
RECOMMENDED = (S.RECOMMENDED, date(2026, 5, 2))
ENDORSED = (S.ENDORSED, date(2026, 5, 10))
DECLARED = (S.DECLARED, date(2026, 5, 10))


@pytest.mark.parametrize(
    ("action", "history", "expected"),
    [
        (Action.ENDORSE, [APPLIED], (date(2026, 3, 1), S.APPLIED)),
        # An endorsement obtained before a resubmission still stands: the first application.
        (Action.ENDORSE, [APPLIED, RETURNED, RESUBMITTED, RECOMMENDED],
         (date(2026, 3, 1), S.APPLIED)),
        # Naming follows the declaration; on the same day, the later step is named.
        (Action.NAME, [APPLIED, RECOMMENDED, ENDORSED, DECLARED], (date(2026, 5, 10), S.DECLARED)),
        (Action.NAME, [APPLIED, ENDORSED, (S.DECLARED, date(2026, 6, 1))],
         (date(2026, 6, 1), S.DECLARED)),
        # A studio entered without history (seeded): nothing to follow.
        (Action.NAME, [], None),
        # Steps without a date of their own.
        (Action.RECOMMEND, [APPLIED], None),
        (Action.REVOKE, [APPLIED, DECLARED], None),
    ],
)  # fmt: skip
def test_not_before(
    action: Action,
    history: list[tuple[StudioStatus, date]],
    expected: tuple[date, StudioStatus] | None,
) -> None:
    assert not_before(action, history) == expected
