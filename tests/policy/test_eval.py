from datetime import date
from pathlib import Path

from policy.eval import evaluate, main, read_cases
from policy.qa import QAEngine

TSV = (
    "# question\tarticles\tmust\n"
    "工作室要建哪些台账?\t11,17\t\n"
    "通知的文号是什么?\tnotice\t西工发〔2018〕56号\n"
    "通知的文号是什么?\tnotice\t这句话不在回答里\n"
    "工会会费怎么交?\t0\t\n"
    "工会会费怎么交?\t9\t\n"
)


def test_evaluate_counts_in_and_out_of_scope(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text(TSV, encoding="utf-8")
    cases = read_cases(path)
    assert [c.expected for c in cases] == ["11", "notice", "notice", "0", "9"]
    result = evaluate(path, QAEngine(), today=date(2026, 6, 1))
    assert result.in_scope == (2, 4)
    assert result.out_of_scope == (1, 1)
    assert result.overall == (3, 5)
    assert [m.case.line for m in result.misses] == [4, 6]
    assert result.misses[1].got == "0"


def test_main_prints_figures_and_misses(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "q.tsv"
    path.write_text(TSV, encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "in-scope (right first article): 2/4 (50.0%)" in out
    assert "out-of-scope (no article cited): 1/1 (100.0%)" in out
    assert "overall: 3/5 (60.0%)" in out
    assert "MISS line 6" in out
