"""The crash drill's short form (scripts/drill.py, full form by hand): 5 `kill -9` of the
bot process at random moments while youths and counselors talk to it, and one homeserver
stop/start; afterwards no lost or doubled answer, no lost counselor notice, no double
booking, one session room per due booking and one bot device."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.drill

ROOT = Path(__file__).resolve().parents[2]


def load_drill():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("chathulp_drill", ROOT / "scripts" / "drill.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["chathulp_drill"] = module
    spec.loader.exec_module(module)
    return module


async def test_five_kills_and_a_homeserver_restart_lose_nothing() -> None:
    drill = load_drill()
    args = argparse.Namespace(kills=5, lanes=2, settle=5.0, no_hs_outage=False)
    result = await drill.run(args)
    assert result["kills"] == 5 and result["homeserver_outages"] == 1
    assert result["messages"] > 10, result
    assert not drill.failed(result), result
