"""Ledgers as an Excel workbook (Art. 11): one sheet per ledger, generated from the ledger
specs, headers in the reader's language, frozen header row, sensible widths and formats,
totals where they make sense."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import cache
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.handlers.ledgers.spec import (
    DATE,
    EVENT_COLUMNS,
    EVENT_SHEET,
    MEMBER,
    SPECS,
    YUAN,
    Column,
    LedgerSpec,
)
from storage.ledgers import StudioLedgers
from storage.models import FundDirection

Label = Callable[..., str]  # catalog key (and placeholders) → text in the reader's language
Header = tuple[str, int, str | None]  # title, width, number format
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
CENTRED = Alignment(horizontal="center", vertical="center")
WRAPPED = Alignment(wrap_text=True, vertical="top")  # text of several lines shows them
Progress = Callable[[int, int], None]  # rows written, rows in all; called from the worker
PROGRESS_EVERY = 5_000
FORMULA_STARTS = ("=", "+", "-", "@")
# What the XML inside a workbook cannot hold (openpyxl refuses it): refused at intake too,
# but an export must never fail because one old or imported record carries it.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """User text as a cell can hold it: without the characters XML cannot carry."""
    return _ILLEGAL.sub("", value)


def looks_like_formula(value: str) -> bool:
    """User text starting with = + - @ would be a live formula in Excel: it must stay text."""
    return value[:1] in FORMULA_STARTS


class _Book:
    """A write-only workbook: rows stream to the file as they come, so a prefecture's
    220,000 rows cost what writing them costs. (Appending to a normal worksheet and styling
    `ws[ws.max_row]` made every row scan all earlier ones: quadratic.)"""

    def __init__(self, rows: int, progress: Progress | None, *, total: str) -> None:
        self.wb = Workbook(write_only=True)
        self.total, self.done, self.progress = max(rows, 1), 0, progress
        self.total_label = total  # the totals row's first cell

    def sheet(
        self,
        title: str,
        headers: Sequence[Header],
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
            line[0] = WriteOnlyCell(ws, self.total_label)
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
            value = clean_text(value)
            formula, lines = looks_like_formula(value), "\n" in value
            if formula or lines:
                cell = WriteOnlyCell(ws, value)
                if formula:
                    cell.data_type = "s"
                if lines:
                    cell.alignment = WRAPPED
                return cell
            return value
        if fmt and (value is None or (fmt != DATE and not isinstance(value, date))):
            cell = WriteOnlyCell(ws, value)
            cell.number_format = fmt
            return cell
        return value


# Where each ledger's records are in a studio's export.
_RECORDS = {
    "project": "projects",
    "achievement": "achievements",
    "activity": "activities",
    "member": "members",
    "funds": "funds",
}
# Art. 11: 所属工会应建立劳模创新工作室管理台帐 — the overview sheet, one row per studio:
# (catalog key of the title, width, number format).
STUDIO_COLUMN = ("export.col.studio", 24, None)  # first on each sheet of a management export
OVERVIEW: tuple[tuple[str, int, str | None], ...] = (
    STUDIO_COLUMN,
    ("export.col.leader", 10, None),
    ("export.col.honour", 16, None),
    ("export.col.union", 18, None),
    ("export.col.status", 14, None),
    ("export.col.named_on", 12, DATE),
    ("export.col.naming_document", 20, None),
    ("export.col.members", 8, None),
    ("export.col.projects", 8, None),
    ("export.col.achievements", 8, None),
    ("export.col.activities", 8, None),
    ("export.col.balance", 14, YUAN),
    ("export.col.revoked_on", 12, DATE),
    # What the application said of the studio (Art. 6(5): venue and funds from the host unit),
    # so an import brings it back.
    ("export.col.host_unit", 20, None),
    ("export.col.specialty", 14, None),
    ("export.col.venue", 20, None),
    ("export.col.funding", 20, None),
    ("export.col.plan", 40, None),
)
OVERVIEW_TOTALS = (8, 9, 10, 11, 12)  # the counts and the balance


def build_workbook(
    ledgers: Sequence[StudioLedgers],
    label: Label,
    today: date,
    *,
    management: bool,
    progress: Progress | None = None,
) -> bytes:
    """One sheet per ledger, as its spec (bot/handlers/ledgers/spec.py) declares it, headers
    in the reader's language. `management`: the union's ledger over its studios, with an
    overview sheet first and each row led by its studio.
    Pure and thread-safe: the bot runs it in a worker thread, off the event loop."""
    label = cache(label)  # a few dozen distinct enum labels, looked up 220,000 times
    book = _Book(sum(i.row_count for i in ledgers), progress, total=label("export.total"))
    many = management

    def headers(columns: Iterable[tuple[str, int, str | None]]) -> list[Header]:
        lead = [STUDIO_COLUMN] if many else []
        return [(label(key), width, fmt) for key, width, fmt in (*lead, *columns)]

    def totals(columns: Sequence[Column]) -> tuple[int, ...]:
        return tuple(n for n, c in enumerate(columns, 2 if many else 1) if c.total)

    if many:
        book.sheet(
            label("export.sheet.management"),
            [(label(key), width, fmt) for key, width, fmt in OVERVIEW],
            (_overview(i, label) for i in ledgers),
            totals=OVERVIEW_TOTALS,
        )
    for spec in SPECS.values():
        book.sheet(
            label(spec.sheet),
            headers((spec.header(c), c.width, spec.number_format(c)) for c in spec.export),
            _rows(ledgers, spec, label, many),
            totals=totals(spec.export),
        )
        if spec is MEMBER:  # its development events, on the sheet after its members
            book.sheet(
                label(EVENT_SHEET),
                headers((str(c.header), c.width, c.number_format) for c in EVENT_COLUMNS),
                _event_rows(ledgers, label, many),
                totals=totals(EVENT_COLUMNS),
            )
    revoked = [i.studio for i in ledgers if i.studio.revoked_on is not None]
    if revoked and not many:
        # Art. 17: the workbook of a revoked studio says so, like every other view of it.
        note = book.wb.create_sheet(label("export.sheet.note"))
        note.column_dimensions["A"].width = 60
        note.append([_plain(label("export.revoked", date=revoked[0].revoked_on))])
    book.wb.properties.title = _plain(label("export.title", date=today.isoformat()))
    out = BytesIO()
    book.wb.save(out)
    if progress is not None:
        progress(book.total, book.total)
    return out.getvalue()


def _rows(
    ledgers: Sequence[StudioLedgers], spec: LedgerSpec, label: Label, many: bool
) -> Iterator[list[Any]]:
    cells, kind, order = spec.cells, spec.kind, spec.export_order
    attribute = _RECORDS[kind]
    for item in ledgers:
        lead = [item.studio.name] if many else []
        records = getattr(item, attribute)
        files = item.files
        for record in sorted(records, key=order) if order else records:
            # The files stay in Telegram (/ledger sends them back); the sheet names them.
            names = files.get((kind, record.id), ()) if files else ()
            yield [*lead, *[cell(record, label, names) for cell in cells]]


def _event_rows(ledgers: Sequence[StudioLedgers], label: Label, many: bool) -> Iterator[list[Any]]:
    cells = [c.get for c in EVENT_COLUMNS if c.get is not None]
    for item in ledgers:
        lead = [item.studio.name] if many else []
        for event in item.events:
            yield [*lead, *[cell(event, label, ()) for cell in cells]]


def _overview(item: StudioLedgers, label: Label) -> list[Any]:
    studio = item.studio
    return [
        studio.name,
        studio.leader_name,
        label(f"honour.{studio.leader_honour.value}"),
        item.union_name,
        label(f"status.{studio.status.value}"),
        studio.named_on,
        studio.naming_document or "",
        len(item.members),
        len(item.projects),
        len(item.achievements),
        len(item.activities),
        _balance(item) / 100,
        studio.revoked_on,
        studio.host_unit,
        studio.specialty,
        studio.venue,
        studio.funding_arrangement,
        studio.plan,
    ]


def _plain(text: str) -> str:
    # Catalog text is Telegram HTML with its placeholders escaped; a cell wants it plain.
    return html.unescape(text)


def _balance(item: StudioLedgers) -> int:
    return sum(
        f.amount_fen if f.direction is FundDirection.INCOME else -f.amount_fen for f in item.funds
    )
