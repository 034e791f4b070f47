"""Who may do what, where: roles and jurisdiction, computed from active role grants.

Every command and every button press goes through here on the server side.
"""

from __future__ import annotations

import time
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, event, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.models import Role, RoleGrant, Studio, Union, UnionKind

# Art. 17: 县（市、区）、系统（行业）工会 assess their studios and report to the prefecture.
REPORTING_KINDS = frozenset(
    {UnionKind.COUNTY, UnionKind.DISTRICT, UnionKind.EDUCATION, UnionKind.PREFECTURE_UNIT}
)


@dataclass(frozen=True)
class UnionTree:
    parent: dict[int, int | None]
    names: dict[int, str]
    kinds: dict[int, UnionKind] = field(default_factory=dict)

    @classmethod
    def of(cls, unions: Iterable[Union]) -> UnionTree:
        unions = list(unions)
        return cls(
            {u.id: u.parent_id for u in unions},
            {u.id: u.name for u in unions},
            {u.id: u.kind for u in unions},
        )

    def ancestors_or_self(self, union_id: int) -> list[int]:
        chain: list[int] = []
        current: int | None = union_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parent.get(current)
        return chain

    def within(self, union_id: int, root_id: int) -> bool:
        return root_id in self.ancestors_or_self(union_id)

    @cached_property
    def _children(self) -> dict[int, list[int]]:
        children: dict[int, list[int]] = defaultdict(list)
        for union_id, parent_id in self.parent.items():
            if parent_id is not None:
                children[parent_id].append(union_id)
        return children

    def below(self, roots: Iterable[int]) -> frozenset[int]:
        """The roots and every union under them: a jurisdiction as a set a query can use."""
        out: set[int] = set()
        stack = [r for r in roots if r in self.parent]
        while stack:
            current = stack.pop()
            if current not in out:
                out.add(current)
                stack.extend(self._children.get(current, ()))
        return frozenset(out)

    def reporting_union(self, union_id: int) -> int | None:
        """The county/system union that reports for this one to the prefecture (Art. 17)."""
        for candidate in self.ancestors_or_self(union_id):
            if self.kinds.get(candidate) in REPORTING_KINDS:
                return candidate
        return None


@dataclass(frozen=True)
class Access:
    user_id: int
    is_admin: bool = False
    officer_unions: frozenset[int] = field(default_factory=frozenset)
    leader_studios: frozenset[int] = field(default_factory=frozenset)
    member_studios: frozenset[int] = field(default_factory=frozenset)

    @property
    def has_any_role(self) -> bool:
        return bool(
            self.is_admin or self.officer_unions or self.leader_studios or self.member_studios
        )

    def governs_union(self, tree: UnionTree, union_id: int) -> bool:
        """Admins govern every union; an officer governs their union and those below it."""
        if self.is_admin:
            return True
        return any(tree.within(union_id, root) for root in self.officer_unions)

    def governs_studio(self, tree: UnionTree, studio: Studio) -> bool:
        return self.governs_union(tree, studio.union_id)

    def union_scope(self, tree: UnionTree) -> frozenset[int] | None:
        """The unions this person governs; None for the admin (all of them)."""
        return None if self.is_admin else tree.below(self.officer_unions)

    def governed_studios(self, tree: UnionTree) -> ColumnElement[bool]:
        """`governs_studio` as a WHERE clause, so the database picks the rows."""
        scope = self.union_scope(tree)
        if scope is None:
            return Studio.id.is_not(None)
        return Studio.union_id.in_(scope) if scope else false()

    def visible_studios(self, tree: UnionTree) -> ColumnElement[bool]:
        """Governed, led, joined, or applied for by this person."""
        return or_(
            self.governed_studios(tree),
            Studio.id.in_(self.leader_studios | self.member_studios),
            Studio.leader_user_id == self.user_id,
            Studio.created_by == self.user_id,
        )

    def reports_for(self, tree: UnionTree, union_id: int) -> bool:
        """An officer of the county/system union above `union_id` (or the prefecture)."""
        if self.is_admin:
            return True
        reporting = tree.reporting_union(union_id)
        return any(
            root in tree.ancestors_or_self(union_id)
            and (root == reporting or tree.kinds.get(root) is UnionKind.PREFECTURE)
            for root in self.officer_unions
        )

    def may_invite(self, tree: UnionTree, role: Role, target: Union | Studio | None) -> bool:
        if role is Role.PREFECTURE_ADMIN:
            return self.is_admin and target is None
        if role is Role.UNION_OFFICER:
            return isinstance(target, Union) and self.governs_union(tree, target.id)
        if not isinstance(target, Studio):
            return False
        if role is Role.STUDIO_LEADER:
            return self.governs_studio(tree, target)
        # Role.STUDIO_MEMBER: the studio's leader may bring in their own team.
        return self.governs_studio(tree, target) or target.id in self.leader_studios

    def may_remove(self, tree: UnionTree, role: Role, union_id: int | None,
                   studio: Studio | None) -> bool:  # fmt: skip
        """Taking a role away mirrors granting it, one level up: the admin anyone below the
        prefecture; an officer the officers of unions below their own, and the leaders and
        members of studios in their jurisdiction; a leader the members of their own studio.
        Admins themselves are removed from the command line only."""
        if role is Role.PREFECTURE_ADMIN:
            return False
        if role is Role.UNION_OFFICER:
            return union_id is not None and (
                self.is_admin
                or any(r != union_id and tree.within(union_id, r) for r in self.officer_unions)
            )
        if studio is None:
            return False
        if role is Role.STUDIO_LEADER:
            return self.governs_studio(tree, studio)
        return self.governs_studio(tree, studio) or studio.id in self.leader_studios

    @property
    def invitable_roles(self) -> tuple[Role, ...]:
        roles: list[Role] = []
        if self.is_admin:
            roles.append(Role.PREFECTURE_ADMIN)
        if self.is_admin or self.officer_unions:
            roles += [Role.UNION_OFFICER, Role.STUDIO_LEADER, Role.STUDIO_MEMBER]
        elif self.leader_studios:
            roles.append(Role.STUDIO_MEMBER)
        return tuple(roles)


async def active_grants(session: AsyncSession, user_id: int) -> list[RoleGrant]:
    rows = await session.scalars(
        select(RoleGrant)
        .where(RoleGrant.user_id == user_id, RoleGrant.revoked_at.is_(None))
        .order_by(RoleGrant.id)
    )
    return list(rows)


_ACCESS = "access"  # session.info key: Access by user id, for the life of the unit of work


async def load_access(session: AsyncSession, user_id: int) -> Access:
    """Read once per unit of work (one update or job opens one); a flush that changes a
    role grant forgets it, so a grant made in the same session is seen at once."""
    cache: dict[int, Access] = session.info.setdefault(_ACCESS, {})
    if (cached := cache.get(user_id)) is not None:
        return cached
    cache[user_id] = access = await _read_access(session, user_id)
    return access


async def _read_access(session: AsyncSession, user_id: int) -> Access:
    grants = await active_grants(session, user_id)
    return Access(
        user_id=user_id,
        is_admin=any(g.role is Role.PREFECTURE_ADMIN for g in grants),
        officer_unions=frozenset(
            g.union_id for g in grants if g.role is Role.UNION_OFFICER and g.union_id
        ),
        leader_studios=frozenset(
            g.studio_id for g in grants if g.role is Role.STUDIO_LEADER and g.studio_id
        ),
        member_studios=frozenset(
            g.studio_id for g in grants if g.role is Role.STUDIO_MEMBER and g.studio_id
        ),
    )


# The union tree changes rarely (a union added or renamed), but is needed at nearly every
# step: keep it per engine, drop it whenever this process writes a union, and re-read it at
# least every TREE_TTL seconds for what another process (the CLI, a second instance) wrote.
TREE_TTL = 60.0
_trees: weakref.WeakKeyDictionary[Any, tuple[int, float, UnionTree]] = weakref.WeakKeyDictionary()
_tree_generation = 0


async def load_tree(session: AsyncSession) -> UnionTree:
    engine = session.bind.sync_engine if session.bind is not None else None
    cached = _trees.get(engine) if engine is not None else None
    now = time.monotonic()
    if cached is not None and cached[0] == _tree_generation and now - cached[1] < TREE_TTL:
        return cached[2]
    generation = _tree_generation
    tree = UnionTree.of(await session.scalars(select(Union).where(Union.active.is_(True))))
    if engine is not None:
        _trees[engine] = (generation, now, tree)
    return tree


def forget_trees() -> None:
    global _tree_generation
    _tree_generation += 1


@event.listens_for(Session, "after_flush")
def _forget_on_write(session: Session, _context: Any) -> None:
    changed = [*session.new, *session.dirty, *session.deleted]
    if any(isinstance(o, Union) for o in changed):
        forget_trees()
    if any(isinstance(o, RoleGrant) for o in changed):
        session.info.pop(_ACCESS, None)


@event.listens_for(Session, "do_orm_execute")
def _forget_on_bulk_write(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        mapper = state.bind_mapper
        if mapper is not None and mapper.class_ is Union:
            forget_trees()
        elif mapper is not None and mapper.class_ is RoleGrant:
            state.session.info.pop(_ACCESS, None)


async def admin_ids(session: AsyncSession) -> list[int]:
    rows = await session.scalars(
        select(RoleGrant.user_id).where(
            RoleGrant.revoked_at.is_(None), RoleGrant.role == Role.PREFECTURE_ADMIN
        )
    )
    return sorted(set(rows))


async def nearest_officers(session: AsyncSession, chain: Iterable[int | None]) -> list[int]:
    """Officers of the first union in `chain` that has any in the bot (none: empty)."""
    by_union: dict[int, set[int]] = defaultdict(set)
    for union_id, user_id in await session.execute(
        select(RoleGrant.union_id, RoleGrant.user_id).where(
            RoleGrant.revoked_at.is_(None), RoleGrant.role == Role.UNION_OFFICER
        )
    ):
        if union_id is not None:
            by_union[union_id].add(user_id)
    for union_id in chain:
        if union_id is not None and by_union.get(union_id):
            return sorted(by_union[union_id])
    return []
