"""News deliveries indexed resident first: one index fewer to keep up per row (issue 26)

An article for 100 000 residents queues ~40 000 deliveries in one INSERT … SELECT; each row
went into four indexes: the primary key, the queue, ``uq_deliveries_article`` (article_id,
resident_id, channel) and ``ix_deliveries_resident_id``. Dropping the last one alone took
~0.035 s of ~0.31 s off that statement (PostgreSQL, backend CPU, bench/delivery_bench.py (c)).
With a table of earlier news it costs more than the bench shows: each resident's new entry
lands next to their earlier ones, a page of its own for nearly every row.

- ``uq_deliveries_article`` becomes (resident_id, article_id, channel), still unique and
  partial (``WHERE article_id IS NOT NULL``): the same columns, so never-send-twice is unchanged,
  and it now answers the look-ups of a resident's news too (deactivation, deletion, the
  rhythm's held rows), and ``storage.rhythm.hold_new``'s (resident, article) probes.
- ``ix_deliveries_resident_id`` becomes partial, ``WHERE article_id IS NULL`` (broadcasts and
  answers to a resident): news rows are no longer written into it. A look-up of all a
  resident's deliveries asks each index for its half (``storage.models.of_resident``).

No query looks news deliveries up by article alone without the resident (``hold_new`` joins
the residents with a rhythm), so nothing needs an index leading with ``article_id``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEWS = "uq_deliveries_article"
RESIDENT = "ix_deliveries_resident_id"


def _partial(condition: str) -> dict[str, sa.TextClause]:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def upgrade() -> None:
    # Plain index statements on both databases (SQLite needs no table copy for these).
    op.drop_index(NEWS, table_name="deliveries")
    op.create_index(
        NEWS,
        "deliveries",
        ["resident_id", "article_id", "channel"],
        unique=True,
        **_partial("article_id IS NOT NULL"),
    )
    op.drop_index(RESIDENT, table_name="deliveries")
    op.create_index(RESIDENT, "deliveries", ["resident_id"], **_partial("article_id IS NULL"))


def downgrade() -> None:
    op.drop_index(RESIDENT, table_name="deliveries")
    op.create_index(RESIDENT, "deliveries", ["resident_id"])
    op.drop_index(NEWS, table_name="deliveries")
    op.create_index(
        NEWS,
        "deliveries",
        ["article_id", "resident_id", "channel"],
        unique=True,
        **_partial("article_id IS NOT NULL"),
    )
