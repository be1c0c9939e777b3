"""Instances say which groups of roles they can take: the shares of a bot's sending (issue 26)

With ``sender_shares``, a bot's sending is split into shares (``telegram:sender#1/3``…) that
the live instances spread between them: each takes the group's size divided by the instances
that can take it. An instance runs only the bots it has tokens for, so it says which groups it
can take when it registers:

- ``groups``: JSON list of role groups ("telegram:sender"); "[]" for none.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("instances") as batch:
        batch.add_column(sa.Column("groups", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("instances") as batch:
        batch.drop_column("groups")
