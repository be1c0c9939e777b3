"""A leaner ``deliveries`` table: fast fan-out of an article to every resident (issue 14)

An article for 100 000 residents queues about 40 000 deliveries in one INSERT … SELECT
(``storage.outbox.queue_deliveries``); the goal is matching + enqueue within 0.3 s on
PostgreSQL, and it took 0.61 s. EXPLAIN ANALYZE of that insert (40 137 rows): the SELECT 91 ms,
the insert and its index upkeep ~280 ms, the three foreign-key triggers 225 ms (article_id
95, resident_id 115, broadcast_id 16 even though it is NULL). On a copy with this schema:
~275 ms.

- The foreign keys of ``article_id``, ``broadcast_id`` and ``resident_id`` go. ``deliveries``
  is the outbox: rows are written only by INSERT … SELECT from ``residents`` for an article or
  a broadcast just stored in the same transaction, and by answers (no resident, no article,
  no broadcast). Loa never deletes articles or broadcasts, and its one deletion of a resident
  (``storage.residents.delete_all``) deletes that resident's deliveries itself.
- ``ix_deliveries_article_id`` and ``ix_deliveries_broadcast_id`` go: the unique indexes below
  lead with the same columns and answer the same look-ups.
- ``uq_deliveries_article`` and ``uq_deliveries_broadcast`` (Loa's never-send-twice
  guarantee) become unique indexes of the same names and columns, partial (``WHERE article_id
  IS NOT NULL`` / ``WHERE broadcast_id IS NOT NULL``): the rows left out are exactly those the
  constraint never compared (NULLs are distinct), so the guarantee is unchanged.
- ``ix_deliveries_tag`` becomes partial (``WHERE tag IS NOT NULL``): only progress reports
  carry a tag.
- ``ix_deliveries_queue`` becomes ``(state, channel, priority DESC, id)``, the sender's order
  (``storage.outbox.next_batch``: priority first, then oldest first). With ``priority`` ascending
  neither database could read the next 128 rows off the index: both sorted every pending row
  of the top priority for each batch (SQLite "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY",
  PostgreSQL an incremental sort), so a batch cost grew with the queue.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:45:00
"""

from collections.abc import Sequence
from contextlib import AbstractContextManager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEYS = (
    ("article_id", "articles"),
    ("broadcast_id", "broadcasts"),
    ("resident_id", "residents"),
)
# SQLite's foreign keys of this table were created unnamed: batch mode names them by this
# convention when it reflects the table, so that they can be dropped (and re-created) by name.
SQLITE_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
QUEUE_ORDER = ["state", "channel", sa.text("priority DESC"), "id"]
SUBJECTS = (("uq_deliveries_article", "article_id"), ("uq_deliveries_broadcast", "broadcast_id"))


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _foreign_key(column: str, table: str) -> str:
    return f"fk_deliveries_{column}_{table}" if _sqlite() else f"deliveries_{column}_fkey"


def _partial(condition: str) -> dict[str, sa.TextClause]:
    return {"postgresql_where": sa.text(condition), "sqlite_where": sa.text(condition)}


def _batch() -> AbstractContextManager[BatchOperations]:
    # SQLite cannot drop a constraint in place: the table is copied. PostgreSQL: plain ALTERs,
    # never a copy of the (large) outbox.
    return op.batch_alter_table(
        "deliveries",
        recreate="always" if _sqlite() else "never",
        naming_convention=SQLITE_NAMES,
    )


def upgrade() -> None:
    with _batch() as batch:
        for column, table in FOREIGN_KEYS:
            batch.drop_constraint(_foreign_key(column, table), type_="foreignkey")
        batch.drop_index("ix_deliveries_article_id")
        batch.drop_index("ix_deliveries_broadcast_id")
        batch.drop_index("ix_deliveries_tag")
        for name, subject in SUBJECTS:
            batch.drop_constraint(name, type_="unique")
            batch.create_index(
                name,
                [subject, "resident_id", "channel"],
                unique=True,
                **_partial(f"{subject} IS NOT NULL"),
            )
        batch.create_index("ix_deliveries_tag", ["tag"], **_partial("tag IS NOT NULL"))
    # Outside the batch: SQLite's batch mode takes plain column names only.
    op.drop_index("ix_deliveries_queue", table_name="deliveries")
    op.create_index("ix_deliveries_queue", "deliveries", QUEUE_ORDER)


def downgrade() -> None:
    # What ON DELETE CASCADE would have removed; the foreign keys could not be restored over it.
    for column, table in FOREIGN_KEYS:
        op.execute(
            f"DELETE FROM deliveries WHERE {column} IS NOT NULL"
            f" AND NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.id = deliveries.{column})"
        )
    op.drop_index("ix_deliveries_queue", table_name="deliveries")
    op.create_index("ix_deliveries_queue", "deliveries", ["state", "channel", "priority", "id"])
    with _batch() as batch:
        batch.drop_index("ix_deliveries_tag")
        for name, subject in SUBJECTS:
            batch.drop_index(name)
            batch.create_unique_constraint(name, [subject, "resident_id", "channel"])
        batch.create_index("ix_deliveries_tag", ["tag"])
        batch.create_index("ix_deliveries_article_id", ["article_id"])
        batch.create_index("ix_deliveries_broadcast_id", ["broadcast_id"])
        for column, table in FOREIGN_KEYS:
            # Batch mode needs a name: on SQLite the convention's (0001 left them unnamed),
            # on PostgreSQL its own default.
            batch.create_foreign_key(
                _foreign_key(column, table), table, [column], ["id"], ondelete="CASCADE"
            )
