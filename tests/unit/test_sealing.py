"""Sensitive text sealed at rest (AES-GCM), existing databases sealed in place, key rotation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.intake import IntakeState
from bot.matrix.secrets import database_keys, load_or_create_secrets, unb64
from bot.storage import migrations, sealing, youths
from bot.storage.db import Database
from tests.support.harness import make_config

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
STORY = "MARKERq4x ik durf niet naar huis"


def state(story: str) -> IntakeState:
    return IntakeState(status="done", step=None, language="nl",
                       answers={"topic": "school", "story": story})


async def fill(db: Database) -> youths.Case:
    """A youth whose intake is complete, with a story (sealed when `db` has a key)."""
    youth, case = await youths.first_contact(db, "@y:test", "!dm:test", state(STORY), NOW)
    await youths.save_intake(db, youth, case, state(STORY), NOW, room_id="!dm:test",
                             completed=True, fields={"topic": "school", "free_text": STORY})
    got = await youths.get_case(db, case.id)
    assert got is not None
    return got


def test_seal_and_unseal() -> None:
    sealer = sealing.Sealer(sealing.new_key())
    sealed = sealer.seal("geheim ✓")
    assert sealed.startswith("cx1:" + sealer.id) and "geheim" not in sealed
    assert sealing.unseal(sealed) == "geheim ✓"
    assert sealing.unseal("plain from before") == "plain from before"
    assert sealer.seal("x") != sealer.seal("x")  # a fresh nonce every time
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - the AEAD tag refuses it
        sealing.unseal(tampered)
    with pytest.raises(sealing.SealError):
        sealing.unseal("cx1:000000000000:AAAA")


async def test_storage_is_transparent_and_sealed(db: Database) -> None:
    sealing.use(db, sealing.Sealer(sealing.new_key()))
    case = await fill(db)
    assert case.free_text == STORY and case.answers["story"] == STORY
    for sql in ("SELECT free_text FROM cases", "SELECT answers FROM cases",
                "SELECT intake FROM youths"):
        raw = await db.fetchval(sql)
        assert raw.startswith("cx1:") and "MARKER" not in raw


async def test_an_existing_database_is_sealed_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    await db.open()
    await migrations.upgrade(db)
    await fill(db)  # written before sealing existed: plain text
    assert await db.fetchval("SELECT free_text FROM cases") == STORY
    sealing.use(db, sealing.Sealer(sealing.new_key()))
    assert await sealing.reseal_all(db) == 3
    assert await sealing.reseal_all(db) == 0  # once
    case = await youths.latest_case(db, "@y:test")
    assert case is not None and case.free_text == STORY
    await db.close()
    raw = path.read_bytes() + (path.with_name("old.db-wal").read_bytes()
                               if path.with_name("old.db-wal").exists() else b"")
    assert b"MARKERq4x" not in raw


async def test_rotate_key_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHATHULP_DB_KEY", raising=False)
    cfg_file, data_dir = write_config(tmp_path)
    key, _ = database_keys(load_or_create_secrets(data_dir))
    db = Database(data_dir / "chathulp.db")
    await db.open()
    await migrations.upgrade(db)
    sealing.use(db, sealing.Sealer(key))
    await fill(db)
    before = await db.fetchval("SELECT free_text FROM cases")
    await db.close()

    assert await_main(["rotate-key", "-c", str(cfg_file)]) == 0

    new_key, old = database_keys(load_or_create_secrets(data_dir))
    assert new_key != key and old == []  # the old key is forgotten once all is resealed
    db = Database(data_dir / "chathulp.db")
    await db.open()
    after = await db.fetchval("SELECT free_text FROM cases")
    assert after != before and after.startswith(f"cx1:{sealing.key_id(new_key)}:")
    assert sealing.unseal(after) == STORY
    await db.close()
    assert len(unb64(json.loads((data_dir / "secrets.json").read_text())["db_key"])) == 32


def write_config(tmp_path: Path) -> tuple[Path, Path]:
    config = make_config(tmp_path / "data")
    cfg_file = tmp_path / "config.yaml"
    data = json.loads(config.model_dump_json())
    data["matrix"]["password"] = "unused"
    data["texts"] = {}
    cfg_file.write_text(json.dumps(data))
    data_dir = Path(config.data_dir)
    data_dir.mkdir(parents=True)
    return cfg_file, data_dir


def await_main(argv: list[str]) -> int:
    import concurrent.futures

    # `main` runs its own event loop: in a thread, beside this test's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(main, argv).result()
