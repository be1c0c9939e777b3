"""full-text search over articles

SQLite: a contentless FTS5 table ``articles_fts`` (title, body) kept in sync by triggers on
``articles``. The body column is ``search_text`` (already folded); the title is indexed as written,
FTS5's ``remove_diacritics`` folding it except for đ/Đ, which the triggers map by hand.
The FTS rowid is a recency key, not the article id: publication time in seconds * 2**28 + id
(ids stay below 2**28), so "newest matches first" is FTS5's descending rowid scan, which stops
after LIMIT rows instead of sorting every match. ``storage.search`` takes the id back out.
NOTE: a later migration that rebuilds ``articles`` in batch mode (copy and rename) drops these
triggers; it must create them again (``_SQLITE_TRIGGERS``) and rebuild the index.

PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _title(row: str) -> str:
    return f"replace(replace({row}.title, 'đ', 'd'), 'Đ', 'D')"


def _key(row: str) -> str:
    seconds = f"CAST(strftime('%s', coalesce({row}.published_at, {row}.fetched_at)) AS INTEGER)"
    return f"({seconds} * 268435456 + {row}.id)"


_SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5("
    "title, body, content='', tokenize='unicode61 remove_diacritics 2')"
)
_INSERT = (
    "INSERT INTO articles_fts(rowid, title, body)"
    f" VALUES ({_key('new')}, {_title('new')}, new.search_text);"
)
_DELETE = (
    "INSERT INTO articles_fts(articles_fts, rowid, title, body)"
    f" VALUES ('delete', {_key('old')}, {_title('old')}, old.search_text);"
)
_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_INSERT} END",
    f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_DELETE} END",
    "CREATE TRIGGER articles_fts_update"
    " AFTER UPDATE OF title, search_text, published_at, fetched_at ON articles"
    f" BEGIN {_DELETE} {_INSERT} END",
)
_SQLITE_FILL = (
    "INSERT INTO articles_fts(rowid, title, body)"
    f" SELECT {_key('articles')}, {_title('articles')}, search_text FROM articles"
)
_PG_INDEX = (
    "CREATE INDEX ix_articles_search ON articles USING gin (to_tsvector('simple', search_text))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_SQLITE_TABLE)
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute(_SQLITE_FILL)
    else:
        op.execute(_PG_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
