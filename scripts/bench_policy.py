"""Benchmark the policy Q&A engine: cold start, warm answer latency and resident memory.

Usage: python scripts/bench_policy.py [--rounds N]

Cold start is measured in a fresh interpreter (import + load regulation +
jieba + indexes), so module caches from this process do not flatter it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUESTIONS = (
    "工作室的带头人要什么条件?",
    "考核什么时候报?还有几天?",
    "台账要建哪几本?",
    "专利归谁?",
    "补助有多少钱?",
    "职工请假怎么算工资?",
    "基本条件有哪些?",
    "每年要立项几个课题?",
    "办法的解释权归谁?",
    "这个通知的文号是多少?",
    "州总工会几年复核一次?",
    "工作室的经费由谁承担?",
    "今天天气怎么样",
    "第十七条",
    "",
    "工作室" * 500,
    "How many projects does a studio need every year?",
    "Who pays the day-to-day running costs?",
    "工作室一年要几个项目 成果两年要几项 日常经费谁出",
    "復核不達標會怎樣",
    "老模要带徒弟不",
    "专利申请费由谁承担？",
)

COLD = """
import resource, time
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
from policy.qa import QAEngine
engine = QAEngine()
engine.warm()
t1 = time.perf_counter()
engine.reply("考核什么时候报?")
t2 = time.perf_counter()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{t1 - t0:.4f} {t2 - t1:.4f} {(after - before) / 1024:.1f}")
"""


def cold_start(runs: int) -> list[tuple[float, float, float]]:
    out = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True
        )
        start, first, grown = proc.stdout.split()
        out.append((float(start), float(first), float(grown)))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50, help="warm passes over the questions")
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()

    colds = cold_start(args.cold_runs)
    starts = [c[0] for c in colds]
    firsts = [c[1] for c in colds]
    print(
        f"cold start (import + warm), {len(colds)} fresh processes: "
        f"min {min(starts) * 1000:.0f} ms, max {max(starts) * 1000:.0f} ms"
        f" (budget 3000 ms)"
    )
    print(f"first answer after warm: max {max(firsts) * 1000:.1f} ms")
    grown = max(c[2] for c in colds)
    print(f"resident memory grown by importing and warming the engine: {grown:.0f} MB (budget 250)")

    from policy.qa import QAEngine

    engine = QAEngine()
    engine.warm()
    timings = []
    for _ in range(args.rounds):
        for question in QUESTIONS:
            engine.forget()  # time the engine's own work, not its memory of replies
            t = time.perf_counter()
            engine.reply(question)
            timings.append(time.perf_counter() - t)
    ms = [t * 1000 for t in timings]
    print(
        f"warm answer over {len(ms)} questions: p50 {statistics.median(ms):.2f} ms, "
        f"p95 {percentile(ms, 95):.2f} ms, max {max(ms):.2f} ms (budget p95 50 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
