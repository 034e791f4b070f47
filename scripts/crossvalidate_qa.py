"""Choose when the engine follows its learned second opinion, by leave-one-set-out CV.

Usage: python scripts/crossvalidate_qa.py [SET ...]   (default: the blind sets in the new format)

For each held set: train the model on every other training set (policy.training), then
score the held set through the same renderer as the chat (policy.eval) at each point of a
grid of thresholds (policy.qa.LEARNED_*; 9.0: never).  Prints, per point, the total
over the held sets, the point chosen, and each set's score with the model off (the lexical
engine alone) and at the chosen point.  Each set is scored by a model that never saw it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy import qa  # noqa: E402
from policy.eval import evaluate, score_grid  # noqa: E402
from policy.training import QUESTION_DIR, fit, rows, training_files  # noqa: E402

OFF = 9.0  # a probability never reached
GRID = {
    "LEARNED_SWITCH": (0.35, 0.5),
    "LEARNED_REFUSE": (0.5, 0.6),
    "LEARNED_RESCUE": (0.7,),
    "LEARNED_SILENT": (0.6, 0.7),
    "LEARNED_ANSWERED": (0.75, OFF),
    "LEARNED_SWITCH_EN": (0.2,),
    "LEARNED_RESCUE_EN": (0.2,),
}
# The sets in the new format (kinds, English, near misses, several questions), blindI aside.
DEFAULT_SETS = (
    "blindC",
    "blindD",
    "blindE",
    "blindF",
    "blindG",
    "blindH",
    *(f"tuning{n}" for n in range(24, 34)),
)


def main() -> int:
    held_sets = sys.argv[1:] or DEFAULT_SETS
    names = list(GRID)
    engine = qa.QAEngine(model=None)
    files = training_files()
    all_rows = rows(files, engine)
    right: dict[tuple[float, ...], dict[str, tuple[int, int]]] = {}
    alone: dict[str, tuple[int, int]] = {}
    for held in held_sets:
        path = QUESTION_DIR / f"{held}_questions.tsv"
        engine.model = None
        engine.forget()
        alone[held] = evaluate(path, engine).overall
        engine.model = fit([r for r in all_rows if r.source != path.name])
        for point, scores in score_grid(engine, [path], GRID).items():
            right.setdefault(point, {})[held] = scores[str(path)]
        print(f"{held}: done", file=sys.stderr)
    totals = {p: sum(r for r, _ in v.values()) for p, v in right.items()}
    count = sum(t for _, t in next(iter(right.values())).values())
    for point, total in sorted(totals.items(), key=lambda kv: -kv[1])[:12]:
        print(f"{point}: {total}/{count} ({100 * total / count:.1f}%)")
    best = max(totals, key=lambda p: totals[p])
    print(f"chosen {dict(zip(names, best, strict=True))}")
    for held in held_sets:
        (a, n), (b, _) = alone[held], right[best][held]
        print(
            f"  {held:10} engine alone {a}/{n} ({100 * a / n:.1f}%) -> {b}/{n} ({100 * b / n:.1f}%)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
