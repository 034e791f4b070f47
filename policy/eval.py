"""Score the engine on a TSV of questions: ``python -m policy.eval FILE [FILE...]``.

TSV: '#' lines are comments; then question<TAB>articles<TAB>must-contain[<TAB>kind[<TAB>note]].

- articles: a comma list; its first item is the expected first article, ``0`` for
  "not covered", ``notice`` for the notice header.
- must-contain: text that must appear in the reply exactly as the chat shows it
  (the same renderer, tags stripped).
- kind (optional): answered | silent | none | multi.  Without it, ``0`` means "the
  regulation does not answer this" (not covered, or related-but-silent with any
  article) and anything else means answered.

Scoring per kind:
- answered: the first part is answered (not silent) and cites the first listed article;
- silent: a silent part citing one of the listed articles (any article when only ``0``
  is listed), or not covered — a near miss may be refused;
- none: not covered; a silent answer citing an article is wrong;
- multi: every listed article appears among the parts of the reply.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from policy import qa
from policy.deadlines import local_today
from policy.english import is_english
from policy.qa import ANSWERED, MULTI, NONE, SILENT, QAEngine, Reply
from policy.render import render_reply, to_plain

NOTICE_LABEL = "notice"
KINDS = (ANSWERED, SILENT, NONE, MULTI)
LEGACY_OUT = "legacy-0"  # a '0' row without a kind column


@dataclass(frozen=True)
class Case:
    question: str
    expected: str  # first listed: "1".."19", "0" or "notice"
    must_contain: str
    line: int
    articles: tuple[str, ...] = ()
    kind: str = ""  # as written, "" when the column is absent
    note: str = ""

    @property
    def effective_kind(self) -> str:
        if self.kind:
            return self.kind
        return LEGACY_OUT if self.expected == "0" else ANSWERED

    @property
    def report_kind(self) -> str:
        kind = self.effective_kind
        return NONE if kind == LEGACY_OUT else kind

    @property
    def lang(self) -> str:
        return "en" if is_english(self.question) else "zh"


@dataclass(frozen=True)
class Outcome:
    case: Case
    reply: Reply
    correct: bool
    rendered: str

    @property
    def in_scope(self) -> bool:
        return self.case.expected != "0"

    @property
    def got(self) -> str:
        labels = []
        for part in self.reply.parts:
            if part.kind == NONE:
                labels.append("0")
            elif part.about_notice:
                labels.append(NOTICE_LABEL)
            else:
                labels.append(f"{part.article}" + ("(silent)" if part.kind == SILENT else ""))
        return ",".join(labels)


@dataclass(frozen=True)
class EvalResult:
    path: str
    outcomes: tuple[Outcome, ...]

    def count(
        self, in_scope: bool | None = None, kind: str = "", lang: str = ""
    ) -> tuple[int, int]:
        chosen = [
            o
            for o in self.outcomes
            if (in_scope is None or o.in_scope == in_scope)
            and (not kind or o.case.report_kind == kind)
            and (not lang or o.case.lang == lang)
        ]
        return sum(o.correct for o in chosen), len(chosen)

    @property
    def in_scope(self) -> tuple[int, int]:
        return self.count(True)

    @property
    def out_of_scope(self) -> tuple[int, int]:
        return self.count(False)

    @property
    def overall(self) -> tuple[int, int]:
        return self.count()

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
        fields = line.split("\t") + [""] * 5
        question = fields[0].strip()
        articles = tuple(a.strip().lower() for a in fields[1].split(",") if a.strip()) or ("0",)
        kind = fields[3].strip().lower()
        if kind and kind not in KINDS:
            raise ValueError(f"{path}:{number}: unknown kind {kind!r}")
        cases.append(
            Case(
                question=question,
                expected=articles[0],
                must_contain=fields[2].strip(),
                line=number,
                articles=articles,
                kind=kind,
                note=fields[4].strip(),
            )
        )
    return cases


def _fold(text: str) -> str:
    # Full-width and ASCII punctuation count as the same character.
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _label(part_article: int | None, about_notice: bool) -> str:
    return NOTICE_LABEL if about_notice else str(part_article)


def judge(case: Case, reply: Reply, rendered: str) -> bool:
    parts = reply.parts
    first = parts[0]
    kind = case.effective_kind
    listed = [a for a in case.articles if a != "0"]
    if kind in (NONE,):
        right = all(p.kind == NONE for p in parts)
    elif kind in (SILENT, LEGACY_OUT):
        if first.kind == NONE:
            right = len(parts) == 1
        else:
            right = first.kind == SILENT and (
                not listed or _label(first.article, first.about_notice) in listed
            )
    elif kind == MULTI:
        got = {_label(p.article, p.about_notice) for p in parts if p.kind != NONE}
        right = bool(listed) and all(a in got for a in listed)
    else:
        right = (
            first.kind == ANSWERED and _label(first.article, first.about_notice) == case.expected
        )
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
        reply = engine.reply(case.question)
        rendered = to_plain(render_reply(reply, engine.regulation, today, reply.lang).text)
        outcomes.append(Outcome(case, reply, judge(case, reply, rendered), rendered))
    return EvalResult(path=str(path), outcomes=tuple(outcomes))


Point = tuple[float, ...]


def score_grid(
    engine: QAEngine, files: Sequence[str | Path], grid: Mapping[str, Sequence[float]]
) -> dict[Point, dict[str, tuple[int, int]]]:
    """Each file's (right, total) at each point of a grid of policy.qa's thresholds, named
    by ``grid``'s keys (the calibration scripts); the thresholds are restored after."""
    names = list(grid)
    current = tuple(getattr(qa, name) for name in names)
    right: dict[Point, dict[str, tuple[int, int]]] = {}
    try:
        for point in itertools.product(*grid.values()):
            for name, value in zip(names, point, strict=True):
                setattr(qa, name, value)
            engine.forget()  # replies remembered under the previous thresholds
            right[point] = {str(f): evaluate(f, engine).overall for f in files}
    finally:
        for name, value in zip(names, current, strict=True):
            setattr(qa, name, value)
        engine.forget()
    return right


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
    per_kind = [f"{k} {_pct(result.count(kind=k))}" for k in KINDS if result.count(kind=k)[1]]
    lines.append("by kind: " + " · ".join(per_kind))
    per_lang = [
        f"{x} {_pct(result.count(lang=x))}" for x in ("zh", "en") if result.count(lang=x)[1]
    ]
    lines.append("by language: " + " · ".join(per_lang))
    for miss in result.misses:
        first = miss.reply.parts[0]
        lines.append(
            f"  MISS line {miss.case.line}: {miss.case.question} | expected"
            f" {miss.case.report_kind} {','.join(miss.case.articles)} | got {miss.got}"
            f" | score {first.score:.3f} | {first.reason}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policy.eval", description=__doc__)
    parser.add_argument("files", nargs="+", help="TSV files of questions")
    args = parser.parse_args(argv)
    engine = QAEngine()
    totals = [0, 0]
    for path in args.files:
        result = evaluate(path, engine)
        print(format_result(result))
        right, total = result.overall
        totals[0] += right
        totals[1] += total
    if len(args.files) > 1:
        print(f"== all files: {_pct((totals[0], totals[1]))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
