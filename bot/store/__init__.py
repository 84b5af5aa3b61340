"""SQLite state under DATA_DIR: event dedupe, feedback, support requests (numbered migrations)."""

from bot.store.database import Database, StateDatabaseError
from bot.store.migrations import MIGRATIONS, Migration
from bot.store.state import StateStore, Vote

__all__ = ["Database", "MIGRATIONS", "Migration", "StateDatabaseError", "StateStore", "Vote"]
