"""Engine and sessions. SQLite is the embedded default; PostgreSQL (psycopg 3) in production."""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Date, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker


# Vietnamese text stays readable in the database (and is cheaper to encode than \u escapes). One
# encoder for the process: json.dumps with options builds a new one on every call.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dump_json(value) -> str:
    return _JSON_ENCODER.encode(value)


def normalise_url(url: str) -> str:
    """Accept the usual `postgresql://` spelling and pick the psycopg 3 driver for it."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, sqlite_busy_timeout: int = 30, echo: bool = False) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, json_serializer=dump_json)

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": sqlite_busy_timeout}, json_serializer=dump_json)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # pysqlite's own transaction handling is turned off so that BEGIN is ours (see _begin);
        # WAL lets readers run beside one writer; foreign keys are off by default in SQLite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout) * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # IMMEDIATE takes the write lock at the start, so that concurrent writers queue on
        # busy_timeout instead of failing half-way with "database is locked".
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """One engine and one thread-local session registry per application."""

    def __init__(self, url: str, sqlite_busy_timeout: int = 30, echo: bool = False):
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, sqlite_busy_timeout, echo)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self.session_factory)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A fresh session committed on success and rolled back on any error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def bulk_insert(connection, table, rows: list[dict], chunk: int = 5000) -> None:
    """Insert many rows that share their keys, the cheapest way each database allows.

    On SQLite, SQLAlchemy's per-statement parameter handling costs more than the insert itself, so the
    rows go straight to the driver's ``executemany``, converted by the columns' own bind processors.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        from sqlalchemy import insert
        for start in range(0, len(rows), chunk):
            connection.execute(insert(table), rows[start:start + chunk])
        return
    columns = list(rows[0])
    processors = [table.c[name].type._cached_bind_processor(connection.dialect) for name in columns]
    statement = (f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '
                 f'VALUES ({", ".join("?" * len(columns))})')
    converting = [(i, p, {} if isinstance(table.c[columns[i]].type, Date) else None)
                  for i, p in enumerate(processors) if p is not None]
    last: dict[int, tuple] = {}  # a value shared by consecutive rows (a batch's timestamp) is converted once
    for start in range(0, len(rows), chunk):
        params = []
        for row in rows[start:start + chunk]:
            values = [row[name] for name in columns]
            for i, process, memo in converting:
                value = values[i]
                if value is None:
                    continue
                if memo is not None:  # a batch holds few distinct days: each is converted once
                    converted = memo.get(value)
                    if converted is None:
                        converted = memo[value] = process(value)
                    values[i] = converted
                    continue
                seen = last.get(i)
                if seen is not None and seen[0] is value:
                    values[i] = seen[1]
                else:
                    values[i] = process(value)
                    last[i] = (value, values[i])
            params.append(tuple(values))
        connection.exec_driver_sql(statement, params)
