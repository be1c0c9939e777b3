"""Deactivations are recorded; each channel's state is kept (issue 21)

A resident the sender deactivated (blocked bot, unknown chat) was a bare ``active = false``:
nobody could tell a resident who left from one lost to a bad minute of the platform, nor bring
them back. ``loa residents`` counts them per channel and reason and ``loa residents restore``
re-activates those the sender deactivated since a time, choices intact (they were never deleted).

- ``deactivated_at``: when (NULL for active residents);
- ``deactivated_by``: "sender" (a platform's answer to a message), "member update" (Telegram
  said the bot was blocked or removed), "console" (a closed console);
- ``deactivated_why``: a short English category ("blocked the bot", "chat not found", …);
- ``deactivated_answer``: the platform's answer as it came (at most 1 000 characters).

``channel_states``: one row per channel, written by its sender when the state changes:
"working", or "paused" since when and why (an outage, a broken bot, a throttle), for
``loa stats``, ``/healthz`` and the admin page; a channel with no live sender shows as off.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("residents") as batch:
        batch.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deactivated_by", sa.String(20), nullable=True))
        batch.add_column(sa.Column("deactivated_why", sa.String(100), nullable=True))
        batch.add_column(sa.Column("deactivated_answer", sa.Text(), nullable=True))
    op.create_table(
        "channel_states",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("channel_states")
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("deactivated_answer")
        batch.drop_column("deactivated_why")
        batch.drop_column("deactivated_by")
        batch.drop_column("deactivated_at")
