"""The SQLite database holds API tokens and sessions: its files are readable by their owner only."""
from __future__ import annotations

import os
from pathlib import Path


def make_sqlite_private(sender, connection, **kwargs) -> None:
    """connection_created handler: chmod the database and its WAL files to 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    for file in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            if file.exists() and file.stat().st_mode & 0o077:
                os.chmod(file, 0o600)
        except PermissionError:  # another account's file: its owner sets the mode
            pass
