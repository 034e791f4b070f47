"""`python -m bot backup` and `restore`: a copy while the bot runs, and a restore that
refuses to pull the database out from under a running bot."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main, prepare_database
from bot.backup import run_lock
from bot.config import Settings


def settings_at(path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{path}")  # type: ignore[call-arg]


def names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT full_name FROM users ORDER BY id")]
    finally:
        conn.close()


def add_user(path: Path, user_id: int, name: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO users (id, full_name, created_at, last_seen_at)"
            " VALUES (?, ?, '2026-11-29 00:00:00', '2026-11-29 00:00:00')",
            (user_id, name),
        )
    conn.close()


def test_backup_then_restore_brings_the_data_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "data" / "studio.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    asyncio.run(prepare_database(settings_at(db)))
    add_user(db, 1, "岩温")

    assert main(["backup", "--to", str(tmp_path / "backups")]) == 0
    copies = list((tmp_path / "backups").glob("studio-*.db"))
    assert len(copies) == 1 and "backup written" in capsys.readouterr().out
    assert names(copies[0]) == ["岩温"]

    add_user(db, 2, "后来的人")  # a mistake after the backup…
    # …while the bot runs, restore refuses;
    with run_lock(settings_at(db)) as held:
        assert held
        assert main(["restore", str(copies[0])]) == 1
        assert "running" in capsys.readouterr().err
    assert names(db) == ["岩温", "后来的人"]
    # stopped, it restores, and keeps what it replaced.
    assert main(["restore", str(copies[0])]) == 0
    assert names(db) == ["岩温"]
    kept = list(db.parent.glob("studio.db.before-restore-*"))
    assert len(kept) == 1 and names(kept[0]) == ["岩温", "后来的人"]


def test_restore_refuses_what_is_not_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "studio.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database" * 100)
    assert main(["restore", str(junk)]) == 1
    assert "not a SQLite database" in capsys.readouterr().err
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert main(["restore", str(other)]) == 1
    assert "not a backup of this bot" in capsys.readouterr().err


def test_postgresql_gets_the_commands_with_the_password_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://studio:s3cret@db:5432/studio")
    assert main(["backup"]) == 0
    out = capsys.readouterr().out
    assert "pg_dump --format=custom" in out and "postgresql://studio:***@db:5432/studio" in out
    assert "s3cret" not in out
    assert main(["restore", "studio.dump"]) == 0
    assert "pg_restore" in capsys.readouterr().out
