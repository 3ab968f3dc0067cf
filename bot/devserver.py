"""A local Synapse (matrix-synapse from PyPI, SQLite) on 127.0.0.1, for development and tests.

Generates a config with a registration shared secret and relaxed rate limits, starts the
homeserver as a subprocess, and registers users through the shared-secret admin API.
Synapse itself is not a runtime dependency of the bot: install the `test` extra.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import socket
import sys
from pathlib import Path

import aiohttp

CONFIG_TEMPLATE = """\
server_name: "{server_name}"
public_baseurl: "http://127.0.0.1:{port}/"
pid_file: "{data}/homeserver.pid"
report_stats: false
listeners:
  - port: {port}
    type: http
    tls: false
    bind_addresses: ['127.0.0.1']
    resources: [{{names: [client], compress: false}}]
database: {{name: sqlite3, args: {{database: "{data}/homeserver.db"}}}}
media_store_path: "{data}/media_store"
signing_key_path: "{data}/signing.key"
log_config: "{data}/log.config"
registration_shared_secret: "{secret}"
enable_registration: false
trusted_key_servers: []
suppress_key_server_warning: true
bcrypt_rounds: 4
rc_message: {{per_second: 1000, burst_count: 1000}}
rc_registration: {{per_second: 1000, burst_count: 1000}}
rc_login:
  address: {{per_second: 1000, burst_count: 1000}}
  account: {{per_second: 1000, burst_count: 1000}}
  failed_attempts: {{per_second: 1000, burst_count: 1000}}
rc_joins: {{local: {{per_second: 1000, burst_count: 1000}}}}
rc_invites:
  per_room: {{per_second: 1000, burst_count: 1000}}
  per_user: {{per_second: 1000, burst_count: 1000}}
  per_issuer: {{per_second: 1000, burst_count: 1000}}
rc_key_requests: {{per_second: 1000, burst_count: 1000}}
rc_room_creation: {{per_second: 1000, burst_count: 1000}}
rc_3pid_validation: {{per_second: 1000, burst_count: 1000}}
"""

LOG_CONFIG = """\
version: 1
formatters:
  precise: {format: '%(asctime)s %(levelname)s %(name)s: %(message)s'}
handlers:
  file: {class: logging.FileHandler, formatter: precise, filename: "LOGFILE"}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


class LocalSynapse:
    def __init__(
        self, data_dir: Path, port: int | None = None, server_name: str = "localhost"
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.server_name = server_name
        self.port = port

        self.secret_file = self.data_dir / "registration_secret"
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.data_dir / "homeserver.yaml"

    def _secret(self) -> str:
        if not self.secret_file.exists():
            self.secret_file.write_text(secrets.token_hex(16))
        return self.secret_file.read_text().strip()

    async def prepare(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # A port asked for wins; else the one used before (so URLs stay stable); else a free one.
        port_file = self.data_dir / "port"
        if self.port is None and port_file.exists():
            self.port = int(port_file.read_text())
        self.port = self.port or free_port()
        port_file.write_text(str(self.port))
        self.config_path.write_text(
            CONFIG_TEMPLATE.format(
                server_name=self.server_name, port=self.port, data=self.data_dir,
                secret=self._secret(),
            )
        )
        (self.data_dir / "log.config").write_text(
            LOG_CONFIG.replace("LOGFILE", str(self.data_dir / "homeserver.log"))
        )
        if not (self.data_dir / "signing.key").exists():
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path),
                "--generate-keys",
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
            )
            _, err = await proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"synapse --generate-keys failed: {err.decode()[-2000:]}")

    async def start(self, timeout: float = 60) -> None:
        if self.proc is None or self.proc.returncode is not None:
            await self.prepare()
            if _port_in_use(self.port):
                raise RuntimeError(
                    f"port {self.port} is already in use: is another homeserver (or a second "
                    "scripts/dev.sh) running?"
                )
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=open(self.data_dir / "stderr.log", "ab"),  # noqa: ASYNC230
            )
        await self.wait_ready(timeout)

    async def wait_ready(self, timeout: float = 60) -> None:
        async with aiohttp.ClientSession() as http, asyncio.timeout(timeout):
            while True:
                if self.proc is not None and self.proc.returncode is not None:
                    raise RuntimeError(
                        f"Synapse exited with {self.proc.returncode}; see {self.data_dir}"
                    )
                try:
                    async with http.get(f"{self.url}/_matrix/client/versions") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.2)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                async with asyncio.timeout(20):
                    await self.proc.wait()
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.proc = None

    async def register(self, localpart: str, password: str, *, admin: bool = False) -> str:
        """Register a user with the shared-secret admin API; returns the user id.

        An existing user is fine (its id is returned), so scripts can run twice.
        """
        url = f"{self.url}/_synapse/admin/v1/register"
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as r:
                nonce = (await r.json())["nonce"]
            parts = (nonce, localpart, password, "admin" if admin else "notadmin")
            message = b"\x00".join(p.encode() for p in parts)
            digest = hmac.new(self._secret().encode(), message, hashlib.sha1).hexdigest()
            body = {"nonce": nonce, "username": localpart, "password": password,
                    "admin": admin, "mac": digest}
            async with http.post(url, json=body) as r:
                data = await r.json()
                if r.status == 200:
                    # Registration logs a device in; drop it so the account starts with none.
                    token = data.get("access_token")
                    if token:
                        async with http.post(
                            f"{self.url}/_matrix/client/v3/logout",
                            headers={"Authorization": f"Bearer {token}"}, json={},
                        ):
                            pass
                    return str(data["user_id"])
                if data.get("errcode") == "M_USER_IN_USE":
                    return f"@{localpart}:{self.server_name}"
                raise RuntimeError(f"registering {localpart} failed: {r.status} {data}")
