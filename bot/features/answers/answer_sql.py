"""The answer batch's statements, handed to the database driver as plain SQL.

Through SQLAlchemy Core every execution builds the statement, computes its cache key, expands
its IN lists and runs each value through its type: about 160 µs for one of the batch's small
statements, against 40 µs through ``Connection.exec_driver_sql`` (measured on SQLite), and
four fifths of a batch's CPU. So the batch writes its SQL itself. ``exec_driver_sql`` keeps
the rest of SQLAlchemy: the transaction, events, logging and the wrapped errors the batch's
retry relies on. Values are converted by the tables' own column types for the dialect, so
what is written and read is the same as through the ORM (a test compares them).

Placeholders are the driver's: ``?`` for sqlite3, ``$1`` for asyncpg, where a list is one
array parameter (``= ANY($1)``), so the statement's text, and asyncpg's prepared statement,
does not change with the size of the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Column, Table
from sqlalchemy.engine import Connection, Dialect

from bot.kernel.db.models import Answer, Post

POSTS = cast(Table, Post.__table__)
ANSWERS = cast(Table, Answer.__table__)
PARTNER_COLUMNS = ("chat_id", "id", "user_id", "display_name", "active")
SELECT_PARTNERS = f"SELECT {', '.join(PARTNER_COLUMNS)} FROM partners WHERE "
ANSWER_COLUMNS = ("post_id", "partner_id", "answered_at", "message_id", "how")

Convert = Callable[[Any], Any]


class Query:
    """Positional parameters and their placeholders, in the order they appear in the SQL."""

    def __init__(self, postgres: bool) -> None:
        self.values: list[object] = []
        self._postgres = postgres

    def add(self, value: object) -> str:
        """A placeholder for one value."""
        self.values.append(value)
        return f"${len(self.values)}" if self._postgres else "?"

    def among(self, column: str, values: Iterable[object]) -> str:
        """A condition: the column holds one of the values."""
        if self._postgres:
            return f"{column} = ANY({self.add(list(values))})"
        return f"{column} IN ({', '.join(self.add(v) for v in values)})"


class Statements:
    """The batch's reads and writes for one dialect (SQLite or PostgreSQL)."""

    def __init__(self, dialect: Dialect) -> None:
        self.postgres = dialect.name == "postgresql"
        self._post_columns = [c.name for c in POSTS.c]
        self._select_posts = f"SELECT {', '.join(self._post_columns)} FROM posts WHERE "
        self._post_readers = [_reader(c, dialect) for c in POSTS.c]
        self._stamp = _writer(ANSWERS.c.answered_at, dialect)
        self._answer_writers = [_writer(ANSWERS.c[name], dialect) for name in ANSWER_COLUMNS]
        self._insert_answers = (
            f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) "
            f"VALUES ({', '.join(self._placeholders(len(ANSWER_COLUMNS)))})"
        )
        first, together, post_id = self._placeholders(3)
        self._update_posts = (
            f"UPDATE posts SET first_answer_at = {first}, together_at = {together} "
            f"WHERE id = {post_id}"
        )

    def query(self) -> Query:
        """A new statement's parameters."""
        return Query(self.postgres)

    def stamp(self, moment: datetime) -> object:
        """A timestamp as the driver takes it."""
        return self._stamp(moment)

    def posts(self, conn: Connection, where: str, query: Query) -> list[Post]:
        """The posts matching ``where``, in id order; locked for this transaction on PostgreSQL."""
        lock = " FOR UPDATE" if self.postgres else ""
        rows = conn.exec_driver_sql(
            f"{self._select_posts}{where} ORDER BY id{lock}", tuple(query.values)
        )
        names, readers = self._post_columns, self._post_readers
        return [
            Post(
                **{name: read(value) for name, read, value in zip(names, readers, row, strict=True)}
            )
            for row in rows
        ]

    def partners(self, conn: Connection, chat_ids: Iterable[int]) -> list[tuple[Any, ...]]:
        """(chat id, id, user id, display name, active) of every partner of the chats."""
        query = self.query()
        sql = f"{SELECT_PARTNERS}{query.among('chat_id', chat_ids)} ORDER BY id"
        return [tuple(row) for row in conn.exec_driver_sql(sql, tuple(query.values))]

    def answered(self, conn: Connection, post_ids: Iterable[int]) -> set[tuple[int, int]]:
        """(post id, partner id) of every answer to the posts."""
        query = self.query()
        sql = f"SELECT post_id, partner_id FROM answers WHERE {query.among('post_id', post_ids)}"
        return {
            (post_id, partner_id)
            for post_id, partner_id in conn.exec_driver_sql(sql, tuple(query.values))
        }

    def add_answers(self, conn: Connection, rows: Sequence[dict[str, object]]) -> None:
        """Insert answers (dicts with ``ANSWER_COLUMNS``)."""
        writers = self._answer_writers
        values = [
            tuple(write(row[name]) for name, write in zip(ANSWER_COLUMNS, writers, strict=True))
            for row in rows
        ]
        conn.exec_driver_sql(self._insert_answers, values)

    def mark_posts(self, conn: Connection, posts: Iterable[Post]) -> None:
        """Store each post's first answer and "answered together" times."""
        stamp = self._stamp
        values = [(stamp(p.first_answer_at), stamp(p.together_at), p.id) for p in posts]
        conn.exec_driver_sql(self._update_posts, values)

    def _placeholders(self, count: int) -> list[str]:
        query = self.query()
        return [query.add(None) for _ in range(count)]


_BUILT: dict[tuple[str, str], Statements] = {}


def statements_for(conn: Connection) -> Statements:
    """The statements for the connection's kind of database and driver (built once for each)."""
    dialect = conn.dialect
    key = (dialect.name, dialect.driver)
    if key not in _BUILT:
        _BUILT[key] = Statements(dialect)
    return _BUILT[key]


# SQLAlchemy's processors take None (NULL) too.
def _reader(column: Column[Any], dialect: Dialect) -> Convert:
    return column.type.dialect_impl(dialect).result_processor(dialect, None) or _same


def _writer(column: Column[Any], dialect: Dialect) -> Convert:
    return column.type.dialect_impl(dialect).bind_processor(dialect) or _same


def _same(value: Any) -> Any:
    return value
