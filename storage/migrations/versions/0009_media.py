"""media: article lead images, stored media for broadcasts

- ``articles.image_url``: the article's lead image (og:image, else its first content image).
- ``media``: a photo or voice note an administrator broadcast, stored once so that channels
  which need a public URL (Zalo) can fetch it: an unguessable ``name`` (the URL's last part),
  its content type, size and bytes, and when it was stored (deleted after
  ``[media] retention_days`` by ``jobs.media_cleanup``). Kept in the database, so every
  instance on it can serve it.
- ``broadcasts.media_kind`` (photo / voice), ``media_url`` (the public URL channels without a
  copy of their own fetch), ``copy_chat_id`` / ``copy_message_id`` (the administrator's
  Telegram message, copied to Telegram residents without a re-upload).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("image_url", sa.Text(), nullable=True))
    op.create_table(
        "media",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("media_kind", sa.String(10), nullable=True))
        batch.add_column(sa.Column("media_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("copy_chat_id", sa.String(100), nullable=True))
        batch.add_column(sa.Column("copy_message_id", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("copy_message_id")
        batch.drop_column("copy_chat_id")
        batch.drop_column("media_url")
        batch.drop_column("media_kind")
    op.drop_table("media")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("image_url")
