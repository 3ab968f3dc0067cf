"""Where the start-up time goes: wall and CPU seconds since the process started, per phase.

`mark("database ready")` logs at DEBUG (`chathulp run -v`) how long after the process start
that phase ended, and the CPU the process had used by then; `scripts/loadgen.py --startup`
measures the whole of it (spawn to the first answer a youth receives).
"""

from __future__ import annotations

import gc
import logging
import os
import time

log = logging.getLogger(__name__)

# Fallback reference when the process start time cannot be read (not Linux): this import.
_IMPORTED = time.monotonic()


def _process_start() -> float | None:
    """The process start on the CLOCK_BOOTTIME scale (Linux /proc), or None."""
    try:
        with open(f"/proc/{os.getpid()}/stat", encoding="ascii") as f:
            stat = f.read()
        # The command name (field 2) may hold spaces: the fields after it follow ')'.
        ticks = int(stat.rsplit(")", 1)[1].split()[19])
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


_STARTED = _process_start()


def since_start() -> float:
    """Wall seconds since the process started (10 ms resolution on Linux)."""
    if _STARTED is not None:
        return time.clock_gettime(time.CLOCK_BOOTTIME) - _STARTED
    return time.monotonic() - _IMPORTED


def mark(phase: str) -> None:
    """Log (DEBUG) the wall and CPU seconds since the process started, at the end of `phase`."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("Start-up: %s after %.2f s (CPU %.2f s)", phase, since_start(),
                  time.process_time())


_gc_paused = False


def pause_gc() -> None:
    """No cyclic garbage collection while the bot imports and builds itself: what it makes
    then lives as long as the process, and each collection would only walk it again and
    again (about a tenth of the start-up's CPU). `resume_gc()` ends the pause."""
    global _gc_paused
    if gc.isenabled():
        gc.disable()
        _gc_paused = True


def resume_gc() -> None:
    """End `pause_gc()`: what exists now is moved out of the collector's view for good
    (`gc.freeze()`: the next collections do not walk it again) and collecting resumes."""
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        gc.freeze()
        gc.enable()
