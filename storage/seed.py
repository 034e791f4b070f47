"""The prefecture's own unions: the bodies the 2018 notice (西工发〔2018〕56号) is addressed to.

Inserted once on an empty database; add more later with ``python -m bot union add``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Union, UnionKind

PREFECTURE_UNION = "西双版纳州总工会"

# (name, kind) — all report to the prefecture federation (Art. 17).
SEED_UNIONS: tuple[tuple[str, UnionKind], ...] = (
    ("景洪市总工会", UnionKind.COUNTY),
    ("勐海县总工会", UnionKind.COUNTY),
    ("勐腊县总工会", UnionKind.COUNTY),
    ("区工会", UnionKind.DISTRICT),
    ("州教育工会", UnionKind.EDUCATION),
    ("州直单位工会", UnionKind.PREFECTURE_UNIT),
)


async def ensure_seeded(session: AsyncSession) -> bool:
    """Seed the union hierarchy if no union exists yet; True when it seeded."""
    if await session.scalar(select(func.count()).select_from(Union)):
        return False
    top = Union(name=PREFECTURE_UNION, kind=UnionKind.PREFECTURE)
    session.add(top)
    await session.flush()
    session.add_all(Union(name=n, kind=k, parent_id=top.id) for n, k in SEED_UNIONS)
    await session.commit()
    return True
