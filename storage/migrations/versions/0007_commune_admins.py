"""broadcasts: author and scope (commune administrators)

``author_name`` is the signature residents saw ("UBND xã Sam Mứn", "UBND tỉnh Điện Biên"; None
for broadcasts made before it existed); ``scope`` says whether the author was a province-wide
or a commune administrator ("province" / "commune"), for the audit. ``created_by`` stays who
acted ("zalo:<id>", "cli", …).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("author_name", sa.String(200), nullable=True))
        # Every broadcast before commune administrators was province-wide.
        batch.add_column(
            sa.Column("scope", sa.String(20), nullable=False, server_default="province")
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("scope")
        batch.drop_column("author_name")
