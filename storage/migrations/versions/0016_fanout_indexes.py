"""Fewer, smaller index entries for every queued delivery (issue 26)

An article for 100 000 residents queues ~40 000 deliveries in one INSERT … SELECT
(``storage.outbox.queue_deliveries``); the goal is matching + enqueue within 0.3 s on
PostgreSQL. Each row went into four indexes: the primary key, ``ix_deliveries_queue`` (state,
channel, priority DESC, id), ``uq_deliveries_article`` (article_id, resident_id, channel) and
``ix_deliveries_resident_id``. Backend CPU of that statement on an empty table (bench
``delivery_bench.py`` (c), 100 000 residents): 0.31 s; the SELECT 0.06, the heap 0.05, and the
indexes 0.035 (primary key), 0.10 (queue), 0.045 (article), 0.04 (resident). After: 0.25 s.
With 20 earlier fan-outs in the table (800 000 rows, sent, vacuumed): 0.36-0.38 s, after
0.31-0.35 s; marking those rows sent writes fewer index entries too.

- ``uq_deliveries_article`` becomes (resident_id, article_id, channel), still unique and
  partial (``WHERE article_id IS NOT NULL``): the same columns, so never-send-twice is
  unchanged, and it now answers the look-ups of a resident's news too (deactivation, deletion,
  the rhythm's held rows) and ``storage.rhythm.hold_new``'s (resident, article) probes. No
  query looks news deliveries up by article alone.
- ``ix_deliveries_resident_id`` becomes partial, ``WHERE article_id IS NULL`` (broadcasts and
  answers to a resident): news rows are no longer written into it. A look-up of all of a
  resident's deliveries asks each index for its half (``storage.models.of_resident``). With
  earlier news in the table, one index is still written resident by resident (an entry beside
  each resident's earlier ones, a page for nearly every row), as this one was; the second
  copy of those rows, in article order, is gone.
- ``ix_deliveries_queue`` becomes (channel, priority DESC, id) ``WHERE state = 'pending'``:
  the sender's order as before, one text column fewer per entry, and sent rows leave it
  (it no longer grows with the history). The queries write the state into their SQL
  (``storage.models.in_state``) so that a prepared statement's generic plan can use it.
- ``ix_deliveries_held`` (next_attempt_at) ``WHERE state = 'held'``: the rhythm's due rows,
  which the queue index (state first) used to find.

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
QUEUE = "ix_deliveries_queue"
HELD = "ix_deliveries_held"
PENDING, HELD_STATE = "pending", "held"  # storage.models.DeliveryState, as of this revision
QUEUE_ORDER = ["state", "channel", sa.text("priority DESC"), "id"]  # 0012's


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
    op.drop_index(QUEUE, table_name="deliveries")
    op.create_index(QUEUE, "deliveries", QUEUE_ORDER[1:], **_partial(f"state = '{PENDING}'"))
    op.create_index(HELD, "deliveries", ["next_attempt_at"], **_partial(f"state = '{HELD_STATE}'"))


def downgrade() -> None:
    op.drop_index(HELD, table_name="deliveries")
    op.drop_index(QUEUE, table_name="deliveries")
    op.create_index(QUEUE, "deliveries", QUEUE_ORDER)
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
