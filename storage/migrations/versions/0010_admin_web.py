"""admin web page: one-time login links, sessions, the signing key, source pause / poll now

- ``login_links``: a one-time link (``/quantri``, ``loa admin link``): the SHA-256 of its token
  (the token itself is never stored), who it is for, until when, and when it was used.
- ``web_sessions``: an open admin session (the cookie carries its signed id); Đăng xuất or expiry
  ends it, so a copied cookie stops working too.
- ``web_keys``: the random key sessions and CSRF tokens are signed with, created once and shared
  by every instance on the database.
- ``sources.paused``: an administrator paused polling of that source; ``poll_requested_at``:
  Lấy tin ngay was pressed (the poller, on whatever instance, polls it and clears the request).
- indexes that let the overview's counts (and ``loa stats``) read narrow indexes instead of the
  wide resident rows: residents per (channel, active), the inactive residents by (active, id),
  and ``ix_subscriptions_kind_value`` covering ``resident_id`` too (bench/admin_bench.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "web_keys",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("paused", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("poll_requested_at", sa.DateTime(timezone=True)))
    op.create_index("ix_residents_channel_active", "residents", ["channel", "active"])
    op.create_index("ix_residents_active_id", "residents", ["active", "id"])
    op.drop_index("ix_subscriptions_kind_value", table_name="subscriptions")
    op.create_index(
        "ix_subscriptions_kind_value", "subscriptions", ["kind", "value", "resident_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_subscriptions_kind_value", table_name="subscriptions")
    op.create_index("ix_subscriptions_kind_value", "subscriptions", ["kind", "value"])
    op.drop_index("ix_residents_active_id", table_name="residents")
    op.drop_index("ix_residents_channel_active", table_name="residents")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("poll_requested_at")
        batch.drop_column("paused")
    op.drop_table("web_keys")
    op.drop_table("web_sessions")
    op.drop_table("login_links")
