"""Shared fixtures: one real Synapse per test session, E2EE users and bots per test."""

from __future__ import annotations

import copy
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import App
from bot.clock import Clock
from bot.config.models import Config
from bot.devserver import LocalSynapse
from tests.support.matrix_user import MatrixUser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = yaml.safe_load((ROOT / "config.example.yaml").read_text())
PASSWORD = "test-password-123"


@pytest.fixture(scope="session")
async def synapse(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalSynapse]:
    server = LocalSynapse(tmp_path_factory.mktemp("synapse"))
    await server.start()
    yield server
    await server.stop()


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
