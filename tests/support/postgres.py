"""A throw-away PostgreSQL server for the tests: initdb in a temp dir, loopback only, no fsync.

Uses the server binaries of Debian's `postgresql` package (scripts/test.sh installs it) or any
`initdb`/`postgres` on PATH. initdb refuses to run as root; as root the data directory is given
to the `postgres` OS user and the server runs as that user (runuser).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import tempfile
from pathlib import Path

import asyncpg


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path | None:
    on_path = shutil.which("initdb")
    if on_path and shutil.which("postgres"):
        return Path(on_path).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="chathulp-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._proc: asyncio.subprocess.Process | None = None
        self._prefix: list[str] = []

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    async def _run(self, *cmd: str) -> None:
        proc = await asyncio.create_subprocess_exec(
            *self._prefix, *cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise PostgresUnavailable(f"{cmd[0]} failed: {out.decode(errors='replace')[-2000:]}")

    async def start(self, timeout: float = 60.0) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "no PostgreSQL server binaries (initdb/postgres); install Debian's 'postgresql'"
            )
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root and there is no 'postgres' user") \
                    from exc
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        await self._run(str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C")
        self._proc = await asyncio.create_subprocess_exec(
            *self._prefix, str(bindir / "postgres"), "-D", str(self.data),
            "-h", "127.0.0.1", "-p", str(self.port), "-k", str(self.root),
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=300", "-c", "shared_buffers=32MB",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self._proc.returncode is not None:
                err = (await self._proc.stderr.read()).decode(errors="replace")  # type: ignore[union-attr]
                raise PostgresUnavailable(f"postgres exited: {err[-2000:]}")
            try:
                conn = await asyncpg.connect(self.url(), timeout=2)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                if asyncio.get_running_loop().time() > deadline:
                    raise PostgresUnavailable("postgres did not accept connections") from None
                await asyncio.sleep(0.2)
                continue
            await conn.close()
            return

    async def create_database(self, prefix: str = "t") -> str:
        """A new empty database; returns its URL."""
        name = f"{prefix}_{secrets.token_hex(6)}"
        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)

    async def stop(self) -> None:
        proc = self._proc
        if proc is not None and proc.returncode is None:
            # SIGINT: PostgreSQL's "fast" shutdown; to its own process group (runuser + server).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        with contextlib.suppress(OSError):
            shutil.rmtree(self.root)
