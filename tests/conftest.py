"""Shared fixtures: one real Synapse per test session, E2EE users and bots per test."""

from __future__ import annotations

import copy
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from signedjson.key import generate_signing_key, write_signing_keys

from bot.app import App
from bot.clock import Clock
from bot.config.models import Config
from bot.devserver import LocalSynapse
from tests.support.matrix_user import MatrixUser
from tests.support.postgres import PostgresServer, PostgresUnavailable

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = yaml.safe_load((ROOT / "config.example.yaml").read_text())
PASSWORD = "test-password-123"


# Run first, so that under pytest-xdist (`-n`, see README) the long tests overlap with the
# many short ones instead of ending the run alone on one worker: the crash drill, then every
# test on a real Synapse (or Element's stack), then the rest; collection order within each.
def _rank(item: pytest.Item) -> int:
    if item.get_closest_marker("drill"):
        return 0
    if "synapse" in getattr(item, "fixturenames", ()) or item.get_closest_marker("interop"):
        return 1
    return 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: modules stay together


@pytest.fixture(scope="session")
async def synapse(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalSynapse]:
    """One Synapse per test session (per xdist worker: each has its own port and temp dir)."""
    data = tmp_path_factory.mktemp("synapse")
    # The signing key written here spares a whole `synapse --generate-keys` process start.
    with (data / "signing.key").open("w") as out:
        write_signing_keys(out, [generate_signing_key("a_test")])
    server = LocalSynapse(data)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
async def postgres() -> AsyncIterator[PostgresServer]:
    """One real PostgreSQL server per test session (fresh databases: `create_database`).

    Missing or broken PostgreSQL fails the tests in CI (CI=true) and skips them locally.
    """
    server = PostgresServer()
    try:
        await server.start()
    except PostgresUnavailable as exc:
        await server.stop()
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL is needed in CI: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield server
    await server.stop()


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> tuple[str, PostgresServer | None]:
    """Each storage test runs on both engines (the server only when PostgreSQL is asked)."""
    if request.param == "sqlite":
        return "sqlite", None
    return "postgresql", request.getfixturevalue("postgres")


@pytest.fixture
async def db_url(engine: tuple[str, PostgresServer | None], tmp_path: Path) -> str:
    """A fresh database per test: a SQLite path, or a new database on the PostgreSQL server."""
    _, server = engine
    if server is None:
        return str(tmp_path / "bot.db")
    return await server.create_database()


class MatrixEnv:
    """Users and bots of one test, on the session's Synapse; everything is closed at the end."""

    def __init__(self, synapse: LocalSynapse, tmp: Path) -> None:
        self.synapse = synapse
        self.tmp = tmp
        self.users: list[MatrixUser] = []
        self.apps: list[App] = []

    async def register(self, prefix: str) -> str:
        return await self.synapse.register(f"{prefix}-{secrets.token_hex(4)}", PASSWORD)

    async def user(self, prefix: str = "youth", user_id: str | None = None) -> MatrixUser:
        user_id = user_id or await self.register(prefix)
        store = self.tmp / "clients" / user_id.strip("@").replace(":", "_")
        user = await MatrixUser.login(self.synapse.url, user_id, PASSWORD, store)
        self.users.append(user)
        return user

    def config(self, bot_id: str, data_dir: Path, **overrides: Any) -> Config:
        data = copy.deepcopy(EXAMPLE)
        data["matrix"].update(homeserver=self.synapse.url, user_id=bot_id, password=PASSWORD)
        data["data_dir"] = str(data_dir)
        data["admins"] = []
        data["staff_room"] = {"room_id": "", "name": "staff", "invite": []}
        data["web"] = {**data.get("web", {}), "enabled": False}
        for key, value in overrides.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
        return Config.model_validate(data)

    async def start_bot(self, config: Config, clock: Clock | None = None) -> App:
        app = App(config, clock, sync_backoff_max=2.0)
        app.sync.poll_timeout_ms = 1000
        app.recovery_interval = 1.0
        await app.start()
        self.apps.append(app)
        return app

    async def stop_bot(self, app: App) -> None:
        await app.stop()
        self.apps.remove(app)

    async def close(self) -> None:
        for app in list(self.apps):
            await app.stop()
        for user in self.users:
            await user.close()


@pytest.fixture
async def mx(synapse: LocalSynapse, tmp_path: Path) -> AsyncIterator[MatrixEnv]:
    env = MatrixEnv(synapse, tmp_path)
    yield env
    await env.close()
