"""Ledgers as an Excel workbook (Art. 11): one sheet per ledger, Chinese headers, frozen
header row, sensible widths and formats, totals where they make sense."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import cache
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from storage.ledgers import StudioLedgers
from storage.models import FundDirection

Label = Callable[[str], str]  # catalog lookup for enum values
YUAN = "#,##0.00"
DATE = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
CENTRED = Alignment(horizontal="center", vertical="center")
Progress = Callable[[int, int], None]  # rows written, rows in all; called from the worker
PROGRESS_EVERY = 5_000
FORMULA_STARTS = ("=", "+", "-", "@")
# What the XML inside a workbook cannot hold (openpyxl refuses it): refused at intake too,
# but an export must never fail because one old or imported record carries it.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _Book:
    """A write-only workbook: rows stream to the file as they come, so a prefecture's
    220,000 rows cost what writing them costs. (Appending to a normal worksheet and styling
    `ws[ws.max_row]` made every row scan all earlier ones: quadratic.)"""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.wb = Workbook(write_only=True)
        self.total, self.done, self.progress = max(total, 1), 0, progress

    def sheet(
        self,
        title: str,
        headers: Sequence[tuple[str, int, str | None]],
        rows: Iterable[Sequence[Any]],
        totals: Sequence[int] = (),
    ) -> None:
        """headers: (text, width, number format); totals: 1-based columns summed at the end."""
        ws = self.wb.create_sheet(title)
        for col, (_, width, _fmt) in enumerate(headers, 1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A2"
        ws.append([self._header(ws, text) for text, _, _ in headers])
        # Dates get yyyy-mm-dd from openpyxl itself; other formats need a styled cell, and
        # so does an empty cell of a formatted column (what is typed there later shows right).
        styled = {i: fmt for i, (_, _, fmt) in enumerate(headers) if fmt}
        count = 0
        for row in rows:
            ws.append([self._cell(ws, v, styled.get(i)) for i, v in enumerate(row)])
            count += 1
            self.done += 1
            if self.progress is not None and self.done % PROGRESS_EVERY == 0:
                self.progress(self.done, self.total)
        if totals and count:
            last = count + 1
            line: list[Any] = [None] * len(headers)
            line[0] = WriteOnlyCell(ws, "合计")
            line[0].font = BOLD
            for col in totals:
                letter = get_column_letter(col)
                cell = WriteOnlyCell(ws, f"=SUM({letter}2:{letter}{last})")
                cell.font = BOLD
                cell.number_format = headers[col - 1][2] or "General"
                line[col - 1] = cell
            ws.append(line)

    @staticmethod
    def _header(ws: Any, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, text)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTRED
        return cell

    @staticmethod
    def _cell(ws: Any, value: Any, fmt: str | None) -> Any:
        if isinstance(value, str):
            value = _ILLEGAL.sub("", value)
            # User text starting with = + - @ would be a live formula in Excel: keep it text.
            if value[:1] in FORMULA_STARTS:
                cell = WriteOnlyCell(ws, value)
                cell.data_type = "s"
                return cell
            return value
        if fmt and (value is None or (fmt != DATE and not isinstance(value, date))):
            cell = WriteOnlyCell(ws, value)
            cell.number_format = fmt
            return cell
        return value


def _files(item: StudioLedgers, kind: str, record_id: int) -> str:
    # The files themselves stay in Telegram (/ledger sends them back); the sheet names them.
    return "、".join(item.files.get((kind, record_id), []))


def build_workbook(
    ledgers: Sequence[StudioLedgers],
    label: Label,
    today: date,
    *,
    management: bool,
    progress: Progress | None = None,
) -> bytes:
    """`management`: the union's ledger over its studios, with an overview sheet first.
    Pure and thread-safe: the bot runs it in a worker thread, off the event loop."""
    label = cache(label)  # a few dozen distinct enum labels, looked up 220,000 times
    book = _Book(sum(i.row_count for i in ledgers), progress)
    many = management
    studio_col: list[tuple[str, int, str | None]] = [("工作室", 24, None)] if many else []

    def lead(item: StudioLedgers) -> list[Any]:
        return [item.studio.name] if many else []

    if many:
        # Art. 11: 所属工会应建立劳模创新工作室管理台帐
        book.sheet(
            "管理台帐",
            [
                ("工作室", 24, None),
                ("负责人", 10, None),
                ("荣誉", 16, None),
                ("所属工会", 18, None),
                ("状态", 14, None),
                ("命名日期", 12, DATE),
                ("命名文号", 20, None),
                ("成员数", 8, None),
                ("项目数", 8, None),
                ("成果数", 8, None),
                ("活动数", 8, None),
                ("经费结余（元）", 14, YUAN),
                ("撤销日期", 12, DATE),
            ],
            (
                [
                    i.studio.name,
                    i.studio.leader_name,
                    label(f"honour.{i.studio.leader_honour.value}"),
                    i.union_name,
                    label(f"status.{i.studio.status.value}"),
                    i.studio.named_on,
                    i.studio.naming_document or "",
                    len(i.members),
                    len(i.projects),
                    len(i.achievements),
                    len(i.activities),
                    _balance(i) / 100,
                    i.studio.revoked_on,
                ]
                for i in ledgers
            ),
            totals=(8, 9, 10, 11, 12),
        )
    book.sheet(
        "攻关项目",
        [
            *studio_col,
            ("年度", 8, None),
            ("项目名称", 30, None),
            ("类别", 10, None),
            ("立项日期", 12, DATE),
            ("立项单位", 20, None),
            ("进展", 10, None),
            ("工会确认", 10, None),
        ],
        (
            [
                *lead(i),
                p.year,
                p.title,
                label(f"enum.kind.{p.kind.value}"),
                p.approved_on,
                p.approving_body,
                label(f"enum.status.{p.status.value}"),
                label(f"review.{p.review_status.value}"),
            ]
            for i in ledgers
            for p in i.projects
        ),
    )
    n = len(studio_col)
    book.sheet(
        "创新成果",
        [
            *studio_col,
            ("成果名称", 30, None),
            ("类别", 10, None),
            ("认可日期", 12, DATE),
            ("认可单位", 20, None),
            ("级别", 10, None),
            ("经济效益（万元）", 14, "0.00"),
            ("社会效益", 30, None),
            ("工会确认", 10, None),
            ("附件", 30, None),
        ],
        (
            [
                *lead(i),
                a.title,
                label(f"enum.category.{a.category.value}"),
                a.achieved_on,
                a.recognised_by,
                label(f"level.{a.recognition_level}") if a.recognition_level else "",
                a.economic_benefit_fen / 1_000_000 if a.economic_benefit_fen is not None else None,
                a.social_benefit,
                label(f"review.{a.review_status.value}"),
                _files(i, "achievement", a.id),
            ]
            for i in ledgers
            for a in i.achievements
        ),
        totals=(n + 6,),
    )
    book.sheet(
        "创建活动",
        [
            *studio_col,
            ("日期", 12, DATE),
            ("类型", 10, None),
            ("人数", 8, None),
            ("内容", 40, None),
            ("照片", 30, None),
        ],
        (
            [
                *lead(i),
                v.held_on,
                label(f"enum.kind.{v.kind.value}"),
                v.people_reached,
                v.summary,
                _files(i, "activity", v.id),
            ]
            for i in ledgers
            for v in i.activities
        ),
        totals=(n + 3,),
    )
    book.sheet(
        "成员发展",
        [
            *studio_col,
            ("姓名", 10, None),
            ("专业", 14, None),
            ("学历", 10, None),
            ("出生年份", 10, None),
            ("加入日期", 12, DATE),
            ("离开日期", 12, DATE),
        ],
        (
            [*lead(i), m.name, m.specialty, m.education, m.birth_year, m.joined_on, m.left_on]
            for i in ledgers
            for m in i.members
        ),
    )
    book.sheet(
        "成员发展记录",
        [
            *studio_col,
            ("姓名", 10, None),
            ("日期", 12, DATE),
            ("类别", 10, None),
            ("内容", 40, None),
        ],
        (
            [*lead(i), name, e.on_date, label(_event_key(e.kind.value)), e.description]
            for i in ledgers
            for name, e in i.events
        ),
    )
    book.sheet(
        "经费",
        [
            *studio_col,
            ("日期", 12, DATE),
            ("收支", 8, None),
            ("来源", 18, None),
            ("收入（元）", 14, YUAN),
            ("支出（元）", 14, YUAN),
            ("用途", 30, None),
        ],
        (
            [
                *lead(i),
                f.on_date,
                label(f"enum.direction.{f.direction.value}"),
                label(f"enum.source.{f.source.value}") if f.source else "",
                f.amount_fen / 100 if f.direction is FundDirection.INCOME else None,
                f.amount_fen / 100 if f.direction is FundDirection.EXPENSE else None,
                f.purpose,
            ]
            for i in ledgers
            for f in sorted(i.funds, key=lambda r: (r.on_date, r.id))
        ),
        totals=(n + 4, n + 5),
    )
    revoked = [i.studio for i in ledgers if i.studio.revoked_on is not None]
    if revoked and not many:
        # Art. 17: the workbook of a revoked studio says so, like every other view of it.
        note = book.wb.create_sheet("说明")
        note.column_dimensions["A"].width = 60
        note.append([f"称号已于 {revoked[0].revoked_on} 撤销（第十七条）。以上为历史台帐，只读。"])
    book.wb.properties.title = f"劳模创新工作室台帐 {today.isoformat()}"
    out = BytesIO()
    book.wb.save(out)
    if progress is not None:
        progress(book.total, book.total)
    return out.getvalue()


def _event_key(kind: str) -> str:
    return {"joined": "member_action.join", "left": "member_action.leave"}.get(
        kind, f"member_event.{kind}"
    )


def _balance(item: StudioLedgers) -> int:
    return sum(
        f.amount_fen if f.direction is FundDirection.INCOME else -f.amount_fen for f in item.funds
    )
