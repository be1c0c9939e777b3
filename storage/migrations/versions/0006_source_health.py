"""sources: what the health watch remembers (quiet passes, failing since, current alert)

A portal that changes its layout still answers 200: polls "succeed" with nothing in them.
``quiet_passes`` counts successful passes in a row whose list had no items or whose articles
lost their title or date; ``failing_since`` when the current run of failures began;
``alert`` the problem the administrators were told about (None: healthy).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(
            sa.Column("quiet_passes", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("failing_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("alert", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("alert")
        batch.drop_column("failing_since")
        batch.drop_column("quiet_passes")
