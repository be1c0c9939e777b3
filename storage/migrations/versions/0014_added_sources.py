"""Sources added on the admin page live in the database (issue 23)

A province administrator adds a portal by its address on the admin page ("Thêm nguồn"); the
configuration file stays the operator's, so the source is a row of ``sources`` that says who
added it. The poller schedules such rows beside the configured sources (a name in the file
wins) and ``loa sources`` lists them.

- ``added_by``: who added it ("web:zalo:<id>"); NULL for a source of the configuration file;
- ``added_at``: when;
- ``commune``: the commune the source is about (today's unit name), as a source's ``commune``
  key in the file.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("added_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("added_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("commune", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("commune")
        batch.drop_column("added_at")
        batch.drop_column("added_by")
