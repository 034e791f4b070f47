"""The year-end report workbook (bot/reports.py) speaks the reader's language: its sheet
titles come from the catalogs like its headers, and user text never becomes a formula."""

from __future__ import annotations

from functools import partial
from io import BytesIO

import pytest
from openpyxl import load_workbook

from bot.i18n import t
from bot.reports import build_report
from storage.reports import ReportRow, UnionReport, YearReport


def _report() -> YearReport:
    row = ReportRow(studio="=HYPERLINK(\"x\")", union="景洪市总工会", leader="岩温", grade="good",
                    comment="按时完成", lights=["met"] * 5, projects=1, achievements=2,
                    income_fen=2_000_000, expense_fen=150_050, failed_twice=False)  # fmt: skip
    return YearReport(year=2026, union=None, unions=[UnionReport("景洪市总工会", "on_time", [row])])


@pytest.mark.parametrize(
    ("lang", "sheets", "first"),
    [
        ("zh", ["汇总", "各工会", "工作室考核"], "工作室"),
        ("en", ["Summary", "Unions", "Studios"], "Studio"),
    ],
)
def test_the_report_workbook_is_in_the_readers_language(
    lang: str, sheets: list[str], first: str
) -> None:
    workbook = load_workbook(BytesIO(build_report(_report(), partial(t, lang))))
    assert workbook.sheetnames == sheets
    studios = workbook[sheets[2]]
    assert studios["A1"].value == first
    assert studios["A2"].value == '=HYPERLINK("x")' and studios["A2"].data_type == "s"
    assert studios["M2"].value == 20000 and studios["M2"].number_format == "#,##0.00"
