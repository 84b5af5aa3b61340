"""One SQLite file under DATA_DIR holding the service's state, opened in WAL mode.

A single connection guarded by a lock serves all threads: the writes are tiny, and one writer
is what SQLite allows anyway. WAL lets readers in another process (the CLI, a report) read
while the service writes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from bot.errors import PrivacyBotError
from bot.store.migrations import MIGRATIONS, Migration


class StateDatabaseError(PrivacyBotError):
    """The state database cannot be opened or migrated."""


class Database:
    def __init__(self, path: Path, migrations: Sequence[Migration] = MIGRATIONS):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we open transactions ourselves, explicitly.
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe with WAL
            self._conn.execute("PRAGMA busy_timeout=10000")
        except sqlite3.Error as error:
            raise StateDatabaseError(f"cannot open the state database {self.path}: {error}") from error
        self._lock = threading.Lock()
        self.migrate(migrations)

    def migrate(self, migrations: Sequence[Migration]) -> list[int]:
        """Apply the migrations not yet recorded, in number order; returns the numbers applied."""
        numbers = [m.number for m in migrations]
        if numbers != sorted(set(numbers)):
            raise StateDatabaseError(f"migration numbers must be unique and ascending, got {numbers}")
        applied: list[int] = []
        with self._lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
            )
            done = {row[0] for row in self._conn.execute("SELECT number FROM schema_migrations")}
            for migration in migrations:
                if migration.number in done:
                    continue
                try:
                    # executescript would commit on its own; run statement by statement instead.
                    self._conn.execute("BEGIN IMMEDIATE")
                    for statement in _statements(migration.sql):
                        self._conn.execute(statement)
                    self._conn.execute(
                        "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
                        (migration.number, migration.name, time.time()),
                    )
                    self._conn.execute("COMMIT")
                except sqlite3.Error as error:
                    self._conn.execute("ROLLBACK")
                    raise StateDatabaseError(
                        f"migration {migration.number} ({migration.name}) failed on {self.path}: {error}"
                    ) from error
                applied.append(migration.number)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run statements atomically; the connection is only used while the lock is held."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row | tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def schema_version(self) -> int:
        rows = self.query("SELECT COALESCE(MAX(number), 0) FROM schema_migrations")
        return int(rows[0][0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _statements(script: str) -> list[str]:
    """Split a migration into statements (no migration contains ';' inside a literal).

    A `CREATE TRIGGER ... BEGIN ...; END` holds semicolons of its own: its pieces are joined
    back until its END."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    statements: list[str] = []
    pending = ""
    for piece in "\n".join(lines).split(";"):
        pending = f"{pending};{piece}" if pending else piece
        text = pending.strip()
        if text.upper().startswith("CREATE TRIGGER") and not text.upper().endswith("END"):
            continue
        if text:
            statements.append(text)
        pending = ""
    return statements
