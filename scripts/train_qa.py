"""Train the Q&A engine's learned second opinion and write policy/data/qa_model.json.

Usage: python scripts/train_qa.py   (``make model``; needs the dev extra: scikit-learn)

Trains on every tests/policy/*_questions.tsv except the held-out final blind set
(policy.training.HELD_OUT).  Run it after adding or correcting a question set, or after
changing how the engine normalises a question (QAEngine.prepare): a test fails until the
shipped model matches the sets.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policy.learned import MODEL_FILE  # noqa: E402
from policy.qa import QAEngine  # noqa: E402
from policy.training import fit, rows, training_files  # noqa: E402


def main() -> int:
    started = time.perf_counter()
    engine = QAEngine(model=None)
    files = training_files()
    training = rows(files, engine)
    model = fit(training)
    MODEL_FILE.write_text(
        json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    kept = {name: len(head.weights) for name, head in model.heads.items()}
    print(
        f"{len(training)} questions from {len(files)} sets -> {MODEL_FILE.relative_to(ROOT)}"
        f" ({MODEL_FILE.stat().st_size / 1e6:.2f} MB, {len(model.idf)} n-grams, weights kept"
        f" {kept}, digest {model.trained_on}) in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
