"""Fast bulk writes for the demo, the benchmarks and the importer.

SQLite: DBAPI ``executemany`` in the caller's transaction. PostgreSQL: ``COPY … FROM STDIN``.
Both run inside the SQLAlchemy transaction of ``conn``, so an import stays all-or-nothing.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from sqlalchemy import Connection

CHUNK = 50_000


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert tuples (in ``columns`` order) into ``table``; returns the number of rows."""
    raw = conn.connection.dbapi_connection
    columns = [_quote(c) for c in columns]
    total = 0
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    total += 1
        return total
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cur = raw.cursor()
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        cur.executemany(sql, chunk)
        total += len(chunk)
    cur.close()
    return total


def _quote(column: str) -> str:
    """Quote a column name (``end`` is reserved in PostgreSQL); already quoted names pass."""
    return column if column.startswith('"') else f'"{column}"'


def reset_sequence(conn: Connection, table: str, column: str = "id") -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
            f"COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)"
        )
