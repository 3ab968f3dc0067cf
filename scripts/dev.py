"""Bring up a local Synapse, register the bot and demo accounts, and run the bot.

Usage: python scripts/dev.py [--config config.example.yaml] [--no-bot]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from pathlib import Path
from urllib.parse import urlparse

from bot.app import App
from bot.config import load_config
from bot.devserver import LocalSynapse

ROOT = Path(__file__).resolve().parent.parent
DEMO_ACCOUNTS = [
    ("youth", "youth-demo-password", False),
    ("counselor", "counselor-demo-password", False),
    ("counselor2", "counselor2-demo-password", False),
    ("admin", "admin-demo-password", True),
]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=str(ROOT / "config.example.yaml"))
    parser.add_argument("--no-bot", action="store_true", help="only the homeserver")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("nio", "peewee", "aiosqlite", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    config = load_config(args.config)
    port = urlparse(config.matrix.homeserver).port or 8448
    server = LocalSynapse(ROOT / ".dev" / "synapse", port=port)
    await server.start()
    # The invite pages create anonymous accounts with the dev homeserver's shared secret.
    os.environ.setdefault("CHATHULP_REGISTRATION_SECRET", server.secret_file.read_text().strip())
    bot_local = config.matrix.user_id[1:].split(":")[0]
    bot_password = config.matrix.password.get_secret_value() if config.matrix.password else ""
    await server.register(bot_local, bot_password)
    for name, password, admin in DEMO_ACCOUNTS:
        await server.register(name, password, admin=admin)

    print(
        "\n  Local homeserver: " + server.url +
        "\n  Log in with Element (Desktop, or Element Web → 'Edit' homeserver → " + server.url +
        "):" + "".join(f"\n    @{n}:localhost   password: {p}" for n, p, _ in DEMO_ACCOUNTS) +
        f"\n  Then start a chat with {config.matrix.user_id} (encrypted) as the youth."
        + "".join(f"\n  Invite page: {config.web.public_base_url}/join/{c.code}"
                  for c in config.campaigns) + "\n",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        if args.no_bot:
            await stop.wait()
        else:
            await App(config).run_forever(stop)
    finally:
        await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
