"""A studio's life, from application to naming, re-review and revocation (Art. 3, 8, 17).

Pure rules: which action is allowed from which state, and which authority may take it.
Jurisdiction (which union's officer) is checked by the storage layer on top of this.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date


class Honour(enum.StrEnum):
    # Art. 3: only provincial/ministerial level or above may lead a studio.
    NATIONAL_MODEL_WORKER = "national_model_worker"
    PROVINCIAL_MODEL_WORKER = "provincial_model_worker"
    PROVINCIAL_ADVANCED_WORKER = "provincial_advanced_worker"
    MODEL_WORKER_TREATMENT = "model_worker_treatment"
    OTHER = "other"


# Art. 3: 省（部）级及以上劳动模范（包含全国、省级劳动模范和先进工作者，经认定享受劳模待遇人员）
QUALIFYING_HONOURS = frozenset(
    {
        Honour.NATIONAL_MODEL_WORKER,
        Honour.PROVINCIAL_MODEL_WORKER,
        Honour.PROVINCIAL_ADVANCED_WORKER,
        Honour.MODEL_WORKER_TREATMENT,
    }
)


def leader_qualifies(honour: Honour | str) -> bool:
    """Art. 3 and Art. 6(1): a prefecture- or county-level model worker cannot lead a studio."""
    return honour in QUALIFYING_HONOURS


def studio_name(leader_name: str) -> str:
    # Art. 3: 以劳模名字命名
    return f"{leader_name.strip()}劳模创新工作室"


def name_is_acceptable(name: str, leader_name: str) -> bool:
    """An adjusted name must still carry the model worker's name (Art. 3)."""
    return bool(leader_name.strip()) and leader_name.strip() in name and "工作室" in name


class StudioStatus(enum.StrEnum):
    DRAFT = "draft"
    APPLIED = "applied"
    RECOMMENDED = "recommended"  # by the grassroots union (Art. 8)
    ENDORSED = "endorsed"  # the host unit's party/administration agreed (Art. 8)
    DECLARED = "declared"  # declared upward by the county/system union (Art. 8)
    NAMED = "named"  # evaluated and named by the prefecture federation (Art. 8)
    RETURNED = "returned"  # sent back with reasons; may be resubmitted
    UNDER_REREVIEW = "under_rereview"  # five-yearly re-review (Art. 17)
    REVOKED = "revoked"  # title revoked after a failed re-review (Art. 17)
    WITHDRAWN = "withdrawn"  # the applicant gave the application up before naming


class Action(enum.StrEnum):
    SUBMIT = "submit"
    RECOMMEND = "recommend"
    ENDORSE = "endorse"
    DECLARE = "declare"
    NAME = "name"
    RETURN = "return"
    OPEN_REREVIEW = "open_rereview"
    KEEP = "keep"
    REVOKE = "revoke"
    WITHDRAW = "withdraw"


class Authority(enum.StrEnum):
    APPLICANT = "applicant"  # the model worker, or the officer who applied for them
    OWNER = "owner"  # only the person who filed it (the model worker, or that officer)
    GRASSROOTS = "grassroots"  # an officer of the studio's union (or a union above it)
    REPORTING = "reporting"  # an officer of the county/system union above the studio
    PREFECTURE = "prefecture"  # the prefecture federation


S = StudioStatus
A = Action
# (action, from) → (to, who may take it). Art. 8: 基层工会推荐 → 所在单位党政认可 →
# 逐级申报 → 州总工会考评命名; Art. 17: 每五年复核，不达标的撤消称号.
TRANSITIONS: dict[tuple[Action, StudioStatus], tuple[StudioStatus, Authority]] = {
    (A.SUBMIT, S.DRAFT): (S.APPLIED, Authority.APPLICANT),
    (A.SUBMIT, S.RETURNED): (S.APPLIED, Authority.APPLICANT),
    (A.RECOMMEND, S.APPLIED): (S.RECOMMENDED, Authority.GRASSROOTS),
    (A.RETURN, S.APPLIED): (S.RETURNED, Authority.GRASSROOTS),
    (A.ENDORSE, S.RECOMMENDED): (S.ENDORSED, Authority.GRASSROOTS),
    (A.RETURN, S.RECOMMENDED): (S.RETURNED, Authority.GRASSROOTS),
    (A.DECLARE, S.ENDORSED): (S.DECLARED, Authority.REPORTING),
    (A.RETURN, S.ENDORSED): (S.RETURNED, Authority.REPORTING),
    (A.NAME, S.DECLARED): (S.NAMED, Authority.PREFECTURE),
    (A.RETURN, S.DECLARED): (S.RETURNED, Authority.PREFECTURE),
    (A.OPEN_REREVIEW, S.NAMED): (S.UNDER_REREVIEW, Authority.PREFECTURE),
    (A.KEEP, S.UNDER_REREVIEW): (S.NAMED, Authority.PREFECTURE),
    (A.REVOKE, S.UNDER_REREVIEW): (S.REVOKED, Authority.PREFECTURE),
    # The applicant may give up an application at any point before naming.
    (A.WITHDRAW, S.APPLIED): (S.WITHDRAWN, Authority.OWNER),
    (A.WITHDRAW, S.RECOMMENDED): (S.WITHDRAWN, Authority.OWNER),
    (A.WITHDRAW, S.ENDORSED): (S.WITHDRAWN, Authority.OWNER),
    (A.WITHDRAW, S.DECLARED): (S.WITHDRAWN, Authority.OWNER),
    (A.WITHDRAW, S.RETURNED): (S.WITHDRAWN, Authority.OWNER),
}

# An application in progress: submitted, not yet named, withdrawn or revoked. A person has
# at most one (a second /apply offers the one they have).
PENDING = frozenset({S.DRAFT, S.APPLIED, S.RECOMMENDED, S.ENDORSED, S.DECLARED, S.RETURNED})

# Who acts next, for "/review": the action(s) a state waits for.
WAITING_FOR: dict[StudioStatus, tuple[Action, ...]] = {
    S.APPLIED: (A.RECOMMEND, A.RETURN),
    S.RECOMMENDED: (A.ENDORSE, A.RETURN),
    S.ENDORSED: (A.DECLARE, A.RETURN),
    S.DECLARED: (A.NAME, A.RETURN),
    S.UNDER_REREVIEW: (A.KEEP, A.REVOKE),
}

NEEDS_REASON = frozenset({A.RETURN, A.REVOKE})


def not_before(
    action: Action, history: Sequence[tuple[StudioStatus, date]]
) -> tuple[date, StudioStatus] | None:
    """The earliest date an action's own date may carry, and the step it must follow.

    `history` is the studio's transitions, oldest first, each with the day it took effect.
    Art. 8 runs application → recommendation → endorsement → declaration → naming: an
    endorsement cannot predate the application, nor a naming the declaration it answers.
    The first application counts (an endorsement obtained before a resubmission stands).
    """
    applied = [d for s, d in history if s is S.APPLIED]
    bounds: list[tuple[date, StudioStatus]] = []
    if applied:
        bounds.append((min(applied), S.APPLIED))
    if action is A.NAME:
        for step in (S.ENDORSED, S.DECLARED):
            if days := [d for s, d in history if s is step]:
                bounds.append((max(days), step))
    elif action is not A.ENDORSE:
        return None
    # The latest bound wins; on a tie, the later step names it.
    return max(bounds, key=lambda b: (b[0], list(S).index(b[1]))) if bounds else None


def transition(action: Action, current: StudioStatus) -> tuple[StudioStatus, Authority] | None:
    return TRANSITIONS.get((action, current))


def can_submit_ledgers(status: StudioStatus) -> bool:
    """A revoked studio keeps its history but can no longer submit (Art. 17); a withdrawn
    application never became a studio."""
    return status not in (StudioStatus.REVOKED, StudioStatus.WITHDRAWN)
