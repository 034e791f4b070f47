"""Who may do what, where: roles and jurisdiction, computed from active role grants.

Every command and every button press goes through here on the server side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def load_access(session: AsyncSession, user_id: int) -> Access:
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


async def load_tree(session: AsyncSession) -> UnionTree:
    return UnionTree.of(await session.scalars(select(Union).where(Union.active.is_(True))))


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
