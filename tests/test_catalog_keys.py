"""Every message key the code can produce exists in both catalogs.

Keys are read from the source where they are produced: `t(lang, "…")`, `context.t("…")`,
`DomainError("…")`, `FieldError("…")`, form steps and titles, and the Art. 6 results in
`policy/` and `reminders/`. Keys built from a value (`f"role.{role.value}"`) are expanded over
every value they can take, from the enum or table they range over.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from bot.commands import COMMANDS
from bot.handlers import ledgers
from bot.handlers.ledgers import spec as ledger_spec
from bot.i18n import CATALOGS
from policy.lifecycle import Action, Honour, StudioStatus
from reminders.schedule import KINDS
from storage.accounts import LANGUAGES
from storage.models import (
    AchievementCategory,
    ActivityKind,
    AssessmentGrade,
    FundDirection,
    FundSource,
    MemberEventKind,
    ProjectKind,
    ProjectStatus,
    ReviewStatus,
    Role,
)
from storage.reminders import PROBLEM_ORDER

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "storage", "reminders", "policy")
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
PREFIXES = {key.split(".")[0] for key in CATALOGS["zh"]}


def _values(*enums: Iterable[object]) -> list[str]:
    return sorted({str(getattr(v, "value", v)) for e in enums for v in e})


_ledger_fields = {s.name for f in ledgers.FORMS.values() for s in f.steps} - {"studio"}
_ledger_fields |= {f for s in ledger_spec.SPECS.values() for f in s.editable}

# Each key built from a value: its template ({} for the value) and every value it can take.
FAMILIES: dict[str, list[str]] = {
    "role.{}": _values(Role),
    "start.next.{}": _values(Role),
    "status.{}": _values(StudioStatus),
    "honour.{}": _values(Honour),
    "act.{}": _values(Action),
    "act.field.{}": ["reason", "effective_on", "document"],
    "act.effect.{}": ["name", "revoke", "return"],
    "status.short.{}": _values(StudioStatus),
    "confirm.{}": ["recommend", "declare", "withdraw"],
    # the earlier step a lifecycle date must follow (policy.lifecycle.not_before)
    "studio.date_after.{}": ["applied", "endorsed", "declared"],
    "grade.{}": _values(AssessmentGrade),
    "review.{}": _values(ReviewStatus),
    "enum.kind.{}": _values(ProjectKind, ActivityKind),
    "enum.status.{}": _values(ProjectStatus),
    "enum.category.{}": _values(AchievementCategory),
    "enum.direction.{}": _values(FundDirection),
    "enum.source.{}": _values(FundSource),
    "level.{}": list(ledger_spec.LEVELS),
    # joined/left are shown as member_action.join/leave
    "member_event.{}": [k for k in _values(MemberEventKind) if k not in ("joined", "left")],
    "member_action.{}": ["join", "leave", "event"],
    "ledger.{}": sorted(ledgers.FORMS),
    "field.{}": sorted(_ledger_fields),
    "rem.{}": list(KINDS),
    "reminders.kind.{}": list(KINDS),
    # the delivery report lists only what did not plainly arrive
    "delivery.status.{}": [s.value for s in PROBLEM_ORDER],
    "language.{}": list(LANGUAGES),
    "status.clause.{}": [str(n) for n in range(1, 6)],
    "cmd.{}": list(COMMANDS),
}
# Templates that are put together from a prefix chosen in code; the prefixes are families above.
INDIRECT = {"{}.{}"}


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or "texts" in path.parts:
                continue
            yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def _key_argument(call: ast.Call) -> ast.expr | None:
    """The argument that is a message key, for the calls that take one."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    position = {
        "t": 1 if isinstance(func, ast.Name) else 0,  # t(lang, key) / context.t(key)
        "has": 1,
        "DomainError": 0,
        "FieldError": 0,
        "Step": 1,  # Step(name, prompt)
    }.get(name)
    for keyword in call.keywords:
        if (name, keyword.arg) in {("Form", "title"), ("Step", "prompt")}:
            return keyword.value
    if position is None or len(call.args) <= position:
        return None
    return call.args[position]


def _template(node: ast.JoinedStr) -> str:
    return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)


def produced_keys() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(literal keys, templates of built keys), each with where it was found."""
    literal: set[tuple[str, str]] = set()
    built: set[tuple[str, str]] = set()
    for where, tree in _sources():
        rules = where.startswith(("policy", "reminders"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                arg = _key_argument(node)
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    literal.add((arg.value, f"{where}:{node.lineno}"))
                elif isinstance(arg, ast.JoinedStr):
                    built.add((_template(arg), f"{where}:{node.lineno}"))
            elif (
                rules  # the rules name their results by key (e.g. "status.team.ok")
                and isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and KEY.match(node.value)
                and node.value.split(".")[0] in PREFIXES
            ):
                literal.add((node.value, f"{where}:{node.lineno}"))
            elif isinstance(node, ast.JoinedStr) and _template(node) in FAMILIES:
                built.add((_template(node), f"{where}:{node.lineno}"))
    return literal, built


LITERAL, BUILT = produced_keys()


def test_the_scan_finds_keys_in_every_layer() -> None:
    places = {where.split("/")[0] for _, where in LITERAL}
    assert {"bot", "storage", "policy", "reminders"} <= places
    assert len(LITERAL) > 200 and len(BUILT) > 20


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_literal_key_is_in_the_catalog(lang: str) -> None:
    missing = sorted(f"{key} ({where})" for key, where in LITERAL if key not in CATALOGS[lang])
    assert missing == []


def test_every_built_key_ranges_over_a_known_set() -> None:
    unknown = sorted(
        f"{template} ({where})"
        for template, where in BUILT
        if template not in FAMILIES and template not in INDIRECT
    )
    assert unknown == [], "add these templates and the values they range over to FAMILIES"


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_every_built_key_is_in_the_catalog(lang: str) -> None:
    missing = sorted(
        template.format(value)
        for template, values in FAMILIES.items()
        for value in values
        if template.format(value) not in CATALOGS[lang]
    )
    assert missing == []


@pytest.mark.parametrize("lang", sorted(CATALOGS))
def test_the_command_menu_is_what_telegram_accepts(lang: str) -> None:
    from bot.commands import menu

    # Telegram: 1-32 characters of a-z, 0-9 and _; descriptions of 1-256 characters.
    commands = menu(lang)
    assert [c.command for c in commands] == list(COMMANDS)
    assert all(re.fullmatch(r"[a-z0-9_]{1,32}", c.command) for c in commands)
    assert all(0 < len(c.description) <= 256 for c in commands)
