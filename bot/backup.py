"""`python -m bot backup` and `python -m bot restore FILE`.

SQLite: the online backup API copies a consistent snapshot while the bot runs. PostgreSQL:
pg_dump / pg_restore do it better than we could, so the commands are printed, filled in.
A running bot holds a lock beside its SQLite file; restore refuses to pull the database out
from under it unless told --force.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import Settings


class BackupError(Exception):
    pass


def sqlite_path(settings: Settings) -> Path | None:
    prefix = "sqlite+aiosqlite:///"
    if not settings.database_url.startswith(prefix):
        return None
    return Path(settings.database_url.removeprefix(prefix))


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%SZ")


def _pg_url(settings: Settings) -> str:
    # The plain libpq form of the URL, for pg_dump and pg_restore.
    return "postgresql://" + settings.database_url.split("://", 1)[1]


def _masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        url = url.replace(f":{parts.password}@", ":***@")
    return url


def backup(settings: Settings, folder: Path) -> str:
    """A timestamped copy of the SQLite database; for PostgreSQL, the pg_dump command."""
    path = sqlite_path(settings)
    if path is None:
        schema = f" --schema={settings.database_schema}" if settings.database_schema else ""
        return (
            "PostgreSQL: back up with pg_dump (custom format, restorable with pg_restore):\n"
            f"  pg_dump --format=custom{schema} --file=studio-{_stamp()}.dump"
            f" '{_masked(_pg_url(settings))}'\n"
            "(put the password in ~/.pgpass or PGPASSWORD rather than on the command line)"
        )
    if not path.exists():
        raise BackupError(f"no database at {path}")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.stem}-{_stamp()}.db"
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)  # consistent even while the bot writes
    finally:
        copy.close()
        source.close()
    return f"backup written: {target}"


def _check_backup(file: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{file} is not a SQLite database: {exc}") from exc
    if ok != ("ok",):
        raise BackupError(f"{file} fails SQLite's integrity check: {ok}")
    if not {"users", "studios", "alembic_version"} <= tables:
        raise BackupError(f"{file} is not a backup of this bot's database")


def restore(settings: Settings, file: Path, force: bool = False) -> str:
    path = sqlite_path(settings)
    if path is None:
        return (
            "PostgreSQL: stop the bot, then restore with pg_restore into an empty database:\n"
            f"  pg_restore --clean --if-exists --no-owner --dbname='{_masked(_pg_url(settings))}'"
            f" {file}"
        )
    if not file.exists():
        raise BackupError(f"no such file: {file}")
    _check_backup(file)
    with run_lock(settings, wait=False) as held:
        if not held and not force:
            raise BackupError(
                f"the bot seems to be running on {path} (its lock is held): stop it first,"
                " or add --force to restore underneath it"
            )
        kept = ""
        if path.exists():
            safety = path.with_name(f"{path.name}.before-restore-{_stamp()}")
            shutil.copyfile(path, safety)
            kept = f" (the database it replaced is kept as {safety})"
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    return f"restored {path} from {file}{kept}"


@contextmanager
def run_lock(settings: Settings, wait: bool = False) -> Iterator[bool]:
    """An advisory lock beside a SQLite database, held while the bot runs. Yields whether it
    was obtained (always True for PostgreSQL, where several instances may run)."""
    path = sqlite_path(settings)
    if path is None or str(path) == ":memory:":
        yield True
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
