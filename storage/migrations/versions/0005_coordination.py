"""Coordination of several instances; answers and edits in the outbox

- ``instances``: every live ``loa run`` with its heartbeat and the roles it holds.
- ``leases``: one row per role (``poller``, ``telegram:sender``…); the holder renews it, and
  an expired lease is free for another instance.
- ``seen_updates``: platform update ids already handled (a re-sent or twice-seen update is
  handled once).
- ``chat_choices``: numbered choices offered on channels without buttons, shared by every
  instance (the answer may be read by another instance than the one that asked).
- ``deliveries`` also carries answers to commands and edits of earlier messages: ``payload``
  (the message itself, JSON), ``chat_id`` (answers need no resident), ``tag`` (a progress
  report's identity); ``resident_id`` becomes optional.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instances",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
    )
    op.create_table(
        "leases",
        sa.Column("role", sa.String(100), primary_key=True),
        sa.Column("holder", sa.String(64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "seen_updates",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("update_id", sa.String(100), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "chat_choices",
        sa.Column("channel", sa.String(20), primary_key=True),
        sa.Column("chat_id", sa.String(100), primary_key=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("resident_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("chat_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.add_column(sa.Column("tag", sa.String(100), nullable=True))
        batch.create_index("ix_deliveries_tag", ["tag"])


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_tag")
        batch.drop_column("tag")
        batch.drop_column("payload")
        batch.drop_column("chat_id")
        batch.alter_column("resident_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("chat_choices")
    op.drop_table("seen_updates")
    op.drop_table("leases")
    op.drop_table("instances")
