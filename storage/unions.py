from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.access import Access, UnionTree, load_tree
from storage.errors import DomainError
from storage.models import Studio, StudioStatus, Union, UnionKind


class UnionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all(self) -> list[Union]:
        rows = await self.session.scalars(
            select(Union).where(Union.active.is_(True)).order_by(Union.id)
        )
        return list(rows)

    async def tree(self) -> UnionTree:
        return await load_tree(self.session)

    async def governed_by(self, access: Access) -> list[Union]:
        tree = await self.tree()
        return [u for u in await self.all() if access.governs_union(tree, u.id)]

    async def studios_governed_by(self, access: Access) -> list[Studio]:
        tree = await self.tree()
        rows = await self.session.scalars(
            select(Studio)
            .where(
                Studio.status != StudioStatus.REVOKED,
                or_(access.governed_studios(tree), Studio.id.in_(access.leader_studios)),
            )
            .order_by(Studio.id)
        )
        return list(rows)

    async def add(
        self, name: str, kind: UnionKind, parent_name: str | None, *, actor_id: int | None = None
    ) -> Union:
        name = name.strip()
        if not name or len(name) > 100:
            raise DomainError("union.bad_name")
        if await self.session.scalar(select(Union).where(Union.name == name)):
            raise DomainError("union.exists", name=name)
        parent = None
        if parent_name:
            parent = await self.session.scalar(select(Union).where(Union.name == parent_name))
            if parent is None:
                raise DomainError("union.no_parent", name=parent_name)
        union = Union(name=name, kind=kind, parent_id=parent.id if parent else None)
        self.session.add(union)
        await self.session.flush()
        audit.record(self.session, actor_id=actor_id, action="union.add", entity=union)
        await self.session.commit()
        return union
