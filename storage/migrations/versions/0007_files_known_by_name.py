"""files known by name only: an attachment brought in from a workbook has no Telegram file

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("file_id", existing_type=sa.String(length=255), nullable=True)
        batch.alter_column("file_unique_id", existing_type=sa.String(length=64), nullable=True)
    # What a downgrade kept as '' (Telegram never gives an empty file_id) is a name only again.
    op.execute("UPDATE attachments SET file_id = NULL, file_unique_id = NULL WHERE file_id = ''")


def downgrade() -> None:
    # The older schema has no name-only file: keep the rows (their names), with empty ids.
    op.execute(
        "UPDATE attachments SET file_id = COALESCE(file_id, ''), "
        "file_unique_id = COALESCE(file_unique_id, '') "
        "WHERE file_id IS NULL OR file_unique_id IS NULL"
    )
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("file_unique_id", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("file_id", existing_type=sa.String(length=255), nullable=False)
