"""Fit the Q&A engine's abstain thresholds on the labelled sets, with cross-validation.

Usage: python scripts/calibrate_qa.py [TSV ...]   (default: every tests/policy/*_questions.tsv)

The engine cites an article only when the article's vocabulary explains enough of
the question (``MIN_COVERAGE``), or a fair share of it while clearly beating the
runner-up (``MIN_MARGIN_COVERAGE``), and the best BM25 score reaches ``MIN_SCORE``.
This script scores every labelled question at each point of a grid of those
thresholds, then estimates how each choice does on a set it was not fitted on:
leave one set out, pick the grid point that is best on the others (ties go to the
point nearest the current values), score the left-out set with it.  It prints the
cross-validated accuracy of the fitted rule next to that of the current values,
and the point that is best on all sets together.  Only a choice that wins under
cross-validation should replace the constants in ``policy/qa.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy import qa  # noqa: E402
from policy.eval import score_grid  # noqa: E402

GRID = {
    "MIN_COVERAGE": (0.4, 0.45, 0.5, 0.55, 0.6),
    "MIN_MARGIN_COVERAGE": (0.2, 0.25, 0.3, 0.35, 0.4),
    "MIN_SCORE": (2.0, 2.5, 3.0),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or sorted(str(p) for p in (ROOT / "tests/policy").glob("*_questions.tsv"))
    names = list(GRID)
    current = tuple(getattr(qa, n) for n in names)
    engine = qa.QAEngine()
    engine.warm()
    right = score_grid(engine, files, GRID)  # right[point][file] = (right, total)

    def distance(point: tuple[float, ...]) -> float:
        return sum(abs(a - b) / b for a, b in zip(point, current, strict=True))

    def best_on(chosen: list[str]) -> tuple[float, ...]:
        return max(
            right,
            key=lambda p: (sum(right[p][f][0] for f in chosen), -distance(p)),
        )

    cv = [0, 0]
    base = [0, 0]
    print(f"{'left out':40} {'fitted point':28} {'fitted':>9} {'current':>9}")
    for held in files:
        point = best_on([f for f in files if f != held])
        got, total = right[point][held]
        was, _ = right[current][held]
        cv[0] += got
        cv[1] += total
        base[0] += was
        base[1] += total
        shown = ", ".join(f"{v:g}" for v in point)
        print(f"{Path(held).name:40} {shown:28} {got:>4}/{total:<4} {was:>4}/{total:<4}")
    print(f"cross-validated: fitted {cv[0]}/{cv[1]} ({100 * cv[0] / cv[1]:.1f}%),")
    print(f"                 current {base[0]}/{base[1]} ({100 * base[0] / base[1]:.1f}%)")
    point = best_on(files)
    total_right = sum(right[point][f][0] for f in files)
    print(
        "best on all sets: "
        + ", ".join(f"{n}={v:g}" for n, v in zip(names, point, strict=True))
        + f" ({total_right}/{base[1]}); current: "
        + ", ".join(f"{n}={v:g}" for n, v in zip(names, current, strict=True))
        + f" ({base[0]}/{base[1]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
