"""residents' rhythm: daily bulletin and quiet hours; held deliveries

- ``residents.bulletin_time`` ("07:00") and ``residents.quiet_hours`` ("22:00-06:00"): what
  the resident chose (``/bantin``, ``/yentinh``), in Vietnam time; None: not chosen.
- ``residents.next_bulletin_at``, ``quiet_from``, ``quiet_until``: those choices as the next
  instants (UTC), kept current by the rhythm job, so that holding a new delivery is plain SQL
  (``storage.rhythm``); indexed so that the check "does anyone have a rhythm" costs nothing.
- ``broadcasts.urgent``: an ordinary broadcast the administrator marked to go out in quiet
  hours too.
- ``deliveries.state`` gains ``held`` (due later, at ``next_attempt_at``) and ``bundled`` (sent
  as part of a bulletin): no schema change, the column is a string.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("bulletin_time", sa.String(5), nullable=True))
        batch.add_column(sa.Column("quiet_hours", sa.String(11), nullable=True))
        batch.add_column(sa.Column("next_bulletin_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("quiet_from", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("quiet_until", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_residents_next_bulletin_at", ["next_bulletin_at"])
        batch.create_index("ix_residents_quiet_until", ["quiet_until"])
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("urgent")
    with op.batch_alter_table("residents") as batch:
        batch.drop_index("ix_residents_quiet_until")
        batch.drop_index("ix_residents_next_bulletin_at")
        batch.drop_column("quiet_until")
        batch.drop_column("quiet_from")
        batch.drop_column("next_bulletin_at")
        batch.drop_column("quiet_hours")
        batch.drop_column("bulletin_time")
