"""Command line: `chathulp run`, `chathulp check-config FILE`, `chathulp migrate-db`,
`chathulp rotate-key`, `chathulp report`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="chathulp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot")
    run.add_argument("-c", "--config", default="config.yaml", help="the YAML config file")
    run.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    check = sub.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("file")
    mig = sub.add_parser(
        "migrate-db", help="copy all data to another, empty database (e.g. SQLite → PostgreSQL)"
    )
    mig.add_argument("--from", dest="source", required=True,
                     help="sqlite:///path/chathulp.db (stop the bot first)")
    mig.add_argument("--to", dest="target", required=True,
                     help="postgresql://user@host/dbname (an empty database)")
    rot = sub.add_parser(
        "rotate-key", help="seal the database's sensitive text with a new key (stop the bot first)"
    )
    rot.add_argument("-c", "--config", default="config.yaml", help="the YAML config file")
    rep = sub.add_parser("report", help="monthly figures for funders: CSV, PNG charts, PDF")
    rep.add_argument("-c", "--config", default="config.yaml", help="the YAML config file")
    rep.add_argument("--month", required=True, help="YYYY-MM, the (first) month")
    rep.add_argument("--to", dest="last", help="YYYY-MM, the last month (default: --month)")
    rep.add_argument("--out", required=True, help="the directory to write the files into")
    args = parser.parse_args(argv)

    if args.command == "report":
        return asyncio.run(report(args.config, args.month, args.last, args.out))

    if args.command == "check-config":
        return check_config(args.file)
    if args.command == "migrate-db":
        return asyncio.run(migrate_db(args.source, args.target))
    if args.command == "rotate-key":
        return asyncio.run(rotate_key(args.config))
    return run_bot(args.config, verbose=args.verbose)


def check_config(path: str) -> int:
    from bot.config import ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{path}: OK (bot {config.matrix.user_id}, time zone {config.timezone})")
    return 0


async def migrate_db(source_url: str, target_url: str) -> int:
    """Copy every table; prints the row counts; non-zero exit on refusal or any mismatch."""
    import asyncpg

    from bot.storage.db import Database
    from bot.storage.migrations import DatabaseTooNew
    from bot.storage.transfer import TransferError, copy_database

    try:
        source, target = Database(source_url), Database(target_url)
    except ValueError as exc:
        print(f"migrate-db: {exc}", file=sys.stderr)
        return 2
    try:
        await source.open()
        await target.open()
        counts = await copy_database(
            source, target, progress=lambda t: print(f"copying {t} …", file=sys.stderr)
        )
    except (TransferError, DatabaseTooNew, OSError, asyncpg.PostgresError) as exc:
        print(f"migrate-db: {exc}", file=sys.stderr)
        return 1
    finally:
        await source.close()
        await target.close()
    width = max(len(c.table) for c in counts)
    for c in counts:
        mark = "ok" if c.ok else "MISMATCH"
        print(f"{c.table:<{width}}  {c.source:>8}  {c.target:>8}  {mark}")
    if not all(c.ok for c in counts):
        print("migrate-db: row counts differ; do not switch to the target", file=sys.stderr)
        return 1
    print(f"migrate-db: {sum(c.target for c in counts)} rows copied, all counts match")
    return 0


async def rotate_key(path: str) -> int:
    """A new database key: every sealed value is resealed with it, then the old key is
    forgotten. With CHATHULP_DB_KEY set, secrets.json is not touched: set CHATHULP_DB_KEY to
    the new key and CHATHULP_DB_OLD_KEYS to the old one, run this, then drop the old one."""
    from pathlib import Path

    from bot.app import create_private_file, lock_data_dir
    from bot.config import ConfigError, load_config
    from bot.matrix.client import StartupError
    from bot.matrix.secrets import (
        database_keys,
        finish_rotation,
        load_or_create_secrets,
        rotate_database_key,
    )
    from bot.storage import migrations, sealing
    from bot.storage.db import Database

    os.umask(0o077)
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    data_dir = Path(config.data_dir)
    try:
        lock = lock_data_dir(data_dir)
    except StartupError as exc:
        print(f"rotate-key: {exc}", file=sys.stderr)
        return 1
    from_env = bool(os.environ.get("CHATHULP_DB_KEY"))
    db = Database(config.database_url)
    try:
        load_or_create_secrets(data_dir)
        if not from_env:
            rotate_database_key(data_dir)  # new key, the old one kept until resealed
        key, old = database_keys(load_or_create_secrets(data_dir))
        if db.path is not None:
            create_private_file(Path(db.path))
        await db.open()
        await migrations.upgrade(db)
        sealing.use(db, sealing.Sealer(key, old))
        count = await sealing.reseal_all(db)
        if not from_env:
            finish_rotation(data_dir)
    finally:
        await db.close()
        lock.close()
    print(f"rotate-key: {count} values sealed with the new key {sealing.key_id(key)}")
    if from_env:
        print("rotate-key: now remove CHATHULP_DB_OLD_KEYS from the environment")
    return 0


async def report(config_path: str, first: str, last: str | None, out: str) -> int:
    """Write the report's files; prints their names. Exit 1 on a bad config or month."""
    from pathlib import Path

    from bot.config import ConfigError, load_config
    from bot.reports import chart_titles, report_for
    from bot.reports.render import write
    from bot.storage.db import Database
    from bot.storage.migrations import DatabaseTooNew, upgrade

    try:
        config = load_config(config_path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    os.umask(0o077)  # the files are for the coordinator who asked, nobody else on the host
    db = Database(config.database_url)
    try:
        await db.open()
        await upgrade(db)  # a no-op when the bot already runs this version
        result = await report_for(db, config, first, last)
    except ValueError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    except DatabaseTooNew as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    finally:
        await db.close()
    paths = await asyncio.to_thread(write, result, chart_titles(config), Path(out))
    for path in paths:
        print(path)
    return 0


def run_bot(path: str, *, verbose: bool = False) -> int:
    # Everything the bot writes (database, E2EE store, secrets) is for its own user only;
    # also what SQLite makes while the prefetch below reads the sync token (-wal, -shm).
    os.umask(0o077)
    from bot.matrix import prefetch

    # The homeserver builds the first sync's answer (the full state of every room) while
    # the bot imports and builds itself; the sync loop takes it if it is the one it needs.
    prefetch.start(path)
    from bot.startup import mark, pause_gc, resume_gc

    # What the start-up allocates (about 160 000 objects: modules, config, texts, the crisis
    # net) stays for the bot's lifetime: no cyclic collections until the bot is built.
    pause_gc()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from bot.matrix import logguard

    logguard.install()  # no message content in the log, whatever logs it
    # nio logs message metadata at INFO; keep third-party chatter out of the service log.
    for noisy in ("nio", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    # nio's crypto warnings name the sender of an undecryptable event (a youth's Matrix id);
    # the bot logs those events itself without the id.
    logging.getLogger("nio.crypto").setLevel(logging.DEBUG if verbose else logging.ERROR)
    # The database libraries log SQL with its parameters (intake answers) at DEBUG: never.
    for sql in ("peewee", "aiosqlite", "asyncpg"):
        logging.getLogger(sql).setLevel(logging.WARNING)
    from bot.config import ConfigError, load_config

    mark("command line read")
    try:
        config = load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1
    mark("config loaded")
    if Path(config.data_dir).is_dir():
        # The crisis net's lemma table for this config's words: the shipped one, or (an admin
        # added words) built once by a child process and kept in data_dir. Made here, before
        # the event loop runs, so that App() only reads it.
        config.crisis.lemma_table(Path(config.data_dir))
    from bot.app import App
    from bot.matrix.client import StartupError
    from bot.matrix.cross_signing import CrossSigningError
    from bot.storage.migrations import DatabaseTooNew

    mark("bot imported")

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        app = App(config, config_path=path)
        resume_gc()  # before any waiting (a homeserver down at boot is waited for)
        mark("bot built")
        # SIGHUP: read the config file again and apply it (bot/reload.py); a bad file is
        # refused in the log and the running config stays.
        loop.add_signal_handler(signal.SIGHUP, app.reload_soon)
        await app.run_forever(stop)

    try:
        asyncio.run(runner())
    except (StartupError, CrossSigningError, DatabaseTooNew) as exc:
        logging.getLogger("chathulp").error("Cannot start: %s", exc)
        return 2
    return 0
