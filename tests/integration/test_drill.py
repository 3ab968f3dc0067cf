"""The crash drill's short forms (scripts/drill.py, full forms by hand): 5 `kill -9` of the
bot process at random moments while youths and counselors talk to it, and one homeserver
stop/start; and one "disk full" mid-flow (every write fails for 15 s, a new youth starts
during it). Afterwards no lost or doubled answer, no lost counselor notice, no double
booking, one session room per due booking and one bot device; for the fault also /health
503 during it and 200 after, one staff-room notice each way, nothing left undecryptable."""

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
    assert sum(result["kill_phases"].values()) >= 5, result
    assert not drill.failed(result), result


async def test_a_disk_full_mid_flow_loses_nothing() -> None:
    drill = load_drill()
    args = argparse.Namespace(kills=0, lanes=1, settle=3.0, no_hs_outage=True, disk_full=1,
                              fault_seconds=(15.0, 15.0), fault_gap=(2.0, 4.0))
    result = await drill.run(args)
    assert result["faults"] == 1 and result["youths_started_in_faults"] == 1, result
    assert result["health_checks_in_faults"] >= 5, result
    assert result["messages"] > 8, result
    assert not drill.failed(result), result
