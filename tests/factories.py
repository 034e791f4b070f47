"""Records created directly, for scenarios whose set-up is not what they test."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Honour, Studio, StudioStatus, Union, UnionKind


async def union_named(session: AsyncSession, name: str) -> Union:
    union = await session.scalar(select(Union).where(Union.name == name))
    assert union is not None, name
    return union


async def add_grassroots(session: AsyncSession, name: str, parent: str) -> Union:
    parent_union = await union_named(session, parent)
    union = Union(name=name, kind=UnionKind.GRASSROOTS, parent_id=parent_union.id)
    session.add(union)
    await session.commit()
    return union


async def add_studio(
    session: AsyncSession, leader: str, union_name: str, status: StudioStatus = StudioStatus.NAMED
) -> Studio:
    union = await union_named(session, union_name)
    studio = Studio(
        name=f"{leader}劳模创新工作室",
        leader_name=leader,
        leader_honour=Honour.PROVINCIAL_MODEL_WORKER,
        host_unit="景洪市供电局",
        union_id=union.id,
        status=status,
    )
    session.add(studio)
    await session.commit()
    return studio
