"""one pending application per person; the prefecture re-opens a report with a reason

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Applications already pending keep no key: the service still finds them by status,
    # and a backfill could fail on duplicates filed before this rule.
    with op.batch_alter_table("studios", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_key", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_studios_pending_key"), ["pending_key"])
    with op.batch_alter_table("annual_reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reopen_reason", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("annual_reports", schema=None) as batch_op:
        batch_op.drop_column("reopen_reason")
    with op.batch_alter_table("studios", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_studios_pending_key"), type_="unique")
        batch_op.drop_column("pending_key")
