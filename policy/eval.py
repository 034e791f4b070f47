"""Score the engine on a TSV of questions: ``python -m policy.eval FILE [FILE...]``.

TSV: a '#' header line, then question<TAB>articles<TAB>must-contain, where
articles is a comma list whose first item is the expected first article,
``0`` for "not covered" or ``notice`` for the notice header.  A non-empty
must-contain must appear in the rendered Chinese answer.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from policy.deadlines import local_today
from policy.qa import Answer, QAEngine
from policy.render import render_answer_zh

NOTICE_LABEL = "notice"


@dataclass(frozen=True)
class Case:
    question: str
    expected: str  # "1".."19", "0" or "notice"
    must_contain: str
    line: int


@dataclass(frozen=True)
class Outcome:
    case: Case
    answer: Answer
    correct: bool
    rendered: str

    @property
    def in_scope(self) -> bool:
        return self.case.expected != "0"

    @property
    def got(self) -> str:
        if not self.answer.covered:
            return "0"
        if self.answer.about_notice:
            return NOTICE_LABEL
        return str(self.answer.article)


@dataclass(frozen=True)
class EvalResult:
    path: str
    outcomes: tuple[Outcome, ...]

    def _count(self, in_scope: bool | None) -> tuple[int, int]:
        chosen = [o for o in self.outcomes if in_scope is None or o.in_scope == in_scope]
        return sum(o.correct for o in chosen), len(chosen)

    @property
    def in_scope(self) -> tuple[int, int]:
        return self._count(True)

    @property
    def out_of_scope(self) -> tuple[int, int]:
        return self._count(False)

    @property
    def overall(self) -> tuple[int, int]:
        return self._count(None)

    @property
    def accuracy(self) -> float:
        right, total = self.overall
        return right / total if total else 0.0

    @property
    def misses(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.correct)


def read_cases(path: str | Path) -> list[Case]:
    cases = []
    text = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        question = fields[0].strip()
        articles = fields[1].strip() if len(fields) > 1 else "0"
        expected = articles.split(",")[0].strip().lower() or "0"
        must = fields[2].strip() if len(fields) > 2 else ""
        cases.append(Case(question=question, expected=expected, must_contain=must, line=number))
    return cases


def _fold(text: str) -> str:
    # Full-width and ASCII punctuation count as the same character.
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def judge(case: Case, answer: Answer, rendered: str) -> bool:
    if case.expected == "0":
        return not answer.covered and answer.article is None
    if not answer.covered:
        return False
    if case.expected == NOTICE_LABEL:
        right = answer.about_notice
    else:
        right = not answer.about_notice and str(answer.article) == case.expected
    if right and case.must_contain:
        right = _fold(case.must_contain) in _fold(rendered)
    return right


def evaluate(
    path: str | Path, engine: QAEngine | None = None, today: date | None = None
) -> EvalResult:
    engine = engine if engine is not None else QAEngine()
    engine.warm()
    today = today if today is not None else local_today(datetime.now().astimezone())
    outcomes = []
    for case in read_cases(path):
        answer = engine.answer(case.question)
        rendered = render_answer_zh(answer, engine.regulation, today)
        outcomes.append(Outcome(case, answer, judge(case, answer, rendered), rendered))
    return EvalResult(path=str(path), outcomes=tuple(outcomes))


def _pct(pair: tuple[int, int]) -> str:
    right, total = pair
    share = 100.0 * right / total if total else 0.0
    return f"{right}/{total} ({share:.1f}%)"


def format_result(result: EvalResult) -> str:
    lines = [
        f"== {result.path}",
        f"in-scope (right first article): {_pct(result.in_scope)}",
        f"out-of-scope (no article cited): {_pct(result.out_of_scope)}",
        f"overall: {_pct(result.overall)}",
    ]
    for miss in result.misses:
        a = miss.answer
        lines.append(
            f"  MISS line {miss.case.line}: {miss.case.question} | expected {miss.case.expected}"
            f" | got {miss.got} | score {a.score:.3f} | {a.reason}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy.eval", description=__doc__)
    parser.add_argument("files", nargs="+", help="TSV files of questions")
    args = parser.parse_args(argv)
    engine = QAEngine()
    for path in args.files:
        print(format_result(evaluate(path, engine)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
