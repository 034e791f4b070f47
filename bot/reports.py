"""The year-end report (Art. 17) as a workbook with native Excel charts: they render in Excel
and WPS with the reader's own fonts, and stay editable, unlike pictures."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.exports import YUAN, clean_text, looks_like_formula
from storage.reports import ReportRow, YearReport

Label = Callable[..., str]  # catalog key (and placeholders) → text
GRADES = ("excellent", "good", "pass", "fail")
LEVELS = ("met", "at_risk", "missing")
MARK = {"met": "✅", "at_risk": "⚠️", "missing": "❌"}
HEADER = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)


def _put(ws: Worksheet, row: int, values: list[Any], *, header: bool = False) -> None:
    for col, value in enumerate(values, 1):
        if isinstance(value, str):
            value = clean_text(value)
        cell = ws.cell(row, col, value)
        if isinstance(value, str) and looks_like_formula(value):
            cell.data_type = "s"
        if header:
            cell.font, cell.fill = BOLD, HEADER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def build_report(report: YearReport, label: Label) -> bytes:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = label("report.book.sheet.summary")
    who = report.union or label("report.book.prefecture")
    # Catalog text is Telegram HTML with its placeholders escaped; a cell wants it plain.
    summary["A1"] = html.unescape(label("report.book.title", union=who, year=report.year))
    summary["A1"].font = Font(bold=True, size=14)
    rows = report.rows
    grades = Counter(r.grade or "none" for r in rows)

    # Counts by grade, with a bar chart beside them.
    _put(summary, 3, [label("report.book.grade"), label("report.book.studios")], header=True)
    for i, g in enumerate((*GRADES, "none"), 4):
        _put(summary, i, [label(f"grade.{g}") if g != "none" else label("report.book.none"),
                          grades.get(g, 0)])  # fmt: skip
    chart = BarChart()
    chart.title = label("report.book.by_grade")
    chart.legend = None
    chart.add_data(Reference(summary, min_col=2, min_row=3, max_row=8), titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=4, max_row=8))
    chart.height, chart.width = 7, 12
    summary.add_chart(chart, "E3")

    # Art. 6: how many studios meet each condition, stacked.
    levels = [label(f"report.book.{lv}") for lv in LEVELS]
    _put(summary, 11, [label("report.book.condition"), *levels], header=True)
    for clause in range(5):
        counts = Counter(r.lights[clause] for r in rows if len(r.lights) == 5)
        line = [label(f"status.clause.{clause + 1}"), *[counts.get(lv, 0) for lv in LEVELS]]
        _put(summary, 12 + clause, line)
    stacked = BarChart()
    stacked.type, stacked.grouping, stacked.overlap = "bar", "stacked", 100
    stacked.title = label("report.book.art6")
    stacked.add_data(Reference(summary, min_col=2, max_col=4, min_row=11, max_row=16),
                     titles_from_data=True)  # fmt: skip
    stacked.set_categories(Reference(summary, min_col=1, min_row=12, max_row=16))
    stacked.height, stacked.width = 7, 12
    summary.add_chart(stacked, "E18")

    # The year's totals.
    totals = [
        ("report.book.projects", sum(r.projects for r in rows), None),
        ("report.book.achievements", sum(r.achievements for r in rows), None),
        ("report.book.income", sum(r.income_fen for r in rows) / 100, YUAN),
        ("report.book.expense", sum(r.expense_fen for r in rows) / 100, YUAN),
        ("report.book.failed_twice", sum(1 for r in rows if r.failed_twice), None),
    ]
    _put(summary, 19, [label("report.book.totals"), ""], header=True)
    for i, (key, value, fmt) in enumerate(totals, 20):
        _put(summary, i, [label(key), value])
        if fmt:
            summary.cell(i, 2).number_format = fmt
    _widths(summary, [26, 14, 12, 12])

    if report.union is None:
        _unions_sheet(wb, report, label)
    _studios_sheet(wb, rows, label)
    wb.properties.title = summary["A1"].value
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _unions_sheet(wb: Workbook, report: YearReport, label: Label) -> None:
    ws = wb.create_sheet(label("report.book.sheet.unions"))
    _put(ws, 1, [label("report.book.union"), label("report.book.state"),
                 label("report.book.studios"), *[label(f"grade.{g}") for g in GRADES],
                 label("report.book.none")], header=True)  # fmt: skip
    for i, u in enumerate(report.unions, 2):
        grades = Counter(r.grade or "none" for r in u.rows)
        _put(ws, i, [u.union, label(f"report.book.state.{u.state}"), len(u.rows),
                     *[grades.get(g, 0) for g in (*GRADES, "none")]])  # fmt: skip
    last = len(report.unions) + 1
    chart = BarChart()
    chart.grouping, chart.overlap = "stacked", 100
    chart.title = label("report.book.by_union")
    chart.add_data(Reference(ws, min_col=4, max_col=8, min_row=1, max_row=last),
                   titles_from_data=True)  # fmt: skip
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, "K2")
    ws.freeze_panes = "A2"
    _widths(ws, [22, 14, 8, 8, 8, 8, 8, 8])


def _studios_sheet(wb: Workbook, rows: list[ReportRow], label: Label) -> None:
    ws = wb.create_sheet(label("report.book.sheet.studios"))
    headers = [
        "report.book.studio", "report.book.union", "report.book.leader", "report.book.grade",
        "report.book.comment", *[f"status.clause.{c}" for c in range(1, 6)],
        "report.book.projects", "report.book.achievements", "report.book.income",
        "report.book.expense", "report.book.flag",
    ]  # fmt: skip
    _put(ws, 1, [label(h) for h in headers], header=True)
    for i, r in enumerate(rows, 2):
        _put(ws, i, [
            r.studio, r.union, r.leader,
            label(f"grade.{r.grade}") if r.grade else label("report.book.none"),
            r.comment,
            *[f"{MARK[lv]} {label(f'report.book.{lv}')}" for lv in r.lights],
            *([""] * (5 - len(r.lights))),
            r.projects, r.achievements, r.income_fen / 100, r.expense_fen / 100,
            label("report.book.rereview") if r.failed_twice else "",
        ])  # fmt: skip
        ws.cell(i, 13).number_format = YUAN
        ws.cell(i, 14).number_format = YUAN
    ws.freeze_panes = "B2"
    _widths(ws, [24, 18, 10, 8, 36, 10, 10, 10, 10, 10, 8, 8, 12, 12, 16])
    if rows:
        pie = PieChart()
        pie.title = label("report.book.by_grade")
        counts = Counter(r.grade or "none" for r in rows)
        # The pie reads a small table beside the list, not the list itself.
        for col, text in ((17, "report.book.grade"), (18, "report.book.studios")):
            ws.cell(1, col, label(text)).font = BOLD
        for j, g in enumerate((*GRADES, "none"), 2):
            ws.cell(j, 17, label(f"grade.{g}") if g != "none" else label("report.book.none"))
            ws.cell(j, 18, counts.get(g, 0))
        pie.add_data(Reference(ws, min_col=18, min_row=1, max_row=6), titles_from_data=True)
        pie.set_categories(Reference(ws, min_col=17, min_row=2, max_row=6))
        ws.add_chart(pie, "T2")
