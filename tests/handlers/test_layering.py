"""Handlers and services talk to the Transport protocol and storage functions only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [*sorted((ROOT / "bot" / "handlers").glob("*.py")),
          *sorted((ROOT / "bot" / "services").glob("*.py"))]


def test_importing_handlers_and_services_loads_no_nio() -> None:
    code = ("import sys, bot.handlers.router, bot.services.booking; "
            "print(any(m == 'nio' or m.startswith('nio.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_sql_or_nio_in_handlers_and_services() -> None:
    assert LAYERS
    offenders = []
    for path in LAYERS:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in {
                "nio", "fetchall", "fetchone", "fetchval", "execute", "executemany",
                "transaction",
            }:
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
                "nio", "aiosqlite", "sqlite3", "asyncpg",
            }:
                offenders.append(f"{path.name}:{node.lineno} from {node.module}")
    assert offenders == []


def test_matrix_and_fake_transport_have_every_protocol_method() -> None:
    """The protocol, nio's implementation and the fake cannot drift apart unnoticed."""
    import inspect

    from bot.handlers.transport import Transport
    from bot.matrix.client import MatrixTransport
    from tests.support.fake_transport import FakeTransport

    names = [n for n in vars(Transport) if not n.startswith("_")]
    assert "send_notice" in names and "room_info" in names
    for impl in (MatrixTransport, FakeTransport):
        for name in names:
            wanted = getattr(Transport, name)
            have = getattr(impl, name, None)
            assert have is not None, f"{impl.__name__}.{name} is missing"
            if isinstance(wanted, property):
                assert isinstance(have, property), f"{impl.__name__}.{name}"
                continue
            assert inspect.iscoroutinefunction(have) == inspect.iscoroutinefunction(wanted), \
                f"{impl.__name__}.{name}: async or not"
            params = list(inspect.signature(wanted).parameters)
            assert list(inspect.signature(have).parameters) == params, f"{impl.__name__}.{name}"
