from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.inspection import inspect

from storage.models import AuditLog


def snapshot(obj: Any) -> dict[str, Any]:
    """A JSON-safe picture of a mapped object's columns, for before/after in the audit log."""
    out: dict[str, Any] = {}
    for attr in inspect(obj).mapper.column_attrs:
        value = getattr(obj, attr.key)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        out[attr.key] = value
    return out


def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    entity: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the caller's unit of work (committed with the change itself)."""
    ident = inspect(entity).identity
    session.add(
        AuditLog(
            actor_id=actor_id,
            action=action,
            entity_type=type(entity).__tablename__,
            entity_id=",".join(str(i) for i in ident) if ident else "",
            before=before,
            after=after if after is not None else snapshot(entity),
        )
    )
