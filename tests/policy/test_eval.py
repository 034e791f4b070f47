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
    result = evaluate(path, QAEngine(model=None), today=date(2026, 6, 1))
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


KINDS_TSV = (
    "# question\tarticles\tmust\tkind\tnote\n"
    "补助有多少钱?\t9\t没有规定具体金额\tsilent\tamount\n"  # right: silent on Art. 9
    "补助有多少钱?\t0\t\tnone\t\n"  # wrong: a silent answer cites an article
    "补助有多少钱?\t9\t\tanswered\t\n"  # wrong: silent is not answered
    "职工请假怎么算工资?\t9\t\tsilent\t\n"  # right: a near miss may be refused
    "台账要建几本？补助是一次性的吗？\t11,9\t\tmulti\t\n"  # right: both articles
    "台账要建几本？\t11,9\t\tmulti\t\n"  # wrong: one part only
    "How many ledgers must a studio keep?\t11\tArticle 11 (第十一条)\tanswered\t\n"
)


def test_kind_column_and_its_scoring(tmp_path: Path) -> None:
    path = tmp_path / "k.tsv"
    path.write_text(KINDS_TSV, encoding="utf-8")
    cases = read_cases(path)
    assert [c.kind for c in cases][:2] == ["silent", "none"] and cases[0].note == "amount"
    result = evaluate(path, QAEngine(model=None), today=date(2026, 6, 1))
    assert [o.correct for o in result.outcomes] == [True, False, False, True, True, False, True]
    assert result.count(kind="silent") == (2, 2)
    assert result.count(kind="multi") == (1, 2)
    assert result.count(lang="en") == (1, 1)
    # The must-contain check reads the chat's own text (one renderer for both).
    assert "《办法》本身没有规定具体金额" in result.outcomes[0].rendered


def test_main_prints_per_kind_and_language(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "k.tsv"
    path.write_text(KINDS_TSV, encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "by kind: answered 1/2 (50.0%) · silent 2/2 (100.0%) · none 0/1 (0.0%)" in out
    assert "multi 1/2 (50.0%)" in out
    assert "by language: zh 3/6 (50.0%) · en 1/1 (100.0%)" in out
