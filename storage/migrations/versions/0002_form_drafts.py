"""form drafts: one row per open form, with a token for its buttons and a version per step

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 12:00:00

Half-filled forms lived in bot_state under "form:<user id>", one per person, so starting a
second form overwrote the first and an old button could answer the newer form. They move to
form_drafts (several per person, one active); bot_state held nothing else and goes.
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    drafts = op.create_table(
        "form_drafts",
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("expired", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_drafts")),
    )
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_drafts_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_drafts_updated_at"), ["updated_at"], unique=False)

    bind = op.get_bind()
    old = sa.table("bot_state", sa.column("key", sa.String), sa.column("data", sa.JSON))
    rows = []
    now = datetime.now(UTC)
    for key, data in bind.execute(sa.select(old.c.key, old.c.data)):
        if not key.startswith("form:") or not isinstance(data, dict) or "form" not in data:
            continue
        token = secrets.token_urlsafe(6)
        state = {"i": data.get("i", 0), "data": data.get("data", {})}
        rows.append(
            {"token": token, "user_id": int(key.split(":")[1]), "form": data["form"],
             "state": state, "active": True, "expired": False, "version": 1,
             "created_at": now, "updated_at": now}
        )  # fmt: skip
    if rows:
        op.bulk_insert(drafts, rows)
    op.drop_table("bot_state")


def downgrade() -> None:
    op.create_table(
        "bot_state",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_bot_state")),
    )
    with op.batch_alter_table("form_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_drafts_updated_at"))
        batch_op.drop_index(batch_op.f("ix_form_drafts_user_id"))
    op.drop_table("form_drafts")
