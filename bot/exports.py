"""Ledgers as an Excel workbook (Art. 11): one sheet per ledger, Chinese headers, frozen
header row, sensible widths and formats, totals where they make sense."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from storage.ledgers import StudioLedgers
from storage.models import FundDirection

Label = Callable[[str], str]  # catalog lookup for enum values
YUAN = "#,##0.00"
DATE = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FORMULA_STARTS = ("=", "+", "-", "@")
# What the XML inside a workbook cannot hold (openpyxl refuses it): refused at intake too,
# but an export must never fail because one old or imported record carries it.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(value: Any) -> Any:
    return _ILLEGAL.sub("", value) if isinstance(value, str) else value


def _sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[tuple[str, int, str | None]],
    rows: Sequence[Sequence[Any]],
    totals: dict[int, str] | None = None,
) -> Worksheet:
    """headers: (text, width, number format); totals: column index → formula kind 'sum'."""
    ws = wb.create_sheet(title)
    ws.append([h for h, _, _ in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append([_clean(v) for v in row])
        for cell in ws[ws.max_row]:
            # User text starting with = + - @ would be a live formula in Excel: keep it text.
            if isinstance(cell.value, str) and cell.value[:1] in FORMULA_STARTS:
                cell.data_type = "s"
    for col, (_, width, fmt) in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = fmt
    if totals and rows:
        last = len(rows) + 1
        total_row = last + 1
        ws.cell(total_row, 1, "合计").font = Font(bold=True)
        for col in totals:
            letter = get_column_letter(col)
            cell = ws.cell(total_row, col, f"=SUM({letter}2:{letter}{last})")
            cell.font = Font(bold=True)
            cell.number_format = headers[col - 1][2] or "General"
    ws.freeze_panes = "A2"
    return ws


def _files(item: StudioLedgers, kind: str, record_id: int) -> str:
    # The files themselves stay in Telegram (/ledger sends them back); the sheet names them.
    return "、".join(item.files.get((kind, record_id), []))


def build_workbook(
    ledgers: Sequence[StudioLedgers], label: Label, today: date, *, management: bool
) -> bytes:
    """`management`: the union's ledger over its studios, with an overview sheet first."""
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    many = management
    studio_col: list[tuple[str, int, str | None]] = [("工作室", 24, None)] if many else []

    def lead(item: StudioLedgers) -> list[Any]:
        return [item.studio.name] if many else []

    if many:
        # Art. 11: 所属工会应建立劳模创新工作室管理台帐
        _sheet(
            wb,
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
            [
                [
                    i.studio.name,
                    i.studio.leader_name,
                    label(f"honour.{i.studio.leader_honour.value}"),
                    i.studio.union.name if i.studio.union else "",
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
            ],
            totals={8: "sum", 9: "sum", 10: "sum", 11: "sum", 12: "sum"},
        )
    _sheet(
        wb,
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
        [
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
        ],
    )
    n = len(studio_col)
    _sheet(
        wb,
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
        [
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
        ],
        totals={n + 6: "sum"},
    )
    _sheet(
        wb,
        "创建活动",
        [
            *studio_col,
            ("日期", 12, DATE),
            ("类型", 10, None),
            ("人数", 8, None),
            ("内容", 40, None),
            ("照片", 30, None),
        ],
        [
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
        ],
        totals={n + 3: "sum"},
    )
    _sheet(
        wb,
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
        [
            [*lead(i), m.name, m.specialty, m.education, m.birth_year, m.joined_on, m.left_on]
            for i in ledgers
            for m in i.members
        ],
    )
    _sheet(
        wb,
        "成员发展记录",
        [
            *studio_col,
            ("姓名", 10, None),
            ("日期", 12, DATE),
            ("类别", 10, None),
            ("内容", 40, None),
        ],
        [
            [*lead(i), name, e.on_date, label(_event_key(e.kind.value)), e.description]
            for i in ledgers
            for name, e in i.events
        ],
    )
    _sheet(
        wb,
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
        [
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
        ],
        totals={n + 4: "sum", n + 5: "sum"},
    )
    revoked = [i.studio for i in ledgers if i.studio.revoked_on is not None]
    if revoked and not many:
        # Art. 17: the workbook of a revoked studio says so, like every other view of it.
        note = wb.create_sheet("说明")
        note.append([f"称号已于 {revoked[0].revoked_on} 撤销（第十七条）。以上为历史台帐，只读。"])
        note.column_dimensions["A"].width = 60
    wb.properties.title = f"劳模创新工作室台帐 {today.isoformat()}"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _event_key(kind: str) -> str:
    return {"joined": "member_action.join", "left": "member_action.leave"}.get(
        kind, f"member_event.{kind}"
    )


def _balance(item: StudioLedgers) -> int:
    return sum(
        f.amount_fen if f.direction is FundDirection.INCOME else -f.amount_fen for f in item.funds
    )
