"""members may record activities; attachments can be replaced

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "role_grants",
        sa.Column("may_record_activities", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "studios",
        sa.Column(
            "members_record_activities", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )
    op.add_column("attachments", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("deleted_at")
    with op.batch_alter_table("studios") as batch:
        batch.drop_column("members_record_activities")
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_column("may_record_activities")
